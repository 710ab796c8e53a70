// Renders the PNG app icons from public/icons/icon.svg with the system Chromium.
// Run after changing the SVG: node scripts/render-icons.mjs
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const iconsDir = fileURLToPath(new URL('../public/icons/', import.meta.url));
const svg = readFileSync(`${iconsDir}icon.svg`, 'utf8');
// Full-bleed variant (no rounded corners) for maskable and Apple icons: the platform applies its own mask.
const fullBleed = svg.replace('rx="16"', 'rx="0"');
const inner = fullBleed
  .replace(/^<svg[^>]*>/, '')
  .replace(/<\/svg>\s*$/, '')
  .replace(/<rect[^>]*\/>/, '');

// Notification badge (Android's status bar): only the alpha channel counts, so a white mark with the phone cut out.
const bubble = /<path d="([^"]+)" fill="#fff"\/>/.exec(svg)[1];
const handset = /<path d="([^"]+)" fill="#4f46e5"\/>/.exec(svg)[1];
const badge = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="10 10 44 44"><mask id="m"><rect x="0" y="0" width="64" height="64" fill="#fff"/><path d="${handset}" fill="#000"/></mask><path d="${bubble}" fill="#fff" mask="url(#m)"/></svg>`;

const variants = [
  { file: 'icon-32.png', size: 32, html: svg },
  { file: 'icon-192.png', size: 192, html: svg },
  { file: 'icon-512.png', size: 512, html: svg },
  { file: 'apple-touch-icon.png', size: 180, html: fullBleed },
  { file: 'badge-96.png', size: 96, html: badge },
  {
    // Maskable: the mark kept inside the 80% safe-zone circle over the full-bleed background.
    file: 'icon-maskable-512.png',
    size: 512,
    html: `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#6d5efc"/><stop offset="1" stop-color="#3b2fd0"/></linearGradient></defs><rect width="64" height="64" fill="url(#g)"/><g transform="translate(3.2 3.2) scale(0.9)">${inner.replace(/<defs>[\s\S]*?<\/defs>/, '')}</g></svg>`,
  },
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
try {
  for (const { file, size, html } of variants) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    await page.setContent(
      `<html><body style="margin:0;background:transparent">${html.replace('<svg ', `<svg width="${size}" height="${size}" `)}</body></html>`,
    );
    await page.screenshot({ path: `${iconsDir}${file}`, omitBackground: true });
    await page.close();
    console.log(`wrote ${file}`);
  }
} finally {
  await browser.close();
}
