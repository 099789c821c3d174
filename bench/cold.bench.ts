import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App } from 'aws-cdk-lib';
import { build } from 'esbuild';
import { ROUTES } from '../functions/routes.ts';
import { AUDIT_PROJECTOR, RESERVATION_SWEEPER, SAGA_TASKS } from '../functions/workers.ts';
import { FUNCTION_BUNDLING } from '../infra/function-bundling.ts';
import { PurchaseServiceStack } from '../infra/purchase-service-stack.ts';
import { EXTERNAL_API_BASE_URL, TEST_CONTEXT } from '../test/infra/synth.ts';

/**
 * The functions' cold start as CDK builds them: synthesizes the stack with bundling on (the same
 * NodejsFunction bundling `cdk synth` does; the admin app's build is the test stand-in, which no
 * function bundle holds), then for each function prints its minified bundle, its source map (shipped
 * in the asset, or kept out of it in the assembly), the package files copied beside it, and the
 * median module init of fresh `node` processes importing it with the environment the template gives
 * it (tokens replaced by dummy values). Then the largest
 * inputs of one typical bundle, from an esbuild metafile. Prints figures; asserts nothing.
 * `--out DIR` keeps the assembly; `--against DIR` measures a kept one in the same rounds, for a before
 * and after under the same load.
 *   npm run bench:cold [-- --runs N --top-of OperationId --out DIR --against DIR]
 */

const arg = (name: string, fallback: string): string => {
  const index = process.argv.indexOf(`--${name}`);
  return index === -1 ? fallback : (process.argv[index + 1] ?? fallback);
};
const RUNS = Number(arg('runs', '15'));
const TYPICAL = arg('top-of', 'CreatePurchase');
const STACK = 'Bench';

interface FunctionResource {
  Properties: {
    Code: { S3Key: string };
    Environment?: { Variables?: Record<string, unknown> };
  };
}

/** Values for what the template leaves to CloudFormation (Refs, GetAtts, Joins), by variable name. */
const DUMMY_BY_NAME: Record<string, string> = {
  AUTH_ISSUER: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_dummy',
  AUTH_JWKS_URL: 'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_dummy/.well-known/jwks.json',
  AUTH_AUDIENCE: 'dummy-client',
  EXTERNAL_API_BASE_URL,
  PURCHASE_STATE_MACHINE_ARN: 'arn:aws:states:eu-west-1:123456789012:stateMachine:dummy',
};

/** What Lambda itself sets, and credentials no call will use (nothing may call out at import). */
const LAMBDA_ENVIRONMENT = {
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIDDUMMY',
  AWS_SECRET_ACCESS_KEY: 'dummy',
  AWS_SESSION_TOKEN: 'dummy',
  AWS_LAMBDA_FUNCTION_NAME: 'bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
  LAMBDA_TASK_ROOT: '/var/task',
  // Node 20 here, 22 in Lambda: the SDK would warn (and spend the warning's time) only here.
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

/** The handler module of the function whose construct id is `id`. */
const entryOf = (id: string): string | undefined =>
  [
    ...ROUTES.map((route) => ({ id: route.operationId, entry: route.entry })),
    ...SAGA_TASKS,
    RESERVATION_SWEEPER,
    AUDIT_PROJECTOR,
  ].find((declared) => declared.id === id)?.entry;

const kb = (bytes: number): string => (bytes / 1024).toFixed(1);
const sizeOf = (path: string): number => (existsSync(path) ? statSync(path).size : 0);
const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function environmentOf(resource: FunctionResource): Record<string, string> {
  const declared = resource.Properties.Environment?.Variables ?? {};
  return Object.fromEntries(
    Object.entries(declared).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : (DUMMY_BY_NAME[name] ?? `dummy-${name.toLowerCase()}`),
    ]),
  );
}

// Runs in the child: the time from just before the import to the module's evaluation done.
const RUNNER = `const started = performance.now();
await import(process.argv[1]);
process.stdout.write(String(performance.now() - started));`;

