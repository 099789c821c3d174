import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

/**
 * `npm run fuzz:input -- [--requests N] [--external-runs M] [--seed S] [--routes GrantCredit,ListAudit]`:
 * the generated-request test of `npm test` (test/e2e/input-fuzz.e2e.test.ts), longer, on a stack of
 * its own: N generated requests in all (10,000 unless given; spread evenly over the routes, so the
 * printed total is N rounded up to a multiple of their number), each with generated credentials,
 * and M sets of generated external data (100). The seed is random unless given; the test prints it
 * with the number of requests sent by status, and `--seed S` replays a failure.
 */
const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '10000' },
    'external-runs': { type: 'string', default: '100' },
    seed: { type: 'string' },
    routes: { type: 'string' },
  },
});
const requests = Number(values.requests);
const externalRuns = Number(values['external-runs']);
if (!Number.isInteger(requests) || requests < 1 || !Number.isInteger(externalRuns) || externalRuns < 1) {
  console.error('--requests and --external-runs take a whole number, 1 or more');
  process.exit(2);
}
// A random seed unless one is given: a longer run is for finding what the fixed seed does not.
const seed = values.seed ?? String(Date.now() % 2_147_483_647);
console.log(`input fuzz: ${requests} requests, ${externalRuns} external runs, seed ${seed}`);

const result = spawnSync(
  process.execPath,
  [
    '--experimental-vm-modules',
    '--no-warnings=ExperimentalWarning',
    'node_modules/jest/bin/jest.js',
    'test/e2e/input-fuzz.e2e.test.ts',
  ],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      FUZZ_REQUESTS: String(requests),
      FUZZ_EXTERNAL_RUNS: String(externalRuns),
      FUZZ_SEED: seed,
      ...(values.routes === undefined ? {} : { FUZZ_ROUTES: values.routes }),
    },
  },
);
process.exit(result.status ?? 1);
