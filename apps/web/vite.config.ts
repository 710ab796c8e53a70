import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` proxies the API to a server started with `npm start` (override with COMMPRO_API_URL).
const apiTarget = process.env.COMMPRO_API_URL ?? 'http://localhost:3000';
const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

export default defineConfig({
  plugins: [react()],
  define: { __APP_VERSION__: JSON.stringify(pkg.version) },
  resolve: {
    alias: {
      // Read the shared schemas from source so the web build does not depend on the contracts build order.
      '@commpro/contracts': fileURLToPath(new URL('../../packages/contracts/src/index.ts', import.meta.url)),
    },
  },
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than the app: separate chunks stay cached across deploys.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|react-router)[\\/]/ },
            // Twilio's Voice SDK and its own dependencies, only downloaded with a Twilio voice token (calls/create-engine.ts).
            { name: 'voice-sdk', test: /node_modules[\\/](@twilio|events|loglevel)[\\/]/ },
            // Only the card form needs them (Stripe billing), and it is loaded when opened.
            { name: 'stripe', test: /node_modules[\\/](@stripe|prop-types|loose-envify|react-is)[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/api': { target: apiTarget, changeOrigin: true },
      '/health': { target: apiTarget, changeOrigin: true },
      '/socket.io': { target: apiTarget, changeOrigin: true, ws: true },
    },
  },
});
