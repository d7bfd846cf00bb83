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

  // A number with `digits` significant digits in fixed notation: never
  // "1.23e+3" (toPrecision switches to exponents from 1000 up).
  function fixed(value, digits) {
    var magnitude = Math.abs(value) >= 1 ? Math.floor(Math.log10(Math.abs(value))) + 1 : 1;
    return value.toFixed(Math.max(0, Math.min(6, digits - magnitude)));
  }

  var timeUnits = [["s", 1e9], ["ms", 1e6], ["\u00b5s", 1e3], ["ns", 1]];
  function unitFor(ns) {
    for (var i = 0; i < timeUnits.length - 1; i++)
      if (Math.abs(ns) >= timeUnits[i][1]) return timeUnits[i];
    return timeUnits[timeUnits.length - 1];
  }

  function duration(ns) {
    if (Math.abs(ns) < 0.001) return "0 ns";
    var unit = unitFor(ns);
    return fixed(ns / unit[1], 3) + " " + unit[0];
  }

  // A plain number for axes (sizes, percents): grouped digits, no exponent.
  function plain(value) {
    return Number(value).toLocaleString("en-US", { maximumFractionDigits: 3 });
  }

  // Log axes: Chart.js puts a tick at every 1..9 x 10^k; labelling all of
  // them overlaps. Label 1, 2 and 5 x 10^k, only powers of ten over more
  // than three decades.
  function logTickLabel(format) {
    return function (value, index, ticks) {
      if (!(value > 0)) return "";
      var decades = Math.log10(ticks[ticks.length - 1].value / ticks[0].value);
      var mantissa = Math.round(value / Math.pow(10, Math.floor(Math.log10(value) + 1e-9)) * 1000) / 1000;
      var shown = decades > 3 ? [1] : decades > 1.5 ? [1, 5] : [1, 2, 5];
      return shown.indexOf(mantissa) >= 0 ? format(value) : "";
    };
  }

  function base(extra) {
    var options = { animation: false, responsive: true, maintainAspectRatio: false,
                    plugins: { legend: { display: false } } };
    return Object.assign(options, extra);
  }

  // One unit for the whole histogram (the largest regular bin's), named in
  // the axis title; the labels are bin centres in that unit. A last bin of
  // severe outliers (chart.beyond) is grey and labelled "> fence".
  function histogram(chart) {
    var beyond = chart.beyond || [];
    var regular = chart.bin_high_ns.filter(function (h, i) { return !beyond[i]; });
    var unit = unitFor(regular.length ? regular[regular.length - 1] : 1);
    var labels = chart.bin_low_ns.map(function (low, i) {
      if (beyond[i]) return "> " + fixed(low / unit[1], 3);
      return fixed((low + chart.bin_high_ns[i]) / 2 / unit[1], 3);
    });
    return { type: "bar",
             data: { labels: labels,
                     datasets: [{ label: "samples", data: chart.counts,
                                  backgroundColor: chart.counts.map(function (c, i) {
                                    return beyond[i] ? colors.neutral : colors.bars; }),
                                  barPercentage: 1, categoryPercentage: 1 }] },
             options: base({ scales: { x: { title: { display: true, text: "time per operation (" + unit[0] + ", bin centre)" },
                                            ticks: { maxRotation: 0, autoSkip: true, maxTicksLimit: 5 } },
                                       y: { beginAtZero: true, title: { display: true, text: "samples" },
                                            ticks: { precision: 0 } } } }) };
  }

  function scaling(chart) {
    var logAxis = function (title, format) {
      return { type: "logarithmic", title: { display: true, text: title },
               ticks: { autoSkip: true, maxRotation: 0, callback: logTickLabel(format) } };
    };
    return { type: "scatter",
             data: { datasets: [
               { label: "median", data: chart.points, backgroundColor: colors.bars, pointRadius: 5 },
               { label: chart.big_o || "no fit", data: chart.fit, showLine: true, pointRadius: 0,
                 borderColor: colors.fit, borderWidth: 2 }] },
             options: base({ plugins: { legend: { display: true } },
                             scales: { x: logAxis(chart.variable, plain),
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

  // The forest plot's x range: every estimate and the threshold band
  // visible, and the intervals of most targets; one very wide interval
  // does not squash the others: it is cut at the edge and ends in an arrow.
  function forestBound(chart) {
    var reach = [], bound = 2 * (chart.threshold_percent || 0);
    chart.change_percent.forEach(function (change, i) {
      if (change !== null) bound = Math.max(bound, 1.25 * Math.abs(change));
      var low = chart.ci_low_percent[i], high = chart.ci_high_percent[i];
      if (low !== null && high !== null) reach.push(Math.max(Math.abs(low), Math.abs(high)));
    });
    reach.sort(function (x, y) { return x - y; });
    if (reach.length) bound = Math.max(bound, 1.1 * reach[Math.floor((reach.length - 1) / 2)]);
    return Math.max(bound, 1);
  }

  // An arrow head at each end of an interval cut at the axis' edge.
  function clippedArrows(clipped) {
    return { id: "clipped-arrows", afterDatasetsDraw: function (c) {
      var meta = c.getDatasetMeta(0), ctx = c.ctx;
      ctx.save();
      ctx.fillStyle = colors.neutral;
      clipped.forEach(function (ends, i) {
        var bar = meta.data[i];
        if (!bar) return;
        [["low", c.chartArea.left, -1], ["high", c.chartArea.right, 1]].forEach(function (end) {
          if (!ends[end[0]]) return;
          var x = end[1], y = bar.y, size = 7;
          ctx.beginPath();
          ctx.moveTo(x, y);
          ctx.lineTo(x - end[2] * size * 1.6, y - size);
          ctx.lineTo(x - end[2] * size * 1.6, y + size);
          ctx.closePath();
          ctx.fill();
        });
      });
      ctx.restore();
    } };
  }

  function comparison(chart) {
    var verdictColor = function (verdict) {
      return verdict === "slower" ? colors.slower : verdict === "faster" ? colors.faster : colors.neutral;
    };
    var bound = forestBound(chart), clipped = [];
    var intervals = chart.ci_low_percent.map(function (low, i) {
      var high = chart.ci_high_percent[i];
      clipped.push({ low: low !== null && low < -bound, high: high !== null && high > bound });
      if (low === null || high === null) return null;
      return [Math.max(low, -bound), Math.min(high, bound)];
    });
    return { type: "bar",
             data: { labels: chart.labels, datasets: [
               { type: "bar", label: "95% interval of the change (%)", data: intervals,
                 backgroundColor: colors.interval, barPercentage: 0.5 },
               { type: "line", label: "estimated change (%)", data: chart.change_percent,
                 showLine: false, pointRadius: 5, pointStyle: "rectRot",
                 pointBackgroundColor: chart.verdicts.map(verdictColor),
                 borderColor: chart.verdicts.map(verdictColor) }] },
             plugins: [thresholdBand(chart.threshold_percent), clippedArrows(clipped)],
             options: base({ indexAxis: "y", plugins: { legend: { display: true } },
                             scales: { x: { min: -bound, max: bound,
                                            ticks: { maxRotation: 0, callback: function (v) { return plain(v) + "%"; } },
                                            title: { display: true, text: "estimated change (%); band: below the threshold" } },
                                       y: { ticks: { autoSkip: false, callback: function (v, i) {
                                         var id = chart.labels[i];
                                         return id.length > 24 ? id.slice(0, 23) + "\u2026" : id;
                                       } } } } }) };
  }

  // One line per series (repository · branch · machine): runs of different
  // series are never joined; the report's own series is drawn first and
  // thicker. Steps are marked on the series they belong to.
  var seriesColors = ["#0969da", "#bf8700", "#8250df", "#1b7c83", "#9a6700", "#6e7781",
                      "#bc4c00", "#4d2d8c"];
  // Each run's spread as a vertical bar through its median (page data
  // low_ns/high_ns: the range of its process medians, or the 95% interval
  // of the median for a one-process run).
  var errorBars = { id: "error-bars", afterDatasetsDraw: function (c) {
    var y = c.scales.y, ctx = c.ctx;
    ctx.save();
    c.data.datasets.forEach(function (dataset, d) {
      var meta = c.getDatasetMeta(d);
      if (meta.hidden || !dataset.costopsLow) return;
      ctx.strokeStyle = dataset.borderColor;
      ctx.lineWidth = 1.5;
      meta.data.forEach(function (point, k) {
        var low = dataset.costopsLow[k], high = dataset.costopsHigh[k];
        if (low === null || high === null || dataset.data[k] === null) return;
        var top = y.getPixelForValue(high), bottom = y.getPixelForValue(low);
        ctx.beginPath();
        ctx.moveTo(point.x, top);
        ctx.lineTo(point.x, bottom);
        ctx.moveTo(point.x - 4, top);
        ctx.lineTo(point.x + 4, top);
        ctx.moveTo(point.x - 4, bottom);
        ctx.lineTo(point.x + 4, bottom);
        ctx.stroke();
      });
    });
    ctx.restore();
  } };

  function trend(chart) {
    var datasets = chart.series.map(function (series, i) {
      var color = seriesColors[i % seriesColors.length];
      var stepColor = function (step) {
        return step === "slower" ? colors.slower : step === "faster" ? colors.faster : color;
      };
      return { label: series.name + (series.this_run ? " (this run)" : ""), data: series.median_ns,
               costopsLow: series.low_ns, costopsHigh: series.high_ns,
               spanGaps: true, borderColor: color, backgroundColor: color,
               borderWidth: series.this_run ? 3 : 1.5,
               pointStyle: series.steps.map(function (s) { return s ? "triangle" : "circle"; }),
               pointRotation: series.steps.map(function (s) { return s === "faster" ? 180 : 0; }),
               pointRadius: series.median_ns.map(function (v, k) {
                 return v === null ? 0 : series.steps[k] ? 8 : 3; }),
               pointBackgroundColor: series.steps.map(stepColor),
               pointBorderColor: series.steps.map(stepColor) };
    });
    // The axis starts at 0 and reaches every bar's top.
    var top = 0;
    chart.series.forEach(function (series) {
      series.high_ns.concat(series.median_ns).forEach(function (v) { if (v !== null) top = Math.max(top, v); });
    });
    return { type: "line",
             data: { labels: chart.labels, datasets: datasets },
             plugins: [errorBars],
             options: base({ plugins: { legend: { display: chart.series.length > 1 } },
                             scales: { x: { ticks: { maxRotation: 0, autoSkip: true } },
                                       y: { min: 0, suggestedMax: top * 1.05,
                                            title: { display: true, text: "median per run (from 0; bars: spread)" },
                                            ticks: { maxTicksLimit: 6, callback: function (v) { return duration(v); } } } } }) };
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
  // What a reader would see wrong, measured in the laid-out page:
  // elements reaching past the window (content of a .scroll container
  // scrolls inside it and is exempt), target ids broken into short pieces
  // (one character per line on a phone), headers wider than their cell.
  function describe(el) {
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
           (el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : "") +
           " " + JSON.stringify((el.textContent || "").trim().slice(0, 40));
  }
  function layout() {
    var width = window.innerWidth, wide = [], brokenIds = [], squeezedHeaders = [];
    document.querySelectorAll("body *").forEach(function (el) {
      var scroller = el.parentElement && el.parentElement.closest(".scroll");
      if (scroller) return;
      var r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) return;
      if (r.right > width + 0.5 || r.left < -0.5) wide.push(describe(el) + " " + Math.round(r.left) + ".." + Math.round(r.right));
    });
    document.querySelectorAll("td code, li code, h3").forEach(function (el) {
      var range = document.createRange();
      range.selectNodeContents(el);
      var lines = {};
      Array.prototype.forEach.call(range.getClientRects(), function (r) { if (r.width > 0) lines[Math.round(r.top)] = 1; });
      var count = Object.keys(lines).length, chars = (el.textContent || "").length;
      if (count > 1 && chars / count < 8) brokenIds.push(describe(el) + " on " + count + " lines");
    });
    // A header is squeezed when its text overflows the cell or one of its
    // words is split over two lines ("stat" / "us").
    document.querySelectorAll("th").forEach(function (el) {
      var split = false;
      Array.prototype.forEach.call(el.childNodes, function (node) {
        if (node.nodeType !== Node.TEXT_NODE) return;
        var re = /\S+/g, match;
        while ((match = re.exec(node.data)) !== null) {
          var range = document.createRange();
          range.setStart(node, match.index);
          range.setEnd(node, match.index + match[0].length);
          var tops = {};
          Array.prototype.forEach.call(range.getClientRects(), function (r) { if (r.width > 0) tops[Math.round(r.top)] = 1; });
          if (Object.keys(tops).length > 1) split = true;
        }
      });
      if (split || el.scrollWidth > el.clientWidth + 1) squeezedHeaders.push(describe(el));
    });
    var verdict = document.getElementById("verdict"), top = null, first = null;
    if (verdict) {
      top = Math.round(verdict.getBoundingClientRect().top + window.scrollY);
      var item = verdict.querySelector("ul.verdicts li span");
      first = item ? item.textContent : null;
    }
    return { wide_elements: wide, broken_ids: brokenIds, squeezed_headers: squeezedHeaders,
             verdict_top: top, first_verdict: first };
  }

  var check = document.getElementById("render-check");
  // page_width > viewport_width: something makes the whole page scroll sideways.
  check.textContent = JSON.stringify(Object.assign({ charts: drawn, errors: window.costopsReportErrors,
                                       canvases: document.querySelectorAll("canvas").length,
                                       page_width: document.documentElement.scrollWidth,
                                       viewport_width: window.innerWidth }, layout()));
})();
