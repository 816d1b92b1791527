// Runs every compiled test file (dist/test/**/*.test.js) with node:test; extra args filter by substring.
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
// Two files at a time: the machine has 2 cores and several tests start servers and load.
const result = spawnSync(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=120000', ...files], {
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