function initMs(bundle: string, environment: Record<string, string>): number {
  const { NODE_OPTIONS, ...rest } = environment;
  const output = execFileSync(
    process.execPath,
    [
      ...(NODE_OPTIONS ? NODE_OPTIONS.split(' ') : []),
      '--input-type=module',
      '-e',
      RUNNER,
      pathToFileURL(bundle).href,
    ],
    // Only Lambda's and the template's variables: nothing of this shell leaks into the measure.
    {
      env: { PATH: process.env.PATH ?? '', ...LAMBDA_ENVIRONMENT, ...rest },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return Number(output.toString('utf8'));
}

interface Bundle {
  id: string;
  dir: string;
  environment: Record<string, string>;
  bundle: number;
  map: number;
  keptMap: number;
  files: number;
  inits: number[];
}

/** The service's function bundles in a cloud assembly, read from the stack's template there. */
function bundlesIn(assembly: string): Bundle[] {
  const template = JSON.parse(readFileSync(join(assembly, `${STACK}.template.json`), 'utf8')) as {
    Resources: Record<string, FunctionResource & { Type: string }>;
  };
  return (
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::Lambda::Function')
      // A function's logical id is its construct id and an 8-digit hash.
      .map(([logicalId, resource]) => ({
        id: logicalId.replace(/[0-9A-F]{8}$/, ''),
        dir: join(assembly, `asset.${resource.Properties.Code.S3Key.replace(/\.zip$/, '')}`),
        environment: environmentOf(resource),
      }))
      // CDK's own helper functions (the admin app's BucketDeployment) have no bundle of ours.
      .filter(({ dir }) => existsSync(join(dir, 'index.mjs')))
      .sort((a, b) => a.id.localeCompare(b.id))
      .map(({ id, dir, environment }) => ({
        id,
        dir,
        environment,
        bundle: sizeOf(join(dir, 'index.mjs')),
        map: sizeOf(join(dir, 'index.mjs.map')),
        // Where the stack keeps a map it does not ship (infra/function-bundling.ts `bundlingHooks`).
        keptMap: sizeOf(join(assembly, 'source-maps', STACK, id, 'index.mjs.map')),
        files: filesUnder(dir)
          .filter((file) => !/^index\.mjs(\.map)?$/.test(relative(dir, file)))
          .reduce((sum, file) => sum + sizeOf(file), 0),
        inits: [],
      }))
  );
}

const load = (): string =>
  loadavg()
    .map((value) => value.toFixed(1))
    .join(' ');
const mapCell = (row: Bundle): string =>
  row.map ? kb(row.map) : row.keptMap ? `out ${kb(row.keptMap)}` : 'none';

/** `--out DIR` keeps the cloud assembly there (for a later `--against DIR`); a temporary one is removed. */
const KEEP = process.argv.includes('--out');
/** `--against DIR`: an assembly kept by an earlier run, measured in the same rounds, shown beside. */
const AGAINST = process.argv.includes('--against') ? arg('against', '') : undefined;
const outdir = KEEP ? arg('out', '') : mkdtempSync(join(tmpdir(), 'bench-cold-'));
try {
  const synthStarted = performance.now();
  const app = new App({ outdir, context: TEST_CONTEXT });
  new PurchaseServiceStack(app, STACK, { externalApiBaseUrl: EXTERNAL_API_BASE_URL });
  app.synth();
  console.log(`synthesized and bundled in ${((performance.now() - synthStarted) / 1000).toFixed(1)} s`);
  console.log(`load average ${load()} on ${cpus().length} cores; node ${process.version}\n`);

  const rows = bundlesIn(outdir);
  const before = AGAINST
    ? new Map(bundlesIn(AGAINST).map((row) => [row.id, row]))
    : new Map<string, Bundle>();
  // Round after round over every bundle, so that a change in the machine's load falls on all alike.
  for (let run = 0; run < RUNS; run += 1) {
    for (const row of [...rows, ...before.values()]) {
      row.inits.push(initMs(join(row.dir, 'index.mjs'), row.environment));
    }
  }
  console.log(`load average after the runs ${load()}\n`);
  console.log(
    `function                 bundle_kb         map_kb            files_kb  init_ms (median of ${RUNS})   node_options`,
  );
  const cell = (after: string, was: string | undefined, width: number): string =>
    (was === undefined ? after : `${was} → ${after}`).padStart(width);
  for (const row of rows) {
    const was = before.get(row.id);
    console.log(
      [
        row.id.padEnd(24),
        cell(kb(row.bundle), was && kb(was.bundle), 17),
        cell(mapCell(row), was && mapCell(was), 20),
        (row.files ? kb(row.files) : '-').padStart(8),
        cell(median(row.inits).toFixed(1), was && median(was.inits).toFixed(1), 15),
        `   ${was ? `${was.environment.NODE_OPTIONS ?? '-'} → ` : ''}${row.environment.NODE_OPTIONS ?? '-'}`,
      ].join(' '),
    );
  }
  const total = (pick: (row: Bundle) => number): number => rows.reduce((sum, row) => sum + pick(row), 0);
  const [biggest] = [...rows].sort((a, b) => b.bundle - a.bundle);
  const [slowest] = [...rows].sort((a, b) => median(b.inits) - median(a.inits));
  console.log(
    `\n${rows.length} functions: bundles ${kb(total((row) => row.bundle))} KB in all; source maps shipped ${kb(total((row) => row.map))} KB, kept out ${kb(total((row) => row.keptMap))} KB; package files ${kb(total((row) => row.files))} KB`,
  );
  console.log(
    `largest bundle ${biggest?.id} ${kb(biggest?.bundle ?? 0)} KB; slowest init ${slowest?.id} ${median(slowest?.inits ?? []).toFixed(1)} ms`,
  );
  console.log(
    `over 300 KB: ${rows.filter((row) => row.bundle > 300 * 1024).length}; init over 50 ms: ${rows.filter((row) => median(row.inits) > 50).length}`,
  );

  // The bytes of one bundle by input. NodejsFunction does not hand out its metafile, so this builds
  // the same entry with the same options the stack gives (infra/purchase-service-stack.ts `lambda()`);
  // the size it prints beside the CDK bundle's shows that the two agree.
  const entry = entryOf(TYPICAL);
  if (entry) {
    const result = await build({
      entryPoints: [entry],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: FUNCTION_BUNDLING.format,
      target: FUNCTION_BUNDLING.target,
      mainFields: FUNCTION_BUNDLING.mainFields,
      minify: FUNCTION_BUNDLING.minify,
      banner: { js: FUNCTION_BUNDLING.banner },
      external: FUNCTION_BUNDLING.externalModules,
      outfile: join(outdir, 'typical', 'index.mjs'),
    });
    const output = Object.values(result.metafile.outputs).find((out) => out.entryPoint);
    const inputs = Object.entries(output?.inputs ?? {}).sort(
      (a, b) => b[1].bytesInOutput - a[1].bytesInOutput,
    );
    const byPackage = new Map<string, number>();
    for (const [path, { bytesInOutput }] of inputs) {
      const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? '(our code)';
      byPackage.set(name, (byPackage.get(name) ?? 0) + bytesInOutput);
    }
    console.log(
      `\n${TYPICAL}: esbuild rebuild ${kb(output?.bytes ?? 0)} KB (CDK bundle ${kb(rows.find((row) => row.id === TYPICAL)?.bundle ?? 0)} KB)`,
    );
    console.log('top 10 inputs by bytes in the bundle:');
    for (const [path, { bytesInOutput }] of inputs.slice(0, 10))
      console.log(`  ${kb(bytesInOutput).padStart(7)} KB  ${path}`);
    console.log('by package:');
    for (const [name, bytes] of [...byPackage].sort((a, b) => b[1] - a[1]).slice(0, 10)) {
      console.log(`  ${kb(bytes).padStart(7)} KB  ${name}`);
    }
  }
} finally {
  if (!KEEP) rmSync(outdir, { recursive: true, force: true });
}
