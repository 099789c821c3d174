/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const repositoryRoot = fileURLToPath(new URL('..', import.meta.url));

/**
 * `npm run dev:admin`: the dev server serves the same runtime `/config.json` that local/admin-app.ts
 * serves beside the built app, pointing at the running `npm start` stack.
 */
function devRuntimeConfig(): Plugin {
  return {
    name: 'admin-runtime-config',
    configureServer(server) {
      server.middlewares.use('/config.json', (_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(
          JSON.stringify({
            authority: process.env.ADMIN_AUTHORITY ?? 'http://127.0.0.1:3001',
            clientId: 'admin-app',
            apiBaseUrl: process.env.ADMIN_API_URL ?? 'http://127.0.0.1:3000',
          }),
        );
      });
    },
  };
}

export default defineConfig({
  root,
  // React's automatic JSX runtime through Vite's own transform: @vitejs/plugin-react's peer
  // dependencies conflict with the project's Jest (Babel 7 vs 8), and without it a change reloads the page.
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [devRuntimeConfig()],
  server: { port: 5173, strictPort: true, fs: { allow: [repositoryRoot] } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ClickUI and its Radix parts are one shared chunk; each page is a chunk of its own.
    chunkSizeWarningLimit: 1500,
    rolldownOptions: {
      onwarn(warning, warn) {
        // Radix's "use client" markers are for React Server Components; this is a client-only app.
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  test: {
    environment: 'jsdom',
    include: ['test/**/*.test.{ts,tsx}'],
    setupFiles: ['test/setup.ts'],
    // Times are shown in the rep's zone: the tests read them in one fixed zone.
    env: { TZ: 'UTC' },
    // ClickUI's modules import their CSS: let Vite transform them rather than Node load them.
    server: { deps: { inline: ['@clickhouse/click-ui'] } },
  },
});
