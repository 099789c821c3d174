import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The SDK and other CommonJS dependencies call `require`; an ESM bundle must provide it. */
const ESM_REQUIRE_SHIM =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

/**
 * How every function is bundled (esbuild, through NodejsFunction), in one place so that
 * `npm run bench:cold` rebuilds a bundle with the same options to see where its bytes are.
 */
export const FUNCTION_BUNDLING = {
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  banner: ESM_REQUIRE_SHIM,
  // Ship the SDK version the tests ran against rather than the runtime's, which changes under us.
  externalModules: [] as string[],
};

/** The functions' NODE_OPTIONS. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';
