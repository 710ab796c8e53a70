// Runs the Playwright specs against the real server: creates an administrator in a fresh
// DATA_DIR (embedded PGlite) with the admin CLI, then starts `node apps/server/dist/main.js`
// on a free port with that DATA_DIR, waits for /health, runs the specs, then stops the server
// and deletes its data. Extra arguments go to `playwright test`.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const webDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = path.resolve(webDir, '../..');
const serverEntry = path.join(repoRoot, 'apps/server/dist/main.js');
const adminCli = path.join(repoRoot, 'apps/server/dist/cli/admin-create.js');
const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

function fail(message) {
  console.error(`e2e: ${message}`);
  process.exit(1);
}

if (!existsSync(serverEntry)) fail(`${path.relative(repoRoot, serverEntry)} is missing; run \`npm run build\` first.`);
if (!existsSync(adminCli)) fail(`${path.relative(repoRoot, adminCli)} is missing; run \`npm run build\` first.`);
if (!existsSync(path.join(webDir, 'dist/index.html'))) fail('apps/web/dist is missing; run `npm run build` first.');
if (!existsSync(chromium)) fail(`Chromium not found at ${chromium} (set CHROMIUM_PATH).`);

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

const port = await freePort();
// notifications.spec.ts runs a local push service here; the server accepts it as a Web Push endpoint.
let pushPort = await freePort();
while (pushPort === port) pushPort = await freePort();
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'commpro-e2e-'));
const baseURL = `http://127.0.0.1:${port}`;

const serverEnv = {
  ...process.env,
  PORT: String(port),
  DATA_DIR: dataDir,
  RATE_LIMIT_MAX: '1000',
  // Every spec signs up from 127.0.0.1; the per-IP sign-up limit (20/hour) is tested in the server suite.
  EMAIL_SEND_LIMIT_PER_HOUR: '1000',
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  // The address the browser uses, so signed media links are same-origin (CSP img-src 'self').
  PUBLIC_URL: baseURL,
  // calls.spec.ts waits for an unanswered call to be missed: a short ring, and the job that ends it runs soon after.
  CALL_RING_TIMEOUT_SECONDS: '8',
  JOBS_POLL_MS: '500',
  WEB_PUSH_EXTRA_ORIGINS: `http://127.0.0.1:${pushPort}`,
};
// Embedded PGlite and in-process state, like `npm start` on a fresh clone.
delete serverEnv.DATABASE_URL;
delete serverEnv.REDIS_URL;

// An administrator for the specs (e.g. to put an account on a plan). PGlite is single-process:
// the CLI runs on the DATA_DIR before the server opens it.
const admin = { email: 'e2e-admin@example.com', password: `${randomBytes(18).toString('base64url')}-Aa1` };
// `--password=…` in one piece: a generated password may start with "-", which would read as an option.
const created = spawnSync(process.execPath, [adminCli, `--email=${admin.email}`, `--password=${admin.password}`], {
  cwd: repoRoot,
  env: serverEnv,
  encoding: 'utf8',
});
if (created.status !== 0) {
  rmSync(dataDir, { recursive: true, force: true });
  fail(`the admin CLI failed (${created.status}): ${created.stderr || created.stdout}`);
}

const server = spawn(process.execPath, [serverEntry], { cwd: repoRoot, env: serverEnv, stdio: 'inherit' });
let serverExited = false;
const serverExit = new Promise((resolve) => {
  server.on('exit', (code, signal) => {
    serverExited = true;
    resolve({ code, signal });
  });
});

async function stopServer() {
  if (!serverExited) {
    server.kill('SIGTERM');
    const timer = setTimeout(() => server.kill('SIGKILL'), 10_000);
    await serverExit;
    clearTimeout(timer);
  }
  rmSync(dataDir, { recursive: true, force: true });
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    void stopServer().then(() => process.exit(130));
  });
}

async function waitForHealth(timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (serverExited) return false;
    try {
      const response = await fetch(`${baseURL}/health`);
      if (response.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return false;
}

let exitCode = 1;
try {
  if (!(await waitForHealth(60_000))) {
    console.error('e2e: the server did not answer /health within 60 s');
  } else {
    const require = createRequire(import.meta.url);
    const cli = path.join(path.dirname(require.resolve('@playwright/test/package.json')), 'cli.js');
    const runner = spawn(
      process.execPath,
      [cli, 'test', '--config', path.join(webDir, 'e2e/playwright.config.ts'), ...process.argv.slice(2)],
      {
        cwd: webDir,
        env: {
          ...process.env,
          E2E_BASE_URL: baseURL,
          E2E_PUSH_PORT: String(pushPort),
          CHROMIUM_PATH: chromium,
          E2E_ADMIN_EMAIL: admin.email,
          E2E_ADMIN_PASSWORD: admin.password,
        },
        stdio: 'inherit',
      },
    );
    exitCode = await new Promise((resolve) => runner.on('exit', (code) => resolve(code ?? 1)));
  }
} finally {
  await stopServer();
}
process.exit(exitCode);
