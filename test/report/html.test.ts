// HTML report: rendered from realistic reports, opened in headless Chromium, every chart checked.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareReports } from '../../src/report/compare.js';
import { renderComparisonHtml, renderRunsHtml, renderSuiteHtml } from '../../src/report/html/render.js';
import { PAIRED, PALETTE } from '../../src/report/html/charts.js';
import { runReportFixture, suiteReportFixture, withRepeats } from './html-fixtures.js';
import { inspectReport, launchChromium, type PageSeen, type PwBrowser } from './html-browser.js';

let dir = '';
let browser: PwBrowser | null = null;
let skipReason = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'h1bench-html-'));
  const launched = await launchChromium(join(dir, 'profile'));
  if ('skip' in launched) skipReason = launched.skip;
  else browser = launched.browser;
});

after(async () => {
  await browser?.close();
  // Keep the screenshots when asked to look at them.
  if (process.env.H1B_KEEP_HTML) console.log(`screenshots kept in ${dir}`);
  else await rm(dir, { recursive: true, force: true });
});

/** Every line chart drew a line in each run's colour and names each run in its legend. */
const LINE_CHARTS = ['chart-latency-percentiles', 'chart-timeline-p99', 'chart-timeline-rps'];

function assertChartsDrawn(seen: PageSeen, names: readonly string[], lineCharts = LINE_CHARTS): void {
  assert.deepEqual(seen.consoleErrors, []);
  assert.deepEqual(seen.externalRequests, []);
  assert.equal(seen.chartsDrawn, lineCharts.length);
  assert.deepEqual(seen.lineCharts.map((chart) => chart.id).sort(), [...lineCharts].sort());
  for (const chart of seen.lineCharts) {
    assert.ok(chart.canvasPixels > 0, `${chart.id}: canvas is blank`);
    for (const name of names) assert.ok(chart.legend.includes(name), `${chart.id}: legend ${JSON.stringify(chart.legend)} lacks ${name}`);
    // Errors per second: runs without errors all lie on the zero line, one on top of the other; one line suffices.
    if (chart.id === 'chart-timeline-errors') assert.ok(chart.seriesPixels.some((pixels) => pixels > 40), `${chart.id}: no line drawn`);
    else chart.seriesPixels.forEach((pixels, index) => assert.ok(pixels > 40, `${chart.id}: no line drawn for ${names[index]} (${pixels} px)`));
    const [x, ...values] = chart.hoverValues;
    assert.ok(x !== undefined && x !== '–' && x !== '', `${chart.id}: hover shows no x (${JSON.stringify(chart.hoverValues)})`);
    assert.ok(values.some((value) => /^[\d,.]+ (ms|req\/s|errors\/s)$/.test(value)), `${chart.id}: hover shows no value (${JSON.stringify(chart.hoverValues)})`);
  }
  assert.deepEqual(seen.barCharts.map((chart) => chart.id), ['chart-phases', 'chart-handshakes', 'chart-time-wait']);
  for (const chart of seen.barCharts) {
    assert.ok(chart.bars > 0, `${chart.id}: no bars`);
    for (const name of names) assert.ok(chart.text.includes(name), `${chart.id} does not name ${name}`);
  }
}

