import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { MIXED_REFUNDS_EXAMPLE } from '../test/support/money-model.ts';
import type { ModelRunCount } from '../test/support/money-model-runner.ts';

/**
 * The model-based test of the money paths (test/e2e/money-model.e2e.test.ts), longer: more
 * sequences, each up to twice as long, on a stack of its own. Prints the operations checked;
 * exits 1 with fast-check's seed, path and smallest counterexample on a misfit.
 *   npm run test:model -- --runs 200 [--seed 42] [--max-steps 28]
 */
const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '100' },
    seed: { type: 'string' },
    'max-steps': { type: 'string', default: '28' },
  },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 1_000_000 : Number(values.seed);
const maxSteps = Number(values['max-steps']);

// The sequences provoke shipment failures on purpose; only errors are worth printing. Set before
// the stack's modules load, since the logger reads it once.
process.env.POWERTOOLS_LOG_LEVEL ??= 'ERROR';
const { startBenchStack } = await import('./support.ts');
const { moneyModelProperty } = await import('../test/support/money-model-runner.ts');

const stack = await startBenchStack();
const count: ModelRunCount = { sequences: 0, operations: 0 };
const started = Date.now();
let failed = false;
try {
  console.log(`seed ${seed}: ${runs} sequences of 8 to ${maxSteps} steps`);
  await fc.assert(moneyModelProperty(count, { minSteps: 8, maxSteps, shrinkBudgetMs: 300_000 }), {
    numRuns: runs,
    seed,
    examples: [[MIXED_REFUNDS_EXAMPLE]],
  });
} catch (error) {
  failed = true;
  // fast-check's report (seed, path, smallest counterexample), then the model's reason.
  console.error(error instanceof Error ? `${error.message}\n${String(error.cause)}` : String(error));
} finally {
  await stack.stop();
}
const seconds = ((Date.now() - started) / 1000).toFixed(1);
console.log(
  `${count.operations} operations checked in ${count.sequences} sequences (${seconds} s, seed ${seed})`,
);
process.exit(failed ? 1 : 0);
