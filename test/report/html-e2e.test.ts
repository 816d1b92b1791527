// End to end: real `bench run --html` against the embedded server, then `bench report` overlaying both modes in Chromium.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PALETTE } from '../../src/report/html/charts.js';
import { inspectReport, launchChromium, type PwBrowser } from './html-browser.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

function bench(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { cwd, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let dir = '';
let browser: PwBrowser | null = null;
let skipReason = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h1bench-html-e2e-'));
  const launched = await launchChromium(join(dir, 'profile'));
  if ('skip' in launched) skipReason = launched.skip;
  else browser = launched.browser;
});

after(async () => {
  await browser?.close();
  await rm(dir, { recursive: true, force: true });
});

test('bench run --html writes a page beside each report; bench report overlays 1.0 and 1.1', async (t) => {
  const run = await bench(['run', '--mode=1.0', '--mode=1.1', '-c', '2', '-d', '1s', '--warmup', '100ms', '--no-progress', '--html', '--out', join(dir, 'm.json')], dir);
  assert.equal(run.code, 0, run.stderr);
  for (const mode of ['1.0', '1.1']) {
    assert.ok(existsSync(join(dir, `m-${mode}.json`)), `m-${mode}.json missing`);
    assert.match(run.stdout, new RegExp(`html: .*m-${mode.replace('.', '\\.')}\\.html`));
    const html = await readFile(join(dir, `m-${mode}.html`), 'utf8');
    assert.match(html, new RegExp(`<title>h1bench run: m-${mode.replace('.', '\\.')}</title>`));
  }
  const report = await bench(['report', 'm-1.0.json', 'm-1.1.json', '-o', 'modes.html'], dir);
  assert.equal(report.code, 0, report.stderr);
  if (!browser) return t.skip(skipReason);
  const seen = await inspectReport(browser, await readFile(join(dir, 'modes.html'), 'utf8'), dir, 'modes', PALETTE.slice(0, 2));
  assert.deepEqual(seen.consoleErrors, []);
  assert.deepEqual(seen.externalRequests, []);
  assert.equal(seen.chartsDrawn, 3);
  for (const chart of seen.lineCharts) {
    assert.deepEqual(chart.legend.slice(1), ['m-1.0', 'm-1.1'], `${chart.id} legend`);
    chart.seriesPixels.forEach((pixels, index) => assert.ok(pixels > 20, `${chart.id}: no line for run ${index} (${pixels} px)`));
  }
  for (const chart of seen.barCharts) assert.ok(chart.bars > 0 && chart.text.includes('m-1.0') && chart.text.includes('m-1.1'), chart.id);
  // HTTP/1.0 pays a handshake per request: the client's own count says exactly 1.
  const handshakes = seen.barCharts.find((chart) => chart.id === 'chart-handshakes')!;
  assert.match(handshakes.text, /m-1\.0 · client: 1\.000 \(/);
});
