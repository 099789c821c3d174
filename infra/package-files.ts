import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/** A path as one POSIX shell word. */
export const shellQuote = (path: string): string => `'${path.replaceAll("'", "'\\''")}'`;

/**
 * Shell commands, run after bundling, that copy npm package files (routes.ts `packageFiles`, e.g.
 * `swagger-ui-dist/swagger-ui-bundle.js`) to `node_modules/` beside the bundle, so the handler
 * resolves them exactly as it does locally. They are read at cold start, never bundled: esbuild
 * cannot load some `.js` files as text and bundle the others.
 */
export function copyPackageFiles(rootDir: string, files: readonly string[], outputDir: string): string[] {
  const require = createRequire(`${rootDir}/package.json`);
  return files.flatMap((file) => {
    const target = `${outputDir}/node_modules/${file}`;
    return [
      `mkdir -p ${shellQuote(dirname(target))}`,
      `cp ${shellQuote(require.resolve(file))} ${shellQuote(target)}`,
    ];
  });
}
