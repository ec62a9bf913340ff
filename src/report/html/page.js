// The run report's own script, inlined into index.html after uPlot. Plain ES2020 for the
// browser: no build step, no imports. It reads the run's data from <script id="run-data">
// (built by src/report/html/report-data.ts) and draws every section into <main id="app">.
(function () {
  'use strict';

  var data = JSON.parse(document.getElementById('run-data').textContent);
  var s = data.summary;
  var app = document.getElementById('app');
  app.textContent = '';

  // Okabe–Ito: tells series apart for most colour-blind readers, and reads on white.
  var PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#8C6D1F', '#332288', '#44AA99', '#882255'];
  var MARKER_COLOURS = { join: '#009E73', resume: '#0072B2', pause: '#CC79A7', kill: '#D55E00', crash: '#D55E00', leave: '#6b6b6b', drift: '#E69F00' };
  var charts = [];
  // Every chart's plot area spans the same pixels: a GUTTER-wide axis on the left, as much
  // padding (or a right axis) on the right, so times line up down the page and with the lanes.
  var GUTTER = 80, LABEL = 18;

  // ---------- DOM helpers ----------

  function h(tag, attrs) {
    var el = document.createElement(tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  function svg(tag, attrs) {
    var el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    setAttrs(el, attrs);
    for (var i = 2; i < arguments.length; i++) append(el, arguments[i]);
    return el;
  }

  function setAttrs(el, attrs) {
    if (!attrs) return;
    Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === null || v === undefined || v === false) return;
      if (k === 'text') el.textContent = String(v);
      else el.setAttribute(k, String(v));
    });
  }

  function append(el, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) child.forEach(function (c) { append(el, c); });
    else el.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }

  function section(id, title, intro) {
    return h('section', { id: id, class: 'card' }, h('h2', { text: title }), intro ? h('p', { class: 'intro', text: intro }) : null);
  }

  function table(headers, rows, cls) {
    return h('div', { class: 'table-wrap' },
      h('table', { class: cls || '' },
        h('thead', null, h('tr', null, headers.map(function (x) { return h('th', { text: x }); }))),
        h('tbody', null, rows.map(function (r) {
          return h('tr', null, r.map(function (c) { return c instanceof Node ? h('td', null, c) : h('td', { text: c === null || c === undefined ? '–' : c }); }));
        }))));
  }

  // ---------- formatting ----------

  function num(n) { return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US'); }
  function ms(v) {
    if (v === null || v === undefined) return '–';
    if (v < 1000) return Math.round(v) + ' ms';
    if (v < 600000) return (v / 1000).toFixed(v < 10000 ? 2 : v < 100000 ? 1 : 0) + ' s';
    return secs(v / 1000);
  }
  function secs(t) {
    if (t === null || t === undefined) return '–';
    if (t < 60) return (Math.round(t * 10) / 10) + 's';
    var m = Math.floor(t / 60), r = Math.round(t - m * 60);
    return m + 'm' + (r ? (r < 10 ? '0' : '') + r + 's' : '');
  }
  function shortMs(v) { return v === null || v === undefined ? '' : v < 1000 ? v + 'ms' : v / 1000 + 's'; }
  function pct(r) { return r === null || r === undefined ? '–' : r === 0 ? '0%' : (r * 100).toFixed(r < 0.01 ? 3 : 2) + '%'; }
  function rate(v) { return v === null || v === undefined ? '–' : (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10).toLocaleString('en-US'); }
  function tick(ok) { return h('span', { class: ok ? 'ok' : 'bad', text: ok ? '✓' : '✗' }); }
  function badge(text, cls) { return h('span', { class: 'badge ' + (cls || ''), text: text }); }

  // ---------- verdict banner and headline numbers ----------

  function banner() {
    var pass = s.verdict === 'pass';
    var bySeverity = {};
    data.diagnoses.forEach(function (d) { bySeverity[d.severity] = (bySeverity[d.severity] || 0) + 1; });
    var chips = Object.keys(bySeverity).sort().map(function (sev) { return badge(bySeverity[sev] + ' ' + sev, 'sev-' + sev); });
    return h('header', { id: 'verdict', class: 'banner ' + (pass ? 'pass' : 'fail') },
      h('div', { class: 'banner-top' },
        h('div', { class: 'verdict-word', text: pass ? 'PASS' : 'FAIL' }),
        h('div', { class: 'banner-title' },
          h('h1', { text: s.run.plan }),
          h('div', { class: 'muted', text: s.run.id + ' · started ' + new Date(s.run.startedAt).toLocaleString() + ' · ' + secs(s.run.wallMs / 1000) + ' wall' })),
        h('div', { class: 'chips' }, h('span', { class: 'muted', text: 'diagnoses ' }), chips.length ? chips : badge('none', 'sev-none'))),
      s.failures.length
        ? h('ul', { class: 'failures' }, s.failures.map(function (f) { return h('li', { text: f }); }))
        : h('p', { class: 'all-good', text: 'Every check, invariant and expected diagnosis is as the plan says.' }));
  }

  function tiles() {
    var t = s.totals;
    var items = [
      ['acked / s', num(s.producers.ackedPerSecond), num(s.producers.acked) + ' acked of ' + num(s.producers.attempted)],
      ['e2e p99', ms(s.latency.e2e.p99), 'p50 ' + ms(s.latency.e2e.p50)],
      ['lost', num(t.lost), t.drained ? 'drained' : 'NOT drained', t.lost > 0 ? 'bad' : ''],
      ['duplicates', num(t.duplicates), pct(t.duplicateRate) + ' of unique', t.duplicates > 0 ? 'warn' : ''],
      ['backlog at end', num(s.backlog.finalLedger), 'broker ' + (s.backlog.finalBroker === null ? 'not sampled' : num(s.backlog.finalBroker)), s.backlog.finalLedger > 0 ? 'warn' : ''],
      ['diagnoses', num(data.diagnoses.length), data.diagnoses.filter(function (d) { return d.expected; }).length + ' expected'],
    ];
    return h('div', { class: 'tiles' }, items.map(function (it) {
      return h('div', { class: 'tile ' + (it[3] || '') }, h('div', { class: 'tile-label', text: it[0] }), h('div', { class: 'tile-value', text: it[1] }), h('div', { class: 'tile-sub', text: it[2] }));
    }));
  }

  // ---------- plan and cluster ----------

  function planSection() {
    var sec = section('plan', 'Plan and cluster');
    sec.appendChild(h('p', { class: 'description', text: s.run.description || '(no description)' }));
    var facts = [
      ['plan', s.run.plan + ' (' + s.run.planFile + ')'],
      ['seed', String(s.run.seed)],
      ['RocketMQ', s.run.rocketmqVersion],
      ['cluster', s.cluster.provider + ', started in ' + ms(s.cluster.startMs) + (s.cluster.namesrvAddr ? ', name server ' + s.cluster.namesrvAddr : '')],
      ['brokers', s.cluster.brokers.map(function (b) { return b.name + (b.brokerId ? ' (slave ' + b.brokerId + ')' : '') + ' ' + b.addr; }).join(', ') || '–'],
      ['run', new Date(s.run.startedAt).toLocaleString() + ' → ' + new Date(s.run.endedAt).toLocaleTimeString()],
    ];
    sec.appendChild(h('dl', { class: 'facts' }, facts.map(function (f) { return [h('dt', { text: f[0] }), h('dd', { text: f[1] })]; })));
    var phaseNames = Object.keys(s.phases);
    sec.appendChild(h('h3', { text: 'Phases' }));
    sec.appendChild(phaseBar());
    sec.appendChild(table(['phase', 'starts at', 'duration'], phaseNames.map(function (p) { return [p, secs(s.phases[p].startMs / 1000), ms(s.phases[p].durationMs)]; }), 'compact'));
    if (s.faults.length) {
      sec.appendChild(h('h3', { text: 'Faults' }));
      sec.appendChild(table(['fault', 'action', 'target', 'phase', 'requested', 'observed', 'detail'], s.faults.map(function (f) {
        var span = function (w) { return secs(w.beginMs === null ? null : w.beginMs / 1000) + ' → ' + (w.endMs === null ? '–' : secs(w.endMs / 1000)); };
        return [f.fault + ' #' + f.occurrence, f.action, f.target, f.phase, span(f.requested), span(f.observed), f.error ? h('span', { class: 'bad', text: 'FAILED: ' + f.error }) : f.observed.detail];
      })));
    }
    return sec;
  }

  function phaseBar() {
    var bar = h('div', { class: 'phase-bar' });
    data.phases.forEach(function (p, i) {
      var w = Math.max(0, (p.endS - p.startS) / data.endS * 100);
      if (w <= 0) return;
      bar.appendChild(h('div', { class: 'phase-seg phase-' + p.name, style: 'left:' + (p.startS / data.endS * 100) + '%;width:' + w + '%', title: p.name + ' ' + secs(p.startS) + ' → ' + secs(p.endS) }, w > 6 ? p.name : ''));
    });
    return bar;
  }

  // ---------- charts ----------

  function hasData(col) { return col.some(function (v) { return v !== null && v !== 0; }); }

  /** Fault bands, membership markers and phase boundaries over a chart's plot area, as DOM. */
  function overlayPlugin(withLabels) {
    return {
      hooks: {
        init: function (u) {
          var layer = h('div', { class: 'overlay' });
          u.over.appendChild(layer);
          u.overlayLayer = layer;
        },
        draw: function (u) { drawOverlay(u, withLabels); },
      },
    };
  }

  function drawOverlay(u, withLabels) {
    var layer = u.overlayLayer;
    layer.textContent = '';
    var width = u.over.clientWidth;
    var x = function (t) { return u.valToPos(t, 'x'); };
    data.phases.forEach(function (p) {
      var left = x(p.startS);
      if (p.startS <= 0 || left < 0 || left > width) return;
      layer.appendChild(h('div', { class: 'phase-line', style: 'left:' + left + 'px' }));
      if (withLabels) layer.appendChild(h('div', { class: 'phase-label', style: 'left:' + (left + 3) + 'px', text: p.name }));
    });
    data.faultBands.forEach(function (f) {
      var left = x(f.beginS), right = x(f.endS === null ? f.beginS : f.endS);
      if (right < 0 || left > width) return;
      left = Math.max(0, left); right = Math.min(width, right);
      layer.appendChild(h('div', {
        class: 'fault-band' + (f.failed ? ' failed' : '') + (f.endS === null ? ' instant' : ''),
        'data-action': f.action, 'data-target': f.target,
        style: 'left:' + left + 'px;width:' + Math.max(2, right - left) + 'px',
      }, withLabels ? h('span', { class: 'fault-label', text: f.label }) : null));
    });
    data.markers.forEach(function (m) {
      var left = x(m.atS);
      if (left < 0 || left > width) return;
      layer.appendChild(h('div', { class: 'marker', 'data-kind': m.kind, style: 'left:' + left + 'px;border-color:' + (MARKER_COLOURS[m.kind] || '#555') }));
    });
  }

  function chartWidth(container) { return Math.max(320, container.clientWidth); }

  function makeChart(container, opts) {
    var cols = [data.series.t].concat(opts.series.map(function (se) { return se.values; }));
    var u = new uPlot({
      width: chartWidth(container),
      height: opts.height || 220,
      padding: [12, opts.rightAxis ? 6 : GUTTER, 0, 0],
      cursor: { sync: { key: 'run' }, drag: { x: true, y: false } },
      legend: { live: true },
      scales: Object.assign({ x: { time: false, range: function () { return [0, data.endS]; } } }, opts.scales || {}),
      axes: [
        { values: function (u, splits) { return splits.map(secs); }, grid: { stroke: '#eceef1' }, ticks: { stroke: '#d5d9de' } },
        { scale: opts.yScale || 'y', size: GUTTER - LABEL, label: opts.yLabel, labelSize: LABEL, grid: { stroke: '#eceef1' }, ticks: { stroke: '#d5d9de' }, values: opts.yValues, splits: opts.ySplits },
      ].concat(opts.rightAxis ? [opts.rightAxis] : []),
      series: [{ label: 'time', value: function (u, v) { return v === null ? '–' : secs(v); } }].concat(opts.series.map(function (se) {
        return Object.assign({ width: 1.75, points: { show: false }, value: function (u, v) { return v === null ? '–' : (se.fmt || rate)(v); } }, se.opts);
      })),
      plugins: [overlayPlugin(!!opts.labels)],
    }, cols, container);
    u.root.setAttribute('data-chart', opts.id);
    charts.push({ u: u, container: container });
    return u;
  }

  function chartBlock(id, title, note) {
    var holder = h('div', { class: 'chart', id: 'chart-' + id });
    return { el: h('div', { class: 'chart-block' }, h('h3', { text: title }), note ? h('p', { class: 'note', text: note }) : null, holder), holder: holder };
  }

  function timelineKey() {
    var kinds = {};
    data.markers.forEach(function (m) { kinds[m.kind] = true; });
    return h('div', { class: 'key' },
      data.faultBands.length ? h('span', null, h('i', { class: 'key-band' }), 'fault window') : null,
      Object.keys(kinds).map(function (k) { return h('span', null, h('i', { class: 'key-marker', style: 'border-color:' + (MARKER_COLOURS[k] || '#555') }), k); }),
      h('span', null, h('i', { class: 'key-phase' }), 'phase boundary'),
      h('span', { class: 'muted', text: 'drag to zoom, double-click to reset' + (data.series.rowsPerPoint > 1 ? '; each point merges ' + data.series.rowsPerPoint + ' samples' : '') }));
  }

  function chartsSection() {
    var sec = section('timeline', 'Over time', 'Seconds since the run started. Shaded bands are fault windows (observed begin → end); vertical lines are membership changes.');
    sec.appendChild(timelineKey());
    var specs = [];
    var se = data.series;
    var line = function (label, values, colour, extra) { return { values: values, opts: Object.assign({ label: label, stroke: colour }, extra || {}) }; };

    specs.push({ id: 'throughput', title: 'Throughput', yLabel: 'messages / s', labels: true, series: [
      line('sent', se.sentPerS, '#9aa3ad', { dash: [4, 3] }),
      line('acked', se.ackedPerS, PALETTE[0]),
      line('received', se.receivedPerS, PALETTE[2]),
    ] });
    specs.push({ id: 'backlog', title: 'Backlog', yLabel: 'messages', note: 'Ledger: acked minus consumed. Broker: max offset minus committed offset; it trails by up to the offset-commit interval.', series: [
      line('ledger', se.backlogLedger, PALETTE[0], { fill: 'rgba(0,114,178,0.08)' }),
      line('broker', se.backlogBroker, PALETTE[1], { dash: [6, 3] }),
    ] });
    var latencyLog = se.e2eP99.some(function (v) { return v !== null && v > 0; });
    specs.push({ id: 'latency', title: 'Latency per interval', yLabel: 'ms' + (latencyLog ? ' (log)' : ''), yScale: 'ms',
      scales: { ms: latencyLog ? { distr: 3, log: 10 } : {} }, yValues: function (u, splits) { return splits.map(shortMs); },
      ySplits: latencyLog ? decades : undefined,
      series: [
        line('e2e p50', positive(se.e2eP50), PALETTE[2], { scale: 'ms' }),
        line('e2e p90', positive(se.e2eP90), PALETTE[1], { scale: 'ms' }),
        line('e2e p99', positive(se.e2eP99), PALETTE[3], { scale: 'ms' }),
        line('send p99', positive(se.sendP99), '#7f8a96', { scale: 'ms', dash: [3, 3] }),
      ].map(function (x) { x.fmt = ms; return x; }) });
    specs.push({ id: 'duplicates', title: 'Duplicates', yLabel: 'duplicates / s', empty: 'no duplicates in this run',
      rightAxis: { scale: 'total', side: 1, size: GUTTER - LABEL - 6, grid: { show: false }, label: 'total', labelSize: LABEL },
      series: [
        // A row counts the interval that ends at its time: the step reaches back to the previous row.
        { values: se.duplicatesPerS, opts: { label: 'per second', stroke: PALETTE[3], fill: 'rgba(213,94,0,0.25)', paths: uPlot.paths.stepped({ align: -1 }) } },
        line('total so far', se.duplicatesTotal, PALETTE[4], { scale: 'total' }),
      ] });
    var instances = Object.keys(se.perInstancePerS);
    if (instances.length) {
      specs.push({ id: 'per-instance', title: 'Receipts per consumer instance', yLabel: 'messages / s', series: instances.map(function (name, i) { return line(name, se.perInstancePerS[name], PALETTE[i % PALETTE.length]); }) });
    }
    var blocks = specs.map(function (spec) {
      var b = chartBlock(spec.id, spec.title, spec.note);
      sec.appendChild(b.el);
      return { spec: spec, holder: b.holder };
    });
    var lanesHolder = h('div', { class: 'lanes', id: 'assignments' });
    sec.appendChild(h('div', { class: 'chart-block' }, h('h3', { text: 'Queue assignment per consumer' }),
      h('p', { class: 'note', text: 'What each instance holds in its own view after each rebalance. Hatched: the process was frozen (pause) or gone (kill, crash, leave).' }), lanesHolder));
    return { el: sec, draw: function () {
      blocks.forEach(function (b) {
        var spec = b.spec;
        // An empty chart says less than a sentence (a smoke run has no duplicates to draw).
        if (!spec.series.some(function (x) { return hasData(x.values); })) b.holder.appendChild(h('p', { class: 'empty', text: spec.empty || 'no data in this run' }));
        else makeChart(b.holder, spec);
      });
      // uPlot lays its plot area out on the next frame; the lanes align with it, so they wait.
      requestAnimationFrame(function () {
        drawLanes(lanesHolder);
        document.body.setAttribute('data-rendered', 'true');
      });
    } };
  }

  /** Grid lines of a log axis at 1, 10, 100 ... only: uPlot's default adds every 2..9 in between. */
  function decades(u, axisIdx, min, max) {
    var out = [];
    for (var v = Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-3)))); v <= max * 1.0001; v *= 10) if (v >= min * 0.9999) out.push(v);
    return out;
  }

  /** Log scales cannot show 0 (a 0 ms interval is below the histograms' 1 ms floor anyway). */
  function positive(col) { return col.map(function (v) { return v === null || v <= 0 ? null : v; }); }

  // ---------- queue assignment lanes (SVG, aligned with the charts' plot area) ----------

  function plotArea(container) {
    var first = charts[0];
    if (first) {
      var r = first.u.over.getBoundingClientRect(), c = first.container.getBoundingClientRect();
      if (r.width > 0) return { left: r.left - c.left, width: r.width };
    }
    return { left: GUTTER, width: Math.max(200, container.clientWidth - 2 * GUTTER) };
  }

  function drawLanes(holder) {
    holder.textContent = '';
    if (!data.lanes.length) { holder.appendChild(h('p', { class: 'empty', text: 'no consumer reported an assignment' })); return; }
    var area = plotArea(holder);
    var laneH = 40, barH = 18, top = 6, axisH = 22;
    var width = Math.max(320, holder.clientWidth);
    var height = top + data.lanes.length * laneH + axisH;
    var x = function (t) { return area.left + (Math.max(0, Math.min(data.endS, t)) / data.endS) * area.width; };
    var maxQueues = Math.max.apply(null, [1].concat(data.lanes.map(function (l) { return Math.max.apply(null, [0].concat(l.segments.map(function (sg) { return sg.queues.length; }))); })));
    var root = svg('svg', { width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, class: 'lanes-svg', role: 'img', 'aria-label': 'queue assignment per consumer instance' },
      svg('defs', null, svg('pattern', { id: 'hatch', width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
        svg('rect', { width: 6, height: 6, fill: 'rgba(255,255,255,0.55)' }), svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#b4225a', 'stroke-width': 2 }))));
    data.faultBands.forEach(function (f) {
      var l = x(f.beginS), r = x(f.endS === null ? f.beginS : f.endS);
      root.appendChild(svg('rect', { class: 'lane-fault', 'data-action': f.action, x: l, y: 0, width: Math.max(2, r - l), height: height - axisH }, svg('title', { text: f.label + ' ' + secs(f.beginS) + ' → ' + secs(f.endS) })));
    });
    data.lanes.forEach(function (lane, i) {
      var y = top + i * laneH;
      var g = svg('g', { class: 'lane', 'data-lane': lane.instance });
      g.appendChild(svg('text', { x: area.left, y: y + 11, class: 'lane-name', text: lane.instance + (lane.group ? '  (' + lane.group + ')' : '') }));
      g.appendChild(svg('rect', { x: area.left, y: y + 15, width: area.width, height: barH, class: 'lane-bg' }));
      lane.segments.forEach(function (sg) {
        var l = x(sg.fromS), w = Math.max(1.5, x(sg.toS) - l);
        var shade = 0.35 + 0.65 * (sg.queues.length / maxQueues);
        g.appendChild(svg('rect', { x: l, y: y + 15, width: w, height: barH, rx: 2, class: 'lane-seg', fill: 'rgba(0,114,178,' + shade.toFixed(2) + ')' },
          svg('title', { text: lane.instance + ' holds ' + sg.queues.length + ' queue(s) ' + secs(sg.fromS) + ' → ' + secs(sg.toS) + ':\n' + sg.queues.join('\n') })));
        var label = sg.queues.length + 'q · ' + sg.label;
        if (w > label.length * 6.2 + 8) g.appendChild(svg('text', { x: l + 4, y: y + 28, class: 'lane-label', text: label }));
        else if (w > 22) g.appendChild(svg('text', { x: l + 4, y: y + 28, class: 'lane-label', text: sg.queues.length + 'q' }));
      });
      lane.outages.forEach(function (o) {
        var l = x(o.fromS), w = Math.max(2, x(o.toS) - l);
        g.appendChild(svg('rect', { x: l, y: y + 13, width: w, height: barH + 4, class: 'lane-outage', fill: 'url(#hatch)', 'data-kind': o.kind },
          svg('title', { text: lane.instance + ' ' + (o.kind === 'pause' ? 'frozen' : o.kind) + ' ' + secs(o.fromS) + ' → ' + secs(o.toS) })));
      });
      root.appendChild(g);
    });
    data.markers.forEach(function (m) {
      root.appendChild(svg('line', { x1: x(m.atS), x2: x(m.atS), y1: 0, y2: height - axisH, class: 'lane-marker', stroke: MARKER_COLOURS[m.kind] || '#555' }, svg('title', { text: m.kind + ' ' + m.instance + ' at ' + secs(m.atS) })));
    });
    var step = niceStep(data.endS, area.width);
    for (var t = 0; t <= data.endS + 1e-9; t += step) {
      root.appendChild(svg('line', { x1: x(t), x2: x(t), y1: height - axisH, y2: height - axisH + 4, stroke: '#9aa3ad' }));
      root.appendChild(svg('text', { x: x(t), y: height - 4, class: 'axis-label', 'text-anchor': 'middle', text: secs(t) }));
    }
    holder.appendChild(root);
  }

  function niceStep(span, px) {
    var raw = span / Math.max(1, px / 80);
    var steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
    for (var i = 0; i < steps.length; i++) if (steps[i] >= raw) return steps[i];
    return steps[steps.length - 1];
  }

  // ---------- tables ----------

  function rebalanceSection() {
    var sec = section('rebalance', 'Rebalances', 'Assignment latency: the event → the live instances hold a disjoint cover of the queues again. Resume latency: → every queue with backlog since the event has delivered again.');
    var r = data.rebalance;
    if (!r.events.length) { sec.appendChild(h('p', { class: 'empty', text: 'no membership events' })); return sec; }
    sec.appendChild(table(['at', 'group', 'event', 'instance', 'assignment latency', 'resume latency', 'queues still waiting'], r.events.map(function (e) {
      return [secs(e.atS), e.group, e.kind, e.instance, e.assignmentLatencyMs === null ? 'not reached' : ms(e.assignmentLatencyMs), e.resumeLatencyMs === null ? 'not reached' : ms(e.resumeLatencyMs), e.waitingQueues.length ? e.waitingQueues.join(', ') : '–'];
    })));
    sec.appendChild(table(['latency', 'count', 'p50', 'p90', 'p99', 'max'], [
      ['assignment', num(r.assignmentLatency.count), ms(r.assignmentLatency.p50), ms(r.assignmentLatency.p90), ms(r.assignmentLatency.p99), ms(r.assignmentLatency.max)],
      ['resume', num(r.resumeLatency.count), ms(r.resumeLatency.p50), ms(r.resumeLatency.p90), ms(r.resumeLatency.p99), ms(r.resumeLatency.max)],
    ], 'compact'));
    return sec;
  }

  function latencySection() {
    var sec = section('latency', 'Latency', 'End-to-end: born timestamp → receipt. Send: due time → ack (coordinated-omission corrected).');
    var row = function (name, l) { return [name, num(l.count), ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), ms(l.max), ms(l.mean)]; };
    sec.appendChild(table(['', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'], [row('end-to-end', s.latency.e2e), row('send', s.latency.send)], 'numeric'));
    return sec;
  }

  function deliverySection() {
    var sec = section('delivery', 'Delivery: loss and duplicates');
    var p = s.producers;
    var errors = Object.keys(p.sendErrors).map(function (k) { return k + ': ' + num(p.sendErrors[k]); }).join(', ');
    sec.appendChild(h('p', null, 'Producers attempted ' + num(p.attempted) + ', the broker acked ' + num(p.acked) + ' (' + num(p.ackedPerSecond) + '/s over load, chaos and heal)' +
      (errors ? '; send errors ' + errors : '; no send errors') + (p.dropped ? '; dropped ' + num(p.dropped) : '') + '.'));
    sec.appendChild(table(['scope', 'meant to get', 'receipts', 'unique', 'duplicates', 'duplicate rate', 'lost', 'unexpected', 'receipts per instance', 'lost (sample)'], s.groups.map(function (g) {
      return [g.scope, num(g.acked), num(g.receipts), num(g.unique), num(g.duplicates), pct(g.duplicateRate),
        h('span', { class: g.lost > 0 ? 'bad' : '', text: num(g.lost) }), num(g.unexpected),
        Object.keys(g.perInstance).map(function (i) { return i + ' ' + num(g.perInstance[i]); }).join(', ') || '–',
        g.lostSample && g.lostSample.length ? g.lostSample.slice(0, 10).join(', ') : '–'];
    })));
    var causes = Object.keys(s.duplicateCauses).sort(function (a, b) { return s.duplicateCauses[b] - s.duplicateCauses[a]; });
    sec.appendChild(h('h3', { text: 'Duplicates by cause' }));
    if (!causes.length) sec.appendChild(h('p', { class: 'empty', text: 'no duplicates' }));
    else sec.appendChild(table(['cause', 'duplicates', 'share'], causes.map(function (c) {
      return [c, num(s.duplicateCauses[c]), pct(s.totals.duplicates ? s.duplicateCauses[c] / s.totals.duplicates : 0)];
    }), 'compact'));
    if (s.crashes.length) {
      sec.appendChild(h('h3', { text: 'Crashes' }));
      sec.appendChild(h('ul', null, s.crashes.map(function (c) { return h('li', { text: c.description + (c.failsRun ? '' : ' (allowed by onCrash: continue)') }); })));
    }
    if (s.backlog.brokerErrors.length) {
      sec.appendChild(h('h3', { text: 'Broker backlog errors' }));
      sec.appendChild(h('ul', null, s.backlog.brokerErrors.map(function (e) { return h('li', { text: e }); })));
    }
    return sec;
  }

  function diagnosesSection() {
    var sec = section('diagnoses', 'Diagnoses', 'From the brokers\' view of each consumer group (snapshots.ndjson) and the ledger; a condition must hold across snapshots to count.');
    if (!data.diagnoses.length) { sec.appendChild(h('p', { class: 'empty', text: 'none' })); return sec; }
    data.diagnoses.forEach(function (d) {
      sec.appendChild(h('article', { class: 'diagnosis sev-' + d.severity, 'data-id': d.id },
        h('div', { class: 'diagnosis-head' }, badge(d.severity, 'sev-' + d.severity), h('code', { class: 'diagnosis-id', text: d.id }), h('span', { class: 'muted', text: 'group ' + d.group }),
          d.expected ? badge('expected by the plan', 'expected') : badge('not expected', 'unexpected'),
          h('span', { class: 'muted seen', text: 'seen ' + secs(d.firstSeenS) + ' → ' + secs(d.lastSeenS) })),
        h('p', { class: 'diagnosis-summary', text: d.summary }),
        h('details', { open: 'open' }, h('summary', { text: 'evidence' }), h('pre', { class: 'evidence', text: JSON.stringify(d.evidence, null, 2) })),
        h('p', { class: 'remedy' }, h('strong', { text: 'Remedy: ' }), d.remedy)));
    });
    return sec;
  }

  function checksSection() {
    var sec = section('checks', 'Checks');
    sec.appendChild(h('h3', { text: 'Thresholds' }));
    if (!s.checks.length) sec.appendChild(h('p', { class: 'empty', text: 'the plan sets none' }));
    else sec.appendChild(table(['', 'threshold', 'instance', 'condition', 'observed'], s.checks.map(function (c) {
      return [tick(c.ok), h('code', { text: c.key }), c.instance || '–', c.threshold, c.aggregation + ' = ' + (c.observed === null ? 'no data' : num(c.observed))];
    })));
    sec.appendChild(h('h3', { text: 'Invariants' }));
    sec.appendChild(table(['', 'invariant', 'expected', 'held', 'detail'], s.invariants.map(function (i) { return [tick(i.ok), h('code', { text: i.id }), i.expected, i.held ? 'yes' : 'no', i.detail]; })));
    sec.appendChild(h('h3', { text: 'Expected diagnoses' }));
    if (!s.expectedDiagnoses.length) sec.appendChild(h('p', { class: 'empty', text: 'the plan expects none' }));
    else sec.appendChild(table(['', 'diagnosis', 'group', 'fired'], s.expectedDiagnoses.map(function (e) { return [tick(e.fired), h('code', { text: e.id }), e.group || 'any', e.fired ? 'yes' : 'no']; })));
    if (s.abortedBy) sec.appendChild(h('p', { class: 'bad', text: 'Aborted at ' + ms(s.abortedBy.atMs) + ' by threshold ' + s.abortedBy.key + ' ' + s.abortedBy.threshold + ' (observed ' + (s.abortedBy.observed === null ? 'no data' : s.abortedBy.observed) + ')' }));
    return sec;
  }

  // ---------- page ----------

  var timeline = chartsSection();
  app.appendChild(banner());
  app.appendChild(tiles());
  app.appendChild(h('nav', { class: 'toc' }, [['timeline', 'over time'], ['rebalance', 'rebalances'], ['latency', 'latency'], ['delivery', 'loss and duplicates'], ['diagnoses', 'diagnoses'], ['checks', 'checks'], ['plan', 'plan and cluster']].map(function (l) { return h('a', { href: '#' + l[0], text: l[1] }); })));
  app.appendChild(timeline.el);
  app.appendChild(diagnosesSection());
  app.appendChild(rebalanceSection());
  app.appendChild(latencySection());
  app.appendChild(deliverySection());
  app.appendChild(checksSection());
  app.appendChild(planSection());
  app.appendChild(h('footer', { class: 'muted', text: 'rmq-chaos · summary.json, events.ndjson, timeseries.ndjson and snapshots.ndjson are in this folder' }));
  // Charts measure their container, so they are drawn once the page is laid out.
  timeline.draw();

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      charts.forEach(function (c) { c.u.setSize({ width: chartWidth(c.container), height: c.u.height }); });
      drawLanes(document.getElementById('assignments'));
    }, 150);
  });
})();
