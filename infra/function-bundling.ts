import { type ICommandHooks, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { copyPackageFiles, shellQuote } from './package-files.ts';

/** The SDK and other CommonJS dependencies call `require`; an ESM bundle must provide it. */
const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * How every function is bundled (esbuild, through NodejsFunction), in one place so that
 * `npm run bench:cold` rebuilds a bundle with the same options to see where its bytes are.
 * DESIGN.md (Cold start and bundles) has the figures behind each choice.
 */
export const FUNCTION_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  // Made, for resolving a stack trace, but not shipped: `bundlingHooks` moves it out of the asset,
  // and with no `sourceMappingURL` comment nothing looks for it.
  sourceMap: true,
  sourceMapMode: SourceMapMode.EXTERNAL,
  banner: ESM_REQUIRE_SHIM,
  // Bundled rather than the runtime's SDK: the version the tests ran against, and a faster init
  // (one minified file instead of hundreds of modules to resolve and load).
  externalModules: [] as string[],
};

export interface BundlingHooksOptions {
  rootDir: string;
  /** npm package files the handler reads at cold start, copied beside the bundle. */
  packageFiles?: readonly string[] | undefined;
  /** Where the bundle's source map goes instead of the asset: a folder of the cloud assembly. */
  sourceMapDir: string;
}

/** After bundling: copies the package files in, and moves the source map out of the asset. */
export function bundlingHooks({
  rootDir,
  packageFiles = [],
  sourceMapDir,
}: BundlingHooksOptions): ICommandHooks {
  return {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (_inputDir, outputDir) => [
      ...copyPackageFiles(rootDir, packageFiles, outputDir),
      `mkdir -p ${shellQuote(sourceMapDir)}`,
      `mv ${shellQuote(`${outputDir}/index.mjs.map`)} ${shellQuote(`${sourceMapDir}/index.mjs.map`)}`,
    ],
  };
}
