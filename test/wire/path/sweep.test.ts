// Naming and finding a path's leftovers (owner pid in the namespace name, processes gone or zombie), and the typed errors of missing tools.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { isH1Error } from '../../../src/errors.js';
import { processGone } from '../../../src/metrics/process-usage.js';
import { namespaceLabel, pathNamespaceOwner } from '../../../src/wire/path/sweep.js';
import { findTool, missingPrerequisite, run } from '../../../src/wire/path/system.js';

test('path namespaces carry their owner pid; other names are not a path’s', () => {
  assert.equal(namespaceLabel('wire'), 'path-wire');
  assert.equal(pathNamespaceOwner('h1b-4242-ab12cd34-path-srv'), 4242);
  assert.equal(pathNamespaceOwner('h1b-4242-ab12cd34-path-check'), 4242);
  // A plain --netns namespace belongs to sweepStaleNetns, not to the path sweep.
  assert.equal(pathNamespaceOwner('h1b-4242-ab12cd34'), null);
  assert.equal(pathNamespaceOwner('h1b-4242-ab12cd34-path-other'), null);
  assert.equal(pathNamespaceOwner('x-h1b-4242-ab12cd34-path-srv'), null);
});

test('processGone: this process runs, an exited one is gone', () => {
  assert.equal(processGone(process.pid), false);
  const dead = Number(spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout);
  assert.equal(processGone(dead), true);
});

test('a missing tool is named with its Debian package, and running it is H1B_PATH_UNAVAILABLE', async () => {
  assert.equal(findTool('h1b-no-such-tool'), null);
  assert.ok(findTool('node') ?? findTool(process.execPath.split('/').pop()!));
  const reason = missingPrerequisite(['h1b-no-such-tool']);
  // Not root: that is the reason given first; root: the tool is.
  assert.match(reason ?? '', process.getuid?.() === 0 ? /h1b-no-such-tool is not installed \(apt-get install h1b-no-such-tool\)/ : /needs root/);
  await assert.rejects(run('h1b-no-such-tool', []), (error: unknown) => isH1Error(error) && error.code === 'H1B_PATH_UNAVAILABLE');
  await assert.rejects(run(process.execPath, ['-e', 'process.stderr.write("boom"); process.exit(3)']), (error: unknown) => isH1Error(error) && error.code === 'H1B_PATH_FAILED' && /boom/.test(error.message));
});
