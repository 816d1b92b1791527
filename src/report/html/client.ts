// The page's own script (plain ES2017 for the browser): draws the uPlot line charts from the embedded JSON.

/**
 * Kept as text because it runs in the browser, not in Node: it reads the `LineChart[]` JSON from
 * `#h1b-data`, draws each chart into its placeholder, resizes with the window, and sets
 * `data-charts-drawn` on <body> so a test (or a person) can tell drawing finished.
 */
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('h1b-data').textContent);
  var plots = [];

  function fmt(value) {
    if (value === null || value === undefined || !isFinite(value)) return '–';
    var abs = Math.abs(value);
    if (abs >= 1000) return Math.round(value).toLocaleString('en-US');
    return String(Number(value.toPrecision(3)));
  }

  function widthOf(el) {
    return Math.max(320, Math.floor(el.getBoundingClientRect().width));
  }

  function draw(spec) {
    var el = document.getElementById(spec.id);
    if (!el) return;
    if (!spec.x.length) {
      // Nothing was measured over time (no timeline point): say so instead of drawing empty axes.
      el.textContent = 'No data: nothing was recorded for this chart.';
      el.className += ' empty';
      return;
    }
    var tickAt = spec.xTicks ? spec.xTicks.map(function (t) { return t.at; }) : null;
    var tickLabel = {};
    if (spec.xTicks) spec.xTicks.forEach(function (t) { tickLabel[t.at] = t.label; });
    var xAxis = { label: spec.xLabel, stroke: '#333', grid: { stroke: '#e6e6e6' }, ticks: { stroke: '#ccc' } };
    // Timeline x values are whole seconds: never label half seconds.
    if (!spec.xLog && !tickAt) xAxis.incrs = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
    if (tickAt) {
      xAxis.splits = function () { return tickAt; };
      xAxis.values = function (u, splits) { return splits.map(function (v) { return tickLabel[v] || ''; }); };
      // uPlot's log axes hide labels that are not powers of ten (the 50% tick at x=2); keep ours.
      xAxis.filter = function (u, splits) { return splits; };
    }
    var series = [{
      label: spec.xLegend,
      value: function (u, v, si, idx) { return idx === null || idx === undefined ? '–' : spec.xNames[idx]; }
    }];
    spec.series.forEach(function (s) {
      series.push({
        label: s.label,
        stroke: s.color,
        width: 2,
        dash: s.dash,
        spanGaps: false,
        points: { show: spec.x.length < 3 },
        // The texts come formatted by report/formats/units, as every other figure of the page.
        value: function (u, v, si, idx) {
          if (s.texts && idx !== null && idx !== undefined && s.texts[idx] !== undefined) return s.texts[idx];
          return v === null || v === undefined ? '–' : fmt(v) + ' ' + spec.unit;
        }
      });
    });
    var opts = {
      width: widthOf(el),
      height: 340,
      series: series,
      scales: {
        // A log axis would otherwise round out to the next decade, leaving empty space past the maximum.
        // Linear x: exactly the data's range (at least one unit), so a 1 s run never gets a 0–100 s axis.
        x: spec.xLog
          ? { time: false, distr: 3, log: 10, range: function (u, min, max) { return [1, Math.max(max, 10)]; } }
          // From the data, not uPlot's min/max: with a single point uPlot pads those to 0–100 first.
          : { time: false, range: function (u) { var xs = u.data[0]; var lo = xs[0]; var hi = xs[xs.length - 1]; return [lo, hi > lo ? hi : lo + 1]; } },
        y: spec.yLog ? { distr: 3, log: 10 } : { range: function (u, min, max) { return [0, max > 0 ? max * 1.08 : 1]; } }
      },
      axes: [xAxis, {
        label: spec.yLabel,
        size: 64,
        stroke: '#333',
        grid: { stroke: '#e6e6e6' },
        ticks: { stroke: '#ccc' },
        // Log axes pass null for splits they leave unlabelled.
        values: function (u, splits) { return splits.map(function (v) { return v === null ? '' : fmt(v); }); }
      }],
      cursor: { drag: { x: true, y: false } },
      legend: { live: true }
    };
    var columns = [spec.x].concat(spec.series.map(function (s) { return s.values; }));
    plots.push({ el: el, plot: new uPlot(opts, columns, el) });
  }

  data.lineCharts.forEach(draw);

  var pending = 0;
  window.addEventListener('resize', function () {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(function () {
      plots.forEach(function (p) { p.plot.setSize({ width: widthOf(p.el), height: 340 }); });
    });
  });
  document.body.setAttribute('data-charts-drawn', String(plots.length));
})();
`;
