// Runs every compiled test file (dist/test/**/*.test.js) with node:test; extra args filter by substring.
// Files named *.timing.test.js assert timings against bounds (network paths, shared start instants): they run
// after the others, one at a time, so no other test file competes with them for the two cores.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function collect(dir) {
  const out = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...collect(path));
    else if (entry.name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const filters = process.argv.slice(2);
// H1B_TEST_ROOT lets a developer run a build made elsewhere (tsc --outDir); CI uses dist.
const root = process.env.H1B_TEST_ROOT ?? 'dist';
const files = collect(join(root, 'test'))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
const timing = files.filter((f) => f.endsWith('.timing.test.js'));
const rest = files.filter((f) => !f.endsWith('.timing.test.js'));

/** node --test over `batch`, `concurrency` files at a time; its exit status. */
function run(batch, concurrency) {
  if (batch.length === 0) return 0;
  const result = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...batch], {
    stdio: 'inherit',
  });
  return result.status ?? 1;
}

// Two files at a time: the machine has 2 cores and several tests start servers and load.
const status = run(rest, 2);
const timingStatus = run(timing, 1);
process.exit(status !== 0 ? status : timingStatus);
