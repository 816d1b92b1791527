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
import { runReportFixture, suiteReportFixture } from './html-fixtures.js';

/** The JSON the page embeds for its charts, parsed back the way the browser does. */
function embeddedData(html: string): { lineCharts: Array<{ id: string; x: number[]; series: Array<{ label: string; values: Array<number | null> }> }> } {
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

  test('timeline: a partial last second is scaled to a rate or dropped; an empty second has no p99', () => {
    const report = runReportFixture({ mode: '1.1', label: 't', requests: 2000, seconds: 2 });
    const point = (second: number, requests: number) => ({ second, requests, errors: 0, connectionsOpened: 0, p50Ms: 1, p99Ms: requests > 0 ? 2 : 0 });
    const timeline = [point(0, 1000), point(1, 0), point(2, 10)];
    const charts = (durationSec: number) => embeddedData(renderRunsHtml([{ name: 't', report: { ...report, durationSec, timeline } }])).lineCharts;
    const half = charts(2.5);
    const rps = half.find((chart) => chart.id === 'chart-timeline-rps')!;
    const p99 = half.find((chart) => chart.id === 'chart-timeline-p99')!;
    assert.deepEqual(rps.x, [0, 1, 2]);
    assert.deepEqual(rps.series[0]!.values, [1000, 0, 20]);
    assert.deepEqual(p99.series[0]!.values, [2, null, 2]);
    const sliver = charts(2.05).find((chart) => chart.id === 'chart-timeline-rps')!;
    assert.deepEqual(sliver.x, [0, 1]);
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
    assert.match(block, /bad: interrupted after 2 s/);
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
    assert.match(section, /p50 3100 · p99 3900 · max 3990 ms/);
    assert.match(section, /50 \(freeze\)/);
    assert.match(section, /40 MiB/);
  });

  test('suite vs suite comparison: one delta block per common case, cases of both sides overlaid', () => {
    const base = suiteReportFixture();
    const current = { ...suiteReportFixture(), cases: suiteReportFixture().cases.slice(1) };
    const comparison = compareReports(base, current);
    const html = renderComparisonHtml({ name: 'old', report: base }, { name: 'new', report: current }, comparison);
    const chart = /<figure class="chart bar-chart" id="chart-deltas">[\s\S]*?<\/figure>/.exec(html)?.[0] ?? '';
    assert.deepEqual([...chart.matchAll(/class="group-label"[^>]*>([^<]+)</g)].map((m) => m[1]), ['1.1-c10', 'pipeline-c10']);
    assert.match(html, /Cases only in BASE \(not compared\): 1\.0-c10/);
    assert.deepEqual(embeddedData(html).lineCharts[0]!.series.map((s) => s.label), [
      'BASE 1.0-c10', 'BASE 1.1-c10', 'BASE pipeline-c10', 'CURRENT 1.1-c10', 'CURRENT pipeline-c10',
    ]);
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
