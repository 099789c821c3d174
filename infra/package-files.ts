import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import type { ICommandHooks } from 'aws-cdk-lib/aws-lambda-nodejs';

const quote = (path: string): string => `'${path.replaceAll("'", "'\\''")}'`;

/**
 * Bundling hooks that copy npm package files (routes.ts `packageFiles`, e.g.
 * `swagger-ui-dist/swagger-ui-bundle.js`) to `node_modules/` beside the bundle, so the handler
 * resolves them exactly as it does locally. They are read at cold start, never bundled: esbuild
 * cannot load some `.js` files as text and bundle the others.
 */
export function copyPackageFiles(rootDir: string, files: readonly string[]): ICommandHooks {
  const require = createRequire(`${rootDir}/package.json`);
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) =>
      files.flatMap((file) => {
        const target = `${outputDir}/node_modules/${file}`;
        return [`mkdir -p ${quote(dirname(target))}`, `cp ${quote(require.resolve(file))} ${quote(target)}`];
      }),
  };
}
