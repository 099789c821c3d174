import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

/**
 * `npm run fuzz:input -- --runs N [--seed S] [--routes GrantCredit,ListAudit]`: the generated-input
 * test of `npm test` (test/e2e/input-fuzz.e2e.test.ts), longer: N requests per route and N sets of
 * external data, on a stack of its own. It prints the number of requests it sent, by status.
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '200' },
    seed: { type: 'string' },
    routes: { type: 'string' },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs takes a whole number of runs per route, 1 or more');
  process.exit(2);
}

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
      FUZZ_RUNS: String(runs),
      FUZZ_EXTERNAL_RUNS: String(runs),
      // A random seed unless one is given: a longer run is for finding what the fixed seed does not.
      FUZZ_SEED: values.seed ?? String(Date.now() % 2_147_483_647),
      ...(values.routes === undefined ? {} : { FUZZ_ROUTES: values.routes }),
    },
  },
);
process.exit(result.status ?? 1);
