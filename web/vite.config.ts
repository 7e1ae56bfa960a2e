// The web studio's build: React, bundled into dist/web (served by `zhiyin serve`); everything
// it needs is bundled, so it works offline. `npx vite web` serves it for development, with the
// API proxied to a running `zhiyin serve`.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../dist/web', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 4000,
  },
  server: { proxy: { '/api': 'http://127.0.0.1:8717' } },
});
