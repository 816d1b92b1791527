// HTML renderer without a browser: escaping, embedded JSON, percentile series from real histograms, page shape.

import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createHistogram, encodeHistogram, recordUs } from '../../src/metrics/histogram.js';
import { escapeHtml, inlineScriptText, jsonForScript } from '../../src/report/html/escape.js';
import { alignCurves, percentileCurve, percentileLabel } from '../../src/report/html/percentiles.js';
import { niceStep, renderBarChart } from '../../src/report/html/bars.js';
import { compareReports } from '../../src/report/compare.js';
import { renderComparisonHtml, renderReportsHtml, renderRunsHtml, reportName } from '../../src/report/html/render.js';
import { defaultHtmlPath } from '../../src/report/html/write.js';
import { isH1Error } from '../../src/errors.js';
import type { RunReport } from '../../src/report/schema.js';
import { PAIRED } from '../../src/report/html/charts.js';
import { runReportFixture, suiteReportFixture, withRepeats } from './html-fixtures.js';

/** The JSON the page embeds for its charts, parsed back the way the browser does. */
function embeddedData(html: string): {
  lineCharts: Array<{ id: string; caption: string; x: number[]; xNames: string[]; series: Array<{ label: string; color: string; values: Array<number | null>; texts?: string[] }> }>;
} {
  const match = /<script type="application\/json" id="h1b-data">([\s\S]*?)<\/script>/.exec(html);
  assert.ok(match, 'no embedded chart data');
  return JSON.parse(match[1]!);
}

