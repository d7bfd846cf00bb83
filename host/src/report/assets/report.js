// Draws every chart of the cost-ops report from the page's data (the JSON
// in #report-data, written by report_page_data.cpp) with Chart.js, then
// writes what it drew into #render-check: per canvas, the number of
// non-transparent pixels and of drawn data elements, and the page's errors.
// Plugin-provided text reaches the page only through Chart.js (canvas text)
// and textContent, never as HTML.
(function () {
  "use strict";
  var colors = { bars: "#0969da", fit: "#8250df", slower: "#cf222e", faster: "#1a7f37",
                 neutral: "#57606a", interval: "rgba(9, 105, 218, 0.35)" };

  function duration(ns) {
    var units = [["s", 1e9], ["ms", 1e6], ["\u00b5s", 1e3]];
    for (var i = 0; i < units.length; i++)
      if (Math.abs(ns) >= units[i][1]) return (ns / units[i][1]).toPrecision(3) + " " + units[i][0];
    return (Math.abs(ns) < 0.001 ? "0" : Number(ns).toPrecision(3)) + " ns";
  }

  function base(extra) {
    var options = { animation: false, responsive: true, maintainAspectRatio: false,
                    plugins: { legend: { display: false } } };
    return Object.assign(options, extra);
  }

  function histogram(chart) {
    var labels = chart.bin_low_ns.map(function (low, i) {
      return duration((low + chart.bin_high_ns[i]) / 2);  // the bin's centre
    });
    return { type: "bar",
             data: { labels: labels,
                     datasets: [{ label: "samples", data: chart.counts, backgroundColor: colors.bars,
                                  barPercentage: 1, categoryPercentage: 1 }] },
             options: base({ scales: { x: { title: { display: true, text: "time per operation (bin centre)" },
                                            ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 4 } },
                                       y: { beginAtZero: true, title: { display: true, text: "samples" } } } }) };
  }

  function scaling(chart) {
    var logAxis = function (title, format) {
      return { type: "logarithmic", title: { display: true, text: title },
               ticks: { callback: function (value) { return format(value); } } };
    };
    return { type: "scatter",
             data: { datasets: [
               { label: "median", data: chart.points, backgroundColor: colors.bars, pointRadius: 5 },
               { label: chart.big_o || "no fit", data: chart.fit, showLine: true, pointRadius: 0,
                 borderColor: colors.fit, borderWidth: 2 }] },
             options: base({ plugins: { legend: { display: true } },
                             scales: { x: logAxis(chart.variable, String),
                                       y: logAxis("ns per operation", duration) } }) };
  }

  // Shades -threshold .. +threshold: changes inside never count.
  function thresholdBand(threshold) {
    return { id: "threshold-band", beforeDatasetsDraw: function (c) {
      if (!(threshold > 0)) return;
      var x = c.scales.x, area = c.chartArea;
      var left = Math.max(x.getPixelForValue(-threshold), area.left);
      var right = Math.min(x.getPixelForValue(threshold), area.right);
      if (!(right > left)) return;
      c.ctx.save();
      c.ctx.fillStyle = "rgba(87, 96, 106, 0.15)";
      c.ctx.fillRect(left, area.top, right - left, area.bottom - area.top);
      c.ctx.restore();
    } };
  }

  function comparison(chart) {
    var verdictColor = function (verdict) {
      return verdict === "slower" ? colors.slower : verdict === "faster" ? colors.faster : colors.neutral;
    };
    var intervals = chart.ci_low_percent.map(function (low, i) { return [low, chart.ci_high_percent[i]]; });
    return { type: "bar",
             data: { labels: chart.labels, datasets: [
               { type: "bar", label: "95% interval of the change (%)", data: intervals,
                 backgroundColor: colors.interval, barPercentage: 0.5 },
               { type: "line", label: "estimated change (%)", data: chart.change_percent,
                 showLine: false, pointRadius: 5, pointStyle: "rectRot",
                 pointBackgroundColor: chart.verdicts.map(verdictColor),
                 borderColor: chart.verdicts.map(verdictColor) }] },
             plugins: [thresholdBand(chart.threshold_percent)],
             options: base({ indexAxis: "y", plugins: { legend: { display: true } },
                             scales: { x: { suggestedMin: -2 * chart.threshold_percent,
                                            suggestedMax: 2 * chart.threshold_percent,
                                            title: { display: true, text: "estimated change (%), band: below the threshold" } } } }) };
  }

  // One line per series (repository · branch · machine): runs of different
  // series are never joined; the report's own series is drawn first and
  // thicker. Steps are marked on the series they belong to.
  var seriesColors = ["#0969da", "#bf8700", "#8250df", "#1b7c83", "#9a6700", "#6e7781",
                      "#bc4c00", "#4d2d8c"];
  function trend(chart) {
    var datasets = chart.series.map(function (series, i) {
      var color = seriesColors[i % seriesColors.length];
      var stepColor = function (step) {
        return step === "slower" ? colors.slower : step === "faster" ? colors.faster : color;
      };
      return { label: series.name + (series.this_run ? " (this run)" : ""), data: series.median_ns,
               spanGaps: true, borderColor: color, backgroundColor: color,
               borderWidth: series.this_run ? 3 : 1.5,
               pointStyle: series.steps.map(function (s) { return s ? "triangle" : "circle"; }),
               pointRotation: series.steps.map(function (s) { return s === "faster" ? 180 : 0; }),
               pointRadius: series.median_ns.map(function (v, k) {
                 return v === null ? 0 : series.steps[k] ? 8 : 3; }),
               pointBackgroundColor: series.steps.map(stepColor),
               pointBorderColor: series.steps.map(stepColor) };
    });
    return { type: "line",
             data: { labels: chart.labels, datasets: datasets },
             options: base({ plugins: { legend: { display: chart.series.length > 1 } },
                             scales: { y: { beginAtZero: true,
                                            title: { display: true, text: "median of process medians per operation (axis from 0)" },
                                            ticks: { callback: function (v) { return duration(v); } } } } }) };
  }

  var builders = { histogram: histogram, scaling: scaling, comparison: comparison, trend: trend };

  function paintedPixels(canvas) {
    var pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
    var painted = 0;
    for (var i = 3; i < pixels.length; i += 4) if (pixels[i] !== 0) painted++;
    return painted;
  }

  function draw(spec) {
    var canvas = document.getElementById(spec.id);
    if (!canvas) throw new Error("no canvas for chart " + spec.id);
    if (spec.kind === "comparison") canvas.parentNode.style.height = (4 + 1.8 * spec.labels.length) + "rem";
    var config = builders[spec.kind](spec);
    var chart = new Chart(canvas, config);
    var elements = 0;
    chart.data.datasets.forEach(function (dataset, i) { elements += chart.getDatasetMeta(i).data.length; });
    return { id: spec.id, kind: spec.kind, elements: elements, painted_pixels: paintedPixels(canvas) };
  }

  var drawn = [];
  var data = JSON.parse(document.getElementById("report-data").textContent);
  data.charts.forEach(function (spec) {
    try {
      drawn.push(draw(spec));
    } catch (error) {
      window.costopsReportErrors.push(spec.id + ": " + String(error && error.stack || error));
    }
  });
  var check = document.getElementById("render-check");
  // page_width > viewport_width: something makes the whole page scroll sideways.
  check.textContent = JSON.stringify({ charts: drawn, errors: window.costopsReportErrors,
                                       canvases: document.querySelectorAll("canvas").length,
                                       page_width: document.documentElement.scrollWidth,
                                       viewport_width: window.innerWidth });
})();
