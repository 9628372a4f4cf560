/// <reference types="vitest/config" />
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

// `npm run dev` talks to a local runner (make run) through the dev server's proxy, so the
// app always calls its own origin, exactly as when the runner serves the built app.
const api = process.env.MOMENTUM_API ?? 'http://127.0.0.1:3000';
const apiPaths = [
  '/org',
  '/users',
  '/me',
  '/clients',
  '/package-templates',
  '/packages',
  '/trackers',
  '/appointments',
  '/invoices',
  '/tasks',
  '/engagement-templates',
  '/engagements',
  '/reports',
  '/openapi.json',
  '/_local',
];

export default defineConfig({
  plugins: [react()],
  build: {
    target: 'es2022',
    sourcemap: false,
    chunkSizeWarningLimit: 350,
    manifest: true,
    rollupOptions: {
      output: {
        // The shared components and helpers (src/components, src/lib), with the libraries
        // they use, make one chunk preloaded with the shell, instead of a small chunk each
        // that a page then fetches (the On track page made 10 JS requests; now 3).
        manualChunks: (id: string) =>
          !id.includes('node_modules') && /\/src\/(components|lib)\//.test(id) ? 'ui' : undefined,
      },
    },
  },
  server: {
    proxy: Object.fromEntries(apiPaths.map((path) => [path, { target: api, changeOrigin: false }])),
  },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.{ts,tsx}'],
    css: false,
    restoreMocks: true,
    testTimeout: 20000,
  },
});
