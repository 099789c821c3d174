// `npm test`: the whole suite in two Jest runs side by side, one per core.
//   - integration + e2e share one local stack and the mock's global fault rules: one worker, in order;
//   - unit, local (the local runtime's and dev tooling's own tests) and infra need neither, and are
//     mostly CPU (CDK synthesis, bundling), and e2e-isolated starts stacks of its own (restart,
//     throttle): the other core.
// `npm test -- ARGS` (a file, -t, --selectProjects…) is one plain Jest run with those arguments.
// Plain Node on purpose: it starts before any TypeScript tooling does.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const JEST = [
  '--experimental-vm-modules',
  '--no-warnings=ExperimentalWarning',
  'node_modules/jest/bin/jest.js',
];

function jest(args, output) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...JEST, ...args], {
      stdio: [
        'inherit',
        output === 'inherit' ? 'inherit' : 'pipe',
        output === 'inherit' ? 'inherit' : 'pipe',
      ],
    });
    let buffered = '';
    child.stdout?.on('data', (chunk) => (buffered += chunk));
    child.stderr?.on('data', (chunk) => (buffered += chunk));
    for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
    child.on('exit', (code, signal) => resolve({ status: code ?? (signal ? 1 : 0), output: buffered }));
  });
}

const args = process.argv.slice(2);
if (args.length > 0) {
  process.exit((await jest(args, 'inherit')).status);
}

const dir = mkdtempSync(join(tmpdir(), 'purchase-tests-'));
const result = (name) => join(dir, `${name}.json`);
const started = Date.now();
const [stack, rest] = await Promise.all([
  jest(['--selectProjects', 'integration', 'e2e', '--json', `--outputFile=${result('stack')}`], 'inherit'),
  jest(
    [
      '--selectProjects',
      'unit',
      'local',
      'infra',
      'e2e-isolated',
      '--json',
      `--outputFile=${result('rest')}`,
    ],
    'pipe',
  ),
]);
// The buffered run's report, after the live one's, so that neither interleaves with the other.
process.stdout.write(`\n── unit, local, infra and e2e-isolated ──\n${rest.output}`);

let passed = 0;
let failed = 0;
for (const name of ['stack', 'rest']) {
  try {
    const report = JSON.parse(readFileSync(result(name), 'utf8'));
    passed += report.numPassedTests;
    failed += report.numFailedTests + report.numRuntimeErrorTestSuites;
  } catch {
    failed += 1; // a run that wrote no report failed before it could
  }
}
rmSync(dir, { recursive: true, force: true });
const seconds = Math.round((Date.now() - started) / 1000);
console.log(
  `\ntests: ${passed} passed, ${failed} failed, in ${seconds} s (integration + e2e beside unit + local + infra + e2e-isolated)`,
);
process.exit(stack.status !== 0 || rest.status !== 0 || failed > 0 || passed === 0 ? 1 : 0);
