// The run page's uPlot charts, with fault bands, membership markers and phase boundaries drawn
// over each plot area as DOM (so they can be inspected and tested), and the queue-assignment lanes below.
(function (R) {
  'use strict';

  var data = R.data,
    h = R.h,
    section = R.section,
    secs = R.secs,
    ms = R.ms,
    rate = R.rate,
    shortMs = R.shortMs,
    PALETTE = R.PALETTE,
    MARKER_COLOURS = R.MARKER_COLOURS,
    GUTTER = R.GUTTER,
    LABEL = R.LABEL,
    charts = R.charts;

  // ---------- charts ----------

  function hasData(col) {
    return col.some(function (v) {
      return v !== null && v !== 0;
    });
  }

  /** Fault bands, membership markers and phase boundaries over a chart's plot area, as DOM. */
  function overlayPlugin(withLabels) {
    return {
      hooks: {
        init: function (u) {
          var layer = h('div', { class: 'overlay' });
          u.over.appendChild(layer);
          u.overlayLayer = layer;
        },
        draw: function (u) {
          drawOverlay(u, withLabels);
        },
      },
    };
  }

  function drawOverlay(u, withLabels) {
    var layer = u.overlayLayer;
    layer.textContent = '';
    var width = u.over.clientWidth;
    var x = function (t) {
      return u.valToPos(t, 'x');
    };
    data.phases.forEach(function (p) {
      var left = x(p.startS);
      if (p.startS <= 0 || left < 0 || left > width) return;
      layer.appendChild(h('div', { class: 'phase-line', style: 'left:' + left + 'px' }));
      if (withLabels)
        layer.appendChild(h('div', { class: 'phase-label', style: 'left:' + (left + 3) + 'px', text: p.name }));
    });
    data.faultBands.forEach(function (f) {
      var left = x(f.beginS),
        right = x(f.endS === null ? f.beginS : f.endS);
      if (right < 0 || left > width) return;
      left = Math.max(0, left);
      right = Math.min(width, right);
      layer.appendChild(
        h(
          'div',
          {
            class: 'fault-band' + (f.failed ? ' failed' : '') + (f.endS === null ? ' instant' : ''),
            'data-action': f.action,
            'data-target': f.target,
            style: 'left:' + left + 'px;width:' + Math.max(2, right - left) + 'px',
          },
          withLabels ? h('span', { class: 'fault-label', text: f.label }) : null,
        ),
      );
    });
    data.markers.forEach(function (m) {
      var left = x(m.atS);
      if (left < 0 || left > width) return;
      layer.appendChild(
        h('div', {
          class: 'marker',
          'data-kind': m.kind,
          style: 'left:' + left + 'px;border-color:' + (MARKER_COLOURS[m.kind] || '#555'),
        }),
      );
    });
  }

  function chartWidth(container) {
    return Math.max(320, container.clientWidth);
  }

  function makeChart(container, opts) {
    var cols = [data.series.t].concat(
      opts.series.map(function (se) {
        return se.values;
      }),
    );
    var u = new uPlot(
      {
        width: chartWidth(container),
        height: opts.height || 220,
        padding: [12, opts.rightAxis ? 6 : GUTTER, 0, 0],
        cursor: { sync: { key: 'run' }, drag: { x: true, y: false } },
        legend: { live: true },
        scales: Object.assign(
          {
            x: {
              time: false,
              range: function () {
                return [0, data.endS];
              },
            },
          },
          opts.scales || {},
        ),
        axes: [
          {
            values: function (_u, splits) {
              return splits.map(secs);
            },
            grid: { stroke: '#eceef1' },
            ticks: { stroke: '#d5d9de' },
          },
          {
            scale: opts.yScale || 'y',
            size: GUTTER - LABEL,
            label: opts.yLabel,
            labelSize: LABEL,
            grid: { stroke: '#eceef1' },
            ticks: { stroke: '#d5d9de' },
            values: opts.yValues,
            splits: opts.ySplits,
          },
        ].concat(opts.rightAxis ? [opts.rightAxis] : []),
        series: [
          {
            label: 'time',
            value: function (_u, v) {
              return v === null ? '–' : secs(v);
            },
          },
        ].concat(
          opts.series.map(function (se) {
            return Object.assign(
              {
                width: 1.75,
                points: { show: false },
                value: function (_u, v) {
                  return v === null ? '–' : (se.fmt || rate)(v);
                },
              },
              se.opts,
            );
          }),
        ),
        plugins: [overlayPlugin(!!opts.labels)],
      },
      cols,
      container,
    );
    u.root.setAttribute('data-chart', opts.id);
    charts.push({ u: u, container: container });
    return u;
  }

  function chartBlock(id, title, note) {
    var holder = h('div', { class: 'chart', id: 'chart-' + id });
    return {
      el: h(
        'div',
        { class: 'chart-block' },
        h('h3', { text: title }),
        note ? h('p', { class: 'note', text: note }) : null,
        holder,
      ),
      holder: holder,
    };
  }

  function timelineKey() {
    var kinds = {};
    data.markers.forEach(function (m) {
      kinds[m.kind] = true;
    });
    return h(
      'div',
      { class: 'key' },
      data.faultBands.length ? h('span', null, h('i', { class: 'key-band' }), 'fault window') : null,
      Object.keys(kinds).map(function (k) {
        return h(
          'span',
          null,
          h('i', { class: 'key-marker', style: 'border-color:' + (MARKER_COLOURS[k] || '#555') }),
          k,
        );
      }),
      h('span', null, h('i', { class: 'key-phase' }), 'phase boundary'),
      h('span', {
        class: 'muted',
        text:
          'drag to zoom, double-click to reset' +
          (data.series.rowsPerPoint > 1 ? '; each point merges ' + data.series.rowsPerPoint + ' samples' : ''),
      }),
    );
  }

  function chartsSection() {
    var sec = section(
      'timeline',
      'Over time',
      'Seconds since the run started. Shaded bands are fault windows (observed begin → end); vertical lines ' +
        'are membership changes.',
    );
    sec.appendChild(timelineKey());
    var specs = [];
    var se = data.series;
    var line = function (label, values, colour, extra) {
      return { values: values, opts: Object.assign({ label: label, stroke: colour }, extra || {}) };
    };

    specs.push({
      id: 'throughput',
      title: 'Throughput',
      yLabel: 'messages / s',
      labels: true,
      series: [
        line('sent', se.sentPerS, '#9aa3ad', { dash: [4, 3] }),
        line('acked', se.ackedPerS, PALETTE[0]),
        line('received', se.receivedPerS, PALETTE[2]),
      ],
    });
    specs.push({
      id: 'backlog',
      title: 'Backlog',
      yLabel: 'messages',
      note:
        'Ledger: acked minus consumed. Broker: max offset minus committed offset; it trails by up to the ' +
        'offset-commit interval.',
      series: [
        line('ledger', se.backlogLedger, PALETTE[0], { fill: 'rgba(0,114,178,0.08)' }),
        line('broker', se.backlogBroker, PALETTE[1], { dash: [6, 3] }),
      ],
    });
    // One group's backlog is the chart above; with several, which one falls behind.
    var groups = Object.keys(se.backlogPerGroup || {});
    if (groups.length > 1)
      specs.push({
        id: 'backlog-groups',
        title: 'Backlog per group',
        yLabel: 'messages',
        note: 'Ledger: acked minus consumed, per consumer group (per instance in a broadcasting group).',
        series: groups.map(function (name, i) {
          return line(name, se.backlogPerGroup[name], PALETTE[i % PALETTE.length]);
        }),
      });
    var queues = Object.keys(se.backlogPerQueue || {});
    if (queues.length)
      specs.push({
        id: 'backlog-queues',
        title: 'Broker backlog per queue',
        yLabel: 'messages',
        note:
          'Max offset minus committed offset, per group and queue (topic@broker/queue); queues that never lagged ' +
          'are left out' +
          (se.laggingQueues > queues.length
            ? '; the ' + queues.length + ' of ' + se.laggingQueues + ' lagging queues with the highest peak are drawn'
            : '') +
          '.',
        series: queues.map(function (name, i) {
          return line(name, se.backlogPerQueue[name], PALETTE[i % PALETTE.length], { spanGaps: true });
        }),
      });
    var latencyLog = se.e2eP99.some(function (v) {
      return v !== null && v > 0;
    });
    specs.push({
      id: 'latency',
      title: 'Latency per interval',
      yLabel: 'ms' + (latencyLog ? ' (log)' : ''),
      yScale: 'ms',
      scales: { ms: latencyLog ? { distr: 3, log: 10 } : {} },
      yValues: function (_u, splits) {
        return splits.map(shortMs);
      },
      ySplits: latencyLog ? decades : undefined,
      series: [
        line('e2e p50', positive(se.e2eP50), PALETTE[2], { scale: 'ms' }),
        line('e2e p90', positive(se.e2eP90), PALETTE[1], { scale: 'ms' }),
        line('e2e p99', positive(se.e2eP99), PALETTE[3], { scale: 'ms' }),
        line('send p99', positive(se.sendP99), '#7f8a96', { scale: 'ms', dash: [3, 3] }),
      ].map(function (x) {
        x.fmt = ms;
        return x;
      }),
    });
    specs.push({
      id: 'duplicates',
      title: 'Duplicates',
      yLabel: 'duplicates / s',
      empty: 'no duplicates in this run',
      rightAxis: {
        scale: 'total',
        side: 1,
        size: GUTTER - LABEL - 6,
        grid: { show: false },
        label: 'total',
        labelSize: LABEL,
      },
      series: [
        // A row counts the interval that ends at its time: the step reaches back to the previous row.
        {
          values: se.duplicatesPerS,
          opts: {
            label: 'per second',
            stroke: PALETTE[3],
            fill: 'rgba(213,94,0,0.25)',
            paths: uPlot.paths.stepped({ align: -1 }),
          },
        },
        line('total so far', se.duplicatesTotal, PALETTE[4], { scale: 'total' }),
      ],
    });
    var instances = Object.keys(se.perInstancePerS);
    if (instances.length) {
      specs.push({
        id: 'per-instance',
        title: 'Receipts per consumer instance',
        yLabel: 'messages / s',
        series: instances.map(function (name, i) {
          return line(name, se.perInstancePerS[name], PALETTE[i % PALETTE.length]);
        }),
      });
    }
    var blocks = specs.map(function (spec) {
      var b = chartBlock(spec.id, spec.title, spec.note);
      sec.appendChild(b.el);
      return { spec: spec, holder: b.holder };
    });
    var rolesHolder = h('div', { class: 'lanes', id: 'roles' });
    if (data.roleLanes.length)
      sec.appendChild(
        h(
          'div',
          { class: 'chart-block' },
          h('h3', { text: 'Master per broker name' }),
          h('p', {
            class: 'note',
            text:
              'Who the name servers listed as master (brokerId 0), polled every 500 ms; hatched: no master listed. ' +
              'A change of colour is a switch.',
          }),
          rolesHolder,
        ),
      );
    var lanesHolder = h('div', { class: 'lanes', id: 'assignments' });
    sec.appendChild(
      h(
        'div',
        { class: 'chart-block' },
        h('h3', { text: 'Queue assignment per consumer' }),
        h('p', {
          class: 'note',
          text:
            'What each instance holds in its own view after each rebalance. Hatched: the process was frozen ' +
            '(pause) or gone (kill, crash, leave).',
        }),
        lanesHolder,
      ),
    );
    return {
      el: sec,
      draw: function () {
        blocks.forEach(function (b) {
          var spec = b.spec;
          // An empty chart says less than a sentence (a smoke run has no duplicates to draw).
          if (
            !spec.series.some(function (x) {
              return hasData(x.values);
            })
          )
            b.holder.appendChild(h('p', { class: 'empty', text: spec.empty || 'no data in this run' }));
          else makeChart(b.holder, spec);
        });
        // uPlot lays its plot area out on the next frame; the lanes align with it, so they wait.
        requestAnimationFrame(function () {
          R.drawLanes(lanesHolder);
          R.drawRoles(rolesHolder);
          document.body.setAttribute('data-rendered', 'true');
        });
      },
    };
  }

  /** Grid lines of a log axis at 1, 10, 100 ... only: uPlot's default adds every 2..9 in between. */
  function decades(_u, _axisIdx, min, max) {
    var out = [];
    for (var v = Math.pow(10, Math.floor(Math.log10(Math.max(min, 1e-3)))); v <= max * 1.0001; v *= 10)
      if (v >= min * 0.9999) out.push(v);
    return out;
  }

  /** Log scales cannot show 0 (a 0 ms interval is below the histograms' 1 ms floor anyway). */
  function positive(col) {
    return col.map(function (v) {
      return v === null || v <= 0 ? null : v;
    });
  }

  R.chartsSection = chartsSection;
  R.overlayPlugin = overlayPlugin;
  R.chartWidth = chartWidth;
})(window.RunReport);
