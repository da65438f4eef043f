/**
 * The web app (web/): React + Vite. `npm run build:web` writes dist/web, which the server
 * serves; `npx vite` runs it in development with /api proxied to `comeback serve` on :3000.
 */
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('./web/', import.meta.url)),
  base: '/',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist/web/', import.meta.url)),
    emptyOutDir: true,
    sourcemap: true,
    // The dashboard chunk is ECharts (bar + line + SVG renderer, ~190 kB gzipped) and loads
    // on its own after sign-in; everything else stays far below this.
    chunkSizeWarningLimit: 600,
  },
  server: {
    proxy: { '/api': { target: 'http://127.0.0.1:3000' } },
  },
});