describe('HTML report in Chromium', () => {
  test('one run: charts draw, header shows configuration and machine, no warnings', async (t) => {
    if (!browser) return t.skip(skipReason);
    const report = runReportFixture({ mode: '1.1', label: 'keep-alive' });
    const seen = await inspectReport(browser, renderRunsHtml([{ name: 'keep-alive', report }]), dir, 'one-run', [PALETTE[0]!]);
    assertChartsDrawn(seen, ['keep-alive']);
    assert.equal(seen.warnings, '');
    for (const text of ['Test CPU @ 2.40GHz', 'v20.20.0', '6.1.0-test', 'closed loop', 'http://127.0.0.1:40123/']) {
      assert.ok(seen.bodyText.includes(text), `page lacks ${text}`);
    }
  });

  test('several runs overlaid: one line per run, warnings for interrupted and failing runs', async (t) => {
    if (!browser) return t.skip(skipReason);
    const runs = [
      { name: 'http/1.0 close', report: runReportFixture({ mode: '1.0', label: 'http/1.0 close', seed: 2, interrupted: true }) },
      { name: 'keep-alive', report: runReportFixture({ mode: '1.1', label: 'keep-alive', seed: 3, errors: { H1B_TIMEOUT: 7 }, non2xx: 5 }) },
      { name: 'pipelined', report: runReportFixture({ mode: 'pipeline', label: 'pipelined', seed: 4 }) },
    ];
    const seen = await inspectReport(browser, renderRunsHtml(runs), dir, 'three-runs', PALETTE.slice(0, 3));
    // A run with errors adds the errors-per-second chart.
    assertChartsDrawn(seen, runs.map((run) => run.name), [...LINE_CHARTS, 'chart-timeline-errors']);
    assert.match(seen.warnings, /http\/1\.0 close: interrupted/);
    assert.match(seen.warnings, /keep-alive: 7 errors .*H1B_TIMEOUT: 7/);
    assert.match(seen.warnings, /keep-alive: 5 non-2xx responses \(status 503: 5\)/);
  });

  test('suite: every case is a named series, the RTT model is drawn and labelled a model', async (t) => {
    if (!browser) return t.skip(skipReason);
    const suite = suiteReportFixture();
    const seen = await inspectReport(browser, renderSuiteHtml({ name: 'suite.json', report: suite }), dir, 'suite', PALETTE.slice(0, 3));
    assertChartsDrawn(seen, ['1.0-c10', '1.1-c10', 'pipeline-c10'], [...LINE_CHARTS, 'chart-rtt-model']);
    assert.match(seen.bodyText, /What if the network had a real round-trip time\? \(model\)/);
  });

  test('hostile labels stay text: no script runs, the label shows literally', async (t) => {
    if (!browser) return t.skip(skipReason);
    const label = '</script><script>console.error("pwned")</script><img src=x onerror=alert(1)> & "q"';
    const report = runReportFixture({ mode: '1.1', label, requests: 3000, seconds: 2 });
    const seen = await inspectReport(browser, renderRunsHtml([{ name: label, report }]), dir, 'hostile', [PALETTE[0]!]);
    assertChartsDrawn(seen, [label]);
    assert.ok(seen.bodyText.includes(label));
  });

  test('comparison: deltas drawn with significance, both sides overlaid and named', async (t) => {
    if (!browser) return t.skip(skipReason);
    const base = { name: 'http10', report: withRepeats(runReportFixture({ mode: '1.0', label: 'http10', seed: 5 }), 5, 50) };
    const current = { name: 'http11', report: withRepeats(runReportFixture({ mode: '1.1', label: 'http11', seed: 6 }), 5, 60) };
    const comparison = compareReports(base.report, current.report);
    const html = renderComparisonHtml(base, current, comparison);
    // BASE and CURRENT of the one compared case share a colour pair: light and dark.
    const seen = await inspectReport(browser, html, dir, 'compare', [...PAIRED[0]!]);
    const { barCharts, ...rest } = seen;
    const deltas = barCharts.find((chart) => chart.id === 'chart-deltas');
    assert.ok(deltas, 'no delta chart');
    assertChartsDrawn({ ...rest, barCharts: barCharts.filter((chart) => chart !== deltas) }, ['BASE http10', 'CURRENT http11']);
    // 1.0 → 1.1: throughput up, latency and handshakes down, all significant with 5 runs a side.
    const rps = comparison.cases[0]!.metrics.find((metric) => metric.key === 'rps')!;
    assert.equal(rps.verdict, 'better');
    assert.ok(deltas.bars >= comparison.cases[0]!.metrics.length - 1, `only ${deltas.bars} delta bars`);
    assert.match(deltas.text, /req\/s/);
    assert.match(deltas.text, /\+\d+(\.\d+)?% better \(p=0\.0\d+\)/);
    assert.match(seen.bodyText, /BASE median \[95% CI\]/);
    assert.match(seen.warnings, /configs differ: mode "1\.0" → "1\.1"/);
  });

  test('comparison with one run a side says significance is out of reach', async (t) => {
    if (!browser) return t.skip(skipReason);
    const base = { name: 'a', report: runReportFixture({ mode: '1.1', label: 'a', seed: 7 }) };
    const current = { name: 'b', report: runReportFixture({ mode: '1.1', label: 'b', seed: 8 }) };
    const html = renderComparisonHtml(base, current, compareReports(base.report, current.report));
    const seen = await inspectReport(browser, html, dir, 'compare-single', [...PAIRED[0]!]);
    assert.deepEqual(seen.consoleErrors, []);
    assert.match(seen.warnings, /Too few runs to ever reach significance/);
    assert.ok(!/ (better|worse) \(p=/.test(seen.barCharts.find((chart) => chart.id === 'chart-deltas')!.text));
  });
});
