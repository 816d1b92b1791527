// npm run build: a clean dist/ (no files of deleted sources left behind), tsc, then the CLI made executable again.
// npm sets the bin's mode only when it installs the package; tsc writes a new file (mode 644) on every build, after
// which `npx bench` fails with "Permission denied".

import { spawnSync } from 'node:child_process';
import { chmodSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';

rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
chmodSync('dist/src/cli/main.js', 0o755);