describe('escaping', () => {
  test('escapeHtml escapes the five HTML metacharacters', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  test('jsonForScript cannot close its script element and round-trips', () => {
    const value = { label: '</script><script>alert(1)</script> <!-- \u2028 & >' };
    const text = jsonForScript(value);
    assert.ok(!/<\/script/i.test(text) && !text.includes('<!--') && !text.includes('\u2028'));
    assert.deepEqual(JSON.parse(text), value);
  });

  test('inlined third-party script text cannot close the element', () => {
    assert.equal(inlineScriptText('a="</SCRIPT>"'), 'a="<\\/SCRIPT>"');
  });
});

describe('percentile series', () => {
  test('samples the histogram at 1/(1-p) and ends at the maximum', () => {
    const histogram = createHistogram();
    for (let us = 1; us <= 10_000; us++) recordUs(histogram, us);
    const curve = percentileCurve(encodeHistogram(histogram), 'test');
    histogram.destroy();
    assert.equal(curve.count, 10_000);
    assert.equal(curve.xs[0], 1);
    assert.equal(curve.xs.at(-1), 10_000);
    assert.ok(Math.abs(curve.ms.at(-1)! - 10) < 0.01, `max ${curve.ms.at(-1)}`); // 10 000 µs at 3 significant digits
    // Uniform 1..10000 µs: the value at percentile p is p × 10 ms (HdrHistogram keeps 3 significant digits).
    curve.xs.forEach((x, index) => {
      const expected = (1 - 1 / x) * 10;
      assert.ok(Math.abs(curve.ms[index]! - expected) <= expected * 0.002 + 0.002, `x=${x}: ${curve.ms[index]} ms, expected ${expected}`);
    });
    assert.ok(curve.xs.includes(10) && curve.xs.includes(100) && curve.xs.includes(1000), 'p90, p99 and p99.9 are sampled exactly');
    for (let i = 1; i < curve.ms.length; i++) assert.ok(curve.ms[i]! >= curve.ms[i - 1]!, 'percentile curve must not decrease');
  });

  test('an empty or missing histogram gives an empty curve; garbage is a schema error', () => {
    assert.equal(percentileCurve(null, 'x').count, 0);
    assert.equal(percentileCurve(encodeHistogram(createHistogram()), 'x').xs.length, 0);
    assert.throws(() => percentileCurve('bm90IGEgaGlzdG9ncmFt', 'run a: histograms.latencyUs'), (error: unknown) => {
      return isH1Error(error) && error.code === 'H1B_REPORT_SCHEMA' && error.message.includes('run a: histograms.latencyUs');
    });
  });

  test('aligned curves stop (null) past their own maximum', () => {
    const { x, ys } = alignCurves([
      { xs: [1, 10, 100], ms: [1, 2, 3], count: 100 },
      { xs: [1, 10, 1000], ms: [5, 6, 7], count: 1000 },
    ]);
    assert.deepEqual(x, [1, 10, 100, 1000]);
    assert.deepEqual(ys[0], [1, 2, 3, null]);
    assert.deepEqual(ys[1], [5, 6, 6, 7]);
  });

  test('percentile labels', () => {
    assert.deepEqual([1, 2, 10, 100, 1000, 1e4, 1e5].map(percentileLabel), ['0%', '50%', '90%', '99%', '99.9%', '99.99%', '99.999%']);
  });
});

describe('bar charts', () => {
  test('nice steps', () => {
    assert.deepEqual([niceStep(1, 4), niceStep(9000, 4), niceStep(0.0005, 4), niceStep(0, 4)], [0.25, 2500, 0.0002, 1]);
  });

  test('one bar per non-zero value, labels escaped', () => {
    const svg = renderBarChart({
      id: 'c',
      title: 't',
      caption: 'c',
      unit: 'u',
      groups: [{ label: '<b>run</b>', color: '#4e79a7', bars: [{ label: 'a', value: 2, text: '2' }, { label: 'b', value: 0, text: '0' }] }],
    });
    assert.equal(svg.match(/<path class="bar"/g)?.length, 1);
    assert.ok(svg.includes('&lt;b&gt;run&lt;/b&gt;') && !svg.includes('<b>run'));
  });
});

describe('pages', () => {
  test('self-contained: no external resource, uPlot and the data inlined', () => {
    const html = renderRunsHtml([{ name: 'one', report: runReportFixture({ mode: '1.1', label: 'one', requests: 2000, seconds: 2 }) }]);
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.ok(!/\s(src|href)=["']?(https?:)?\/\//i.test(html), 'page references an external resource');
    assert.ok(html.includes('var uPlot='), 'uPlot is not inlined');
    assert.equal((html.match(/<script/g) ?? []).length, 3);
  });

  test('hostile labels never reach the page unescaped', () => {
    const label = '</script><img src=x onerror=alert(1)>';
    const report = runReportFixture({ mode: '1.0', label, requests: 2000, seconds: 2 });
    const html = renderRunsHtml([{ name: label, report }]);
    assert.ok(!html.includes(label));
    assert.equal(embeddedData(html).lineCharts[0]!.series[0]!.label, label);
  });

  test('overlaid runs: one series per run in every line chart, duplicate names made unique', () => {
    const a = runReportFixture({ mode: '1.0', label: 'same', seed: 1, requests: 3000, seconds: 3 });
    const b = runReportFixture({ mode: '1.1', label: 'same', seed: 2, requests: 5000, seconds: 2 });
    const data = embeddedData(renderRunsHtml([{ name: 'same', report: a }, { name: 'same', report: b }]));
    assert.equal(data.lineCharts.length, 3);
    for (const chart of data.lineCharts) assert.deepEqual(chart.series.map((s) => s.label), ['same', 'same (2)']);
    const rps = data.lineCharts.find((chart) => chart.id === 'chart-timeline-rps')!;
    assert.deepEqual(rps.x, [0, 1, 2]);
    assert.deepEqual(rps.series[1]!.values.slice(2), [null]);
    assert.deepEqual(rps.series[0]!.values, a.timeline.map((point) => point.requests));
  });

  test('timeline: a partial last second is counted with the second before it, never drawn as a second of its own', () => {
    const report = runReportFixture({ mode: '1.1', label: 't', requests: 2000, seconds: 2 });
    const point = (second: number, requests: number) => ({ second, requests, errors: 0, connectionsOpened: 0, p50Ms: 1, p99Ms: requests > 0 ? 2 : 0 });
    const timeline = [point(0, 1000), point(1, 0), point(2, 10)];
    const charts = (durationSec: number) => embeddedData(renderRunsHtml([{ name: 't', report: { ...report, durationSec, timeline } }])).lineCharts;
    const half = charts(2.5);
    const rps = half.find((chart) => chart.id === 'chart-timeline-rps')!;
    const p99 = half.find((chart) => chart.id === 'chart-timeline-p99')!;
    assert.deepEqual(rps.x, [0, 1]);
    // Second 1 had nothing; with the 0.5 s tail's 10 requests it is 10 requests over 1.5 s.
    assert.deepEqual(rps.series[0]!.values.map((v) => Number((v as number).toFixed(3))), [1000, 6.667]);
    assert.deepEqual(rps.xNames, ['0–1 s', '1–2.5 s']);
    assert.deepEqual(p99.series[0]!.values, [2, 2]);
    assert.deepEqual(rps.series[0]!.texts, ['1,000 req/s', '6.7 req/s']);
    assert.equal(half.some((chart) => chart.id === 'chart-timeline-errors'), false, 'no errors, no errors chart');
  });

  test('timeline of merged runs: each run on its own clock, its few-ms tail folded in, no fake stall', () => {
    const base = runReportFixture({ mode: '1.1', label: 'runs', requests: 3000, seconds: 1 });
    const point = (second: number, requests: number, errors = 0) => ({ second, requests, errors, connectionsOpened: 0, p50Ms: 1, p99Ms: 2 });
    // Three 1.003 s runs as merge.ts joins them: each run's 3 ms tail is its own "second".
    const timeline = [point(0, 10_000), point(1, 110), point(2, 9_000, 4), point(3, 100), point(4, 11_000), point(5, 90)];
    const runs = [1.003, 1.003, 1.003].map((durationSec) => ({ ...withRepeats(base, 1, 1).runs![0]!, durationSec }));
    const merged = { ...base, durationSec: 3.009, timeline, runs, requests: { ...base.requests, errors: 4 } };
    const lineCharts = embeddedData(renderRunsHtml([{ name: 'runs', report: merged }])).lineCharts;
    const rps = lineCharts.find((chart) => chart.id === 'chart-timeline-rps')!;
    assert.deepEqual(rps.x, [0, 1, 2]);
    assert.deepEqual(rps.series[0]!.values.map((v) => Math.round(v as number)), [10_080, 9_073, 11_057]);
    assert.deepEqual(rps.xNames, ['run 1, 0–1.003 s', 'run 2, 0–1.003 s', 'run 3, 0–1.003 s']);
    assert.match(rps.caption, /each on its own clock/);
    const errors = lineCharts.find((chart) => chart.id === 'chart-timeline-errors')!;
    assert.deepEqual(errors.series[0]!.values.map((v) => Math.round(v as number)), [0, 4, 0]);
  });

  test('a run where nothing completed: dashes, not 0 ms; its errors have a chart', () => {
    const report = runReportFixture({ mode: '1.0', label: 'down', requests: 1000, seconds: 1 });
    const failed = {
      ...report,
      requests: { ...report.requests, completed: 0, errors: 16 },
      timeline: [{ second: 0, requests: 0, errors: 16, connectionsOpened: 0, p50Ms: 0, p99Ms: 0 }],
      durationSec: 1.002,
      connections: { ...report.connections, opened: 0 },
    };
    const html = renderRunsHtml([{ name: 'down', report: failed }]);
    const summary = /<section class="summary">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    assert.doesNotMatch(summary, /0 ms/);
    assert.match(summary, /<td>–<\/td><td>–<\/td><td>–<\/td>/);
    const errors = embeddedData(html).lineCharts.find((chart) => chart.id === 'chart-timeline-errors')!;
    assert.deepEqual(errors.x, [0]);
    assert.deepEqual(errors.series[0]!.values, [16]);
    const phases = /<figure class="chart bar-chart" id="chart-phases">[\s\S]*?<\/figure>/.exec(html)?.[0] ?? '';
    assert.doesNotMatch(phases, /p50 0\.000 ms/);
  });

  test('open loop: the phases chart shows the total on both clocks, first byte against the total from the send', () => {
    const report = runReportFixture({ mode: '1.1', label: 'open', requests: 1000, seconds: 1 });
    const open = { ...report, uncorrectedLatencyMs: { ...report.latencyMs, p50: 0.1, p99: 0.2 } };
    const html = renderRunsHtml([{ name: 'open', report: open }]);
    const phases = /<figure class="chart bar-chart" id="chart-phases">[\s\S]*?<\/figure>/.exec(html)?.[0] ?? '';
    assert.match(phases, />total \(from send\)</);
    assert.match(phases, />total \(from intended\)</);
    assert.match(phases, /intended send time/);
  });

  test('a suite is drawn case by case; several suites are overlaid with their names', () => {
    const suite = suiteReportFixture();
    const one = embeddedData(renderReportsHtml([{ name: 'quick', report: suite }]));
    assert.deepEqual(one.lineCharts[0]!.series.map((s) => s.label), ['1.0-c10', '1.1-c10', 'pipeline-c10']);
    const two = embeddedData(renderReportsHtml([{ name: 'a', report: suite }, { name: 'b', report: suite.cases[0]!.report }]));
    assert.deepEqual(two.lineCharts[0]!.series.map((s) => s.label), ['a 1.0-c10', 'a 1.1-c10', 'a pipeline-c10', 'b']);
  });

  test('warnings: interrupted, errors and non-2xx are called out; a clean run has none', () => {
    const clean = renderRunsHtml([{ name: 'ok', report: runReportFixture({ mode: '1.1', label: 'ok', requests: 2000, seconds: 2 }) }]);
    assert.ok(!clean.includes('class="warnings"'));
    const bad = renderRunsHtml([
      { name: 'bad', report: runReportFixture({ mode: '1.0', label: 'bad', requests: 2000, seconds: 2, interrupted: true, errors: { H1B_CONNECT_RESET: 3 }, non2xx: 4 }) },
    ]);
    const block = /<section class="warnings"[\s\S]*?<\/section>/.exec(bad)?.[0] ?? '';
    assert.match(block, /bad: interrupted after 2\.000 s/);
    assert.match(block, /bad: 3 errors out of 2,003 requests sent \(H1B_CONNECT_RESET: 3\)/);
    assert.match(block, /bad: 4 non-2xx responses \(status 503: 4\)/);
  });

  test('heartbeat runs get a heartbeat section; others do not', () => {
    const report = runReportFixture({ mode: '1.1', label: 'hb', requests: 1000, seconds: 1 });
    assert.ok(!renderRunsHtml([{ name: 'plain', report }]).includes('<h2>Heartbeat</h2>'));
    const heartbeat = {
      clients: 1000,
      intervalMs: 1000,
      timeoutMs: 3000,
      mode: '1.1' as const,
      offlineMode: 'freeze' as const,
      offlineInjected: 50,
      detected: 49,
      missed: 1,
      falsePositives: 0,
      detectionMs: { p50: 3100, p99: 3900, max: 3990 },
      serverDownDetectedMs: null,
      heartbeatRttMs: report.latencyMs,
      handshakes: { total: 1000, perSecond: 0 },
      bytesPerSec: 180_000,
      server: { cpuSec: 1, maxRssBytes: 80e6, cpuSecPerThousandClients: 0.5, rssBytesPerThousandClients: 40 * 1048576 },
      tcpKeepAlive: null,
      settings: { offline: 50, offlineMode: 'freeze' as const, serverFailure: null, tcpKeepAliveMs: 0, clientsPerProcess: 2500 },
      durationSec: 20,
      processes: 1,
      preopenedConnections: 1000,
      beats: { sent: 20_000, answered: 20_000, skipped: 0, timeouts: 0, non2xx: 0 },
      errors: {},
      detectedWithinBudget: 49,
      detectionBudgetMs: 4000,
      connectionEndSeenMs: null,
      serverDownMissed: 0,
      clientFalseAlarms: 0,
      connectMs: report.connectMs,
      sendLagMs: report.latencyMs,
      serverCpuCoreShare: 0.05,
      serverBaselineRssBytes: 40e6,
      pollFailures: 0,
      notes: [],
    };
    const html = renderRunsHtml([{ name: 'hb', report: { ...report, heartbeat } }]);
    const section = /<section class="heartbeat">[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
    assert.match(section, /49 \/ 1/);
    assert.match(section, /p50 3,100 · p99 3,900 · max 3,990 ms/);
    assert.match(section, /50 \(freeze\)/);
    assert.match(section, /40\.00 MiB/);
    assert.match(section, /180 kB\/s/);
  });

  test('suite vs suite comparison: one delta block per common case, cases of both sides overlaid', () => {
    const base = suiteReportFixture();
    const current = { ...suiteReportFixture(), cases: suiteReportFixture().cases.slice(1) };
    const comparison = compareReports(base, current);
    const html = renderComparisonHtml({ name: 'old', report: base }, { name: 'new', report: current }, comparison);
    const chart = /<figure class="chart bar-chart" id="chart-deltas">[\s\S]*?<\/figure>/.exec(html)?.[0] ?? '';
    assert.deepEqual([...chart.matchAll(/class="group-label"[^>]*>([^<]+)</g)].map((m) => m[1]), ['1.1-c10', 'pipeline-c10']);
    assert.match(html, /Cases only in BASE \(not compared\): 1\.0-c10/);
    const series = embeddedData(html).lineCharts[0]!.series;
    assert.deepEqual(series.map((s) => s.label), ['BASE 1.0-c10', 'BASE 1.1-c10', 'BASE pipeline-c10', 'CURRENT 1.1-c10', 'CURRENT pipeline-c10']);
    // One colour pair per case: light for BASE, dark for CURRENT, distinct across cases.
    const color = (label: string): string => series.find((s) => s.label === label)!.color;
    assert.deepEqual([color('BASE 1.1-c10'), color('CURRENT 1.1-c10')], [...PAIRED[1]!]);
    assert.deepEqual([color('BASE pipeline-c10'), color('CURRENT pipeline-c10')], [...PAIRED[2]!]);
  });

  test('a minimal report (no machine, engine, notes or cpu) still renders', () => {
    const { machine: _m, engine: _e, notes: _n, cpu: _c, ...rest } = runReportFixture({ mode: '1.0', label: 'min', requests: 500, seconds: 1 });
    const html = renderRunsHtml([{ name: 'min', report: rest as unknown as RunReport }]);
    assert.match(html, /<h2>Machine<\/h2>/);
    assert.equal(embeddedData(html).lineCharts[0]!.series[0]!.label, 'min');
  });

  test('names and default paths', () => {
    const report = runReportFixture({ mode: '1.1', label: null, requests: 1000, seconds: 1 });
    assert.equal(reportName(report, 'results/2026-x-1.1.json'), '2026-x-1.1');
    assert.equal(reportName({ ...report, label: 'mine' }, 'a.json'), 'mine');
    assert.equal(defaultHtmlPath(['results/a.json']), 'results/a.html');
    assert.equal(defaultHtmlPath(['a.json', 'b.json']), 'report.html');
  });
});
