import { defineConfig } from 'vitest/config';

/**
 * `npm run test:browser`: the admin app in Debian's Chromium (playwright-core), against a local
 * stack of its own started as `npm start` starts it. One file, in order: one stack, one browser.
 */
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  test: {
    environment: 'node',
    include: ['browser/**/*.browser.test.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 90_000,
  },
});
