import path from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The web explorer. `npm run build:web` writes dist/web (served by the gateway at `/`);
 * `npm run dev:web` serves it with hot reload and proxies /graphql to a running gateway
 * (GATEWAY_URL, default http://localhost:4000).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const gateway = process.env.GATEWAY_URL ?? 'http://localhost:4000';

export default defineConfig({
  root: here,
  base: '/',
  plugins: [react()],
  build: {
    outDir: path.resolve(here, '..', 'dist', 'web'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The polyfill would be an inline script, which the page's CSP forbids; every supported browser has modulepreload.
    modulePreload: { polyfill: false },
    sourcemap: false,
    reportCompressedSize: true,
  },
  server: {
    proxy: { '/graphql': { target: gateway, changeOrigin: true } },
  },
});
