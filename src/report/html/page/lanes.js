// Queue assignment per consumer instance: one SVG lane each, on the charts' x axis.
(function (R) {
  'use strict';

  var data = R.data,
    h = R.h,
    svg = R.svg,
    secs = R.secs,
    MARKER_COLOURS = R.MARKER_COLOURS,
    GUTTER = R.GUTTER,
    charts = R.charts;

  // ---------- what the lane drawings share: the time scale, fault bands, axis, hatching ----------

  // Seconds on the run clock → x within the charts' plot area.
  function timeScale(area) {
    return function (t) {
      return area.left + (Math.max(0, Math.min(data.endS, t)) / data.endS) * area.width;
    };
  }

  // Each fault window as a band behind the lanes, `bottom` px tall.
  function drawFaultBands(root, x, bottom) {
    data.faultBands.forEach(function (f) {
      var l = x(f.beginS),
        r = x(f.endS === null ? f.beginS : f.endS);
      root.appendChild(
        svg(
          'rect',
          { class: 'lane-fault', 'data-action': f.action, x: l, y: 0, width: Math.max(2, r - l), height: bottom },
          svg('title', { text: f.label + ' ' + secs(f.beginS) + ' → ' + secs(f.endS) }),
        ),
      );
    });
  }

  function drawTimeAxis(root, x, area, height, axisH) {
    var step = niceStep(data.endS, area.width);
    for (var t = 0; t <= data.endS + 1e-9; t += step) {
      root.appendChild(
        svg('line', { x1: x(t), x2: x(t), y1: height - axisH, y2: height - axisH + 4, stroke: '#9aa3ad' }),
      );
      root.appendChild(
        svg('text', { x: x(t), y: height - 4, class: 'axis-label', 'text-anchor': 'middle', text: secs(t) }),
      );
    }
  }

  // An SVG image of `width` × `height` with the given patterns defined.
  function laneSvg(width, height, cls, label, patterns) {
    return svg(
      'svg',
      {
        width: width,
        height: height,
        viewBox: '0 0 ' + width + ' ' + height,
        class: cls,
        role: 'img',
        'aria-label': label,
      },
      svg('defs', null, patterns),
    );
  }

  // Diagonal red stripes on `fill`: outages (frozen, stopped) and "no master".
  function hatchPattern(id, fill) {
    return svg(
      'pattern',
      { id: id, width: 6, height: 6, patternUnits: 'userSpaceOnUse', patternTransform: 'rotate(45)' },
      svg('rect', { width: 6, height: 6, fill: fill }),
      svg('line', { x1: 0, y1: 0, x2: 0, y2: 6, stroke: '#b4225a', 'stroke-width': 2 }),
    );
  }

  // ---------- queue assignment lanes (SVG, aligned with the charts' plot area) ----------

  function plotArea(container) {
    var first = charts[0];
    if (first) {
      var r = first.u.over.getBoundingClientRect(),
        c = first.container.getBoundingClientRect();
      if (r.width > 0) return { left: r.left - c.left, width: r.width };
    }
    return { left: GUTTER, width: Math.max(200, container.clientWidth - 2 * GUTTER) };
  }

  function drawLanes(holder) {
    holder.textContent = '';
    if (!data.lanes.length) {
      holder.appendChild(h('p', { class: 'empty', text: 'no consumer reported an assignment' }));
      return;
    }
    var area = plotArea(holder);
    var laneH = 40,
      barH = 18,
      top = 6,
      axisH = 22;
    var width = Math.max(320, holder.clientWidth);
    var height = top + data.lanes.length * laneH + axisH;
    var x = timeScale(area);
    var maxQueues = Math.max.apply(
      null,
      [1].concat(
        data.lanes.map(function (l) {
          return Math.max.apply(
            null,
            [0].concat(
              l.segments.map(function (sg) {
                return sg.queues.length;
              }),
            ),
          );
        }),
      ),
    );
    var root = laneSvg(width, height, 'lanes-svg', 'queue assignment per consumer instance', [
      hatchPattern('hatch', 'rgba(255,255,255,0.55)'),
    ]);
    drawFaultBands(root, x, height - axisH);
    data.lanes.forEach(function (lane, i) {
      var y = top + i * laneH;
      var g = svg('g', { class: 'lane', 'data-lane': lane.instance });
      g.appendChild(
        svg('text', {
          x: area.left,
          y: y + 11,
          class: 'lane-name',
          text: lane.instance + (lane.group ? '  (' + lane.group + ')' : ''),
        }),
      );
      g.appendChild(svg('rect', { x: area.left, y: y + 15, width: area.width, height: barH, class: 'lane-bg' }));
      lane.segments.forEach(function (sg) {
        var l = x(sg.fromS),
          w = Math.max(1.5, x(sg.toS) - l);
        var shade = 0.35 + 0.65 * (sg.queues.length / maxQueues);
        g.appendChild(
          svg(
            'rect',
            {
              x: l,
              y: y + 15,
              width: w,
              height: barH,
              rx: 2,
              class: 'lane-seg',
              fill: 'rgba(0,114,178,' + shade.toFixed(2) + ')',
            },
            svg('title', {
              text:
                lane.instance +
                ' holds ' +
                sg.queues.length +
                ' queue(s) ' +
                secs(sg.fromS) +
                ' → ' +
                secs(sg.toS) +
                ':\n' +
                sg.queues.join('\n'),
            }),
          ),
        );
        var label = sg.queues.length + 'q · ' + sg.label;
        if (w > label.length * 6.2 + 8)
          g.appendChild(svg('text', { x: l + 4, y: y + 28, class: 'lane-label', text: label }));
        else if (w > 22)
          g.appendChild(svg('text', { x: l + 4, y: y + 28, class: 'lane-label', text: sg.queues.length + 'q' }));
      });
      lane.outages.forEach(function (o) {
        var l = x(o.fromS),
          w = Math.max(2, x(o.toS) - l);
        g.appendChild(
          svg(
            'rect',
            {
              x: l,
              y: y + 13,
              width: w,
              height: barH + 4,
              class: 'lane-outage',
              fill: 'url(#hatch)',
              'data-kind': o.kind,
            },
            svg('title', {
              text:
                lane.instance +
                ' ' +
                (o.kind === 'pause' ? 'frozen' : o.kind) +
                ' ' +
                secs(o.fromS) +
                ' → ' +
                secs(o.toS),
            }),
          ),
        );
      });
      root.appendChild(g);
    });
    data.markers.forEach(function (m) {
      root.appendChild(
        svg(
          'line',
          {
            x1: x(m.atS),
            x2: x(m.atS),
            y1: 0,
            y2: height - axisH,
            class: 'lane-marker',
            stroke: MARKER_COLOURS[m.kind] || '#555',
          },
          svg('title', { text: m.kind + ' ' + m.instance + ' at ' + secs(m.atS) }),
        ),
      );
    });
    drawTimeAxis(root, x, area, height, axisH);
    holder.appendChild(root);
  }

  function niceStep(span, px) {
    var raw = span / Math.max(1, px / 80);
    var steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];
    for (var i = 0; i < steps.length; i++) if (steps[i] >= raw) return steps[i];
    return steps[steps.length - 1];
  }

  // ---------- master per broker name (SVG, same x axis), under the same fault bands ----------

  var MASTER_COLOURS = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00'];

  function drawRoles(holder) {
    holder.textContent = '';
    if (!data.roleLanes.length) return;
    var area = plotArea(holder);
    var laneH = 34,
      barH = 18,
      top = 6,
      axisH = 22;
    var width = Math.max(320, holder.clientWidth);
    var height = top + data.roleLanes.length * laneH + axisH;
    var x = timeScale(area);
    // One colour per node, in order of first appearance, so a switch shows as a change of colour.
    var nodes = [];
    data.roleLanes.forEach(function (lane) {
      lane.segments.forEach(function (sg) {
        if (sg.master !== null && nodes.indexOf(sg.master) < 0) nodes.push(sg.master);
      });
    });
    var root = laneSvg(width, height, 'roles-svg', 'master of each broker name over time', [
      hatchPattern('hatch-none', '#fff'),
    ]);
    drawFaultBands(root, x, height - axisH);
    data.roleLanes.forEach(function (lane, i) {
      var y = top + i * laneH;
      var g = svg('g', { class: 'role-lane', 'data-broker': lane.brokerName });
      g.appendChild(svg('text', { x: area.left, y: y + 9, class: 'lane-name', text: lane.brokerName }));
      lane.segments.forEach(function (sg) {
        var l = x(sg.fromS),
          w = Math.max(1.5, x(sg.toS) - l);
        var none = sg.master === null;
        g.appendChild(
          svg(
            'rect',
            {
              x: l,
              y: y + 12,
              width: w,
              height: barH,
              rx: 2,
              class: none ? 'role-seg role-none' : 'role-seg',
              'data-master': none ? '' : sg.master,
              fill: none ? 'url(#hatch-none)' : MASTER_COLOURS[nodes.indexOf(sg.master) % MASTER_COLOURS.length],
            },
            svg('title', {
              text:
                lane.brokerName +
                ': ' +
                (none ? 'no master listed' : 'master ' + sg.master) +
                ' ' +
                secs(sg.fromS) +
                ' → ' +
                secs(sg.toS),
            }),
          ),
        );
        var label = none ? 'no master' : sg.master;
        if (w > label.length * 6.2 + 8)
          g.appendChild(
            svg('text', { x: l + 4, y: y + 25, class: none ? 'lane-label' : 'lane-label role-label', text: label }),
          );
      });
      root.appendChild(g);
    });
    drawTimeAxis(root, x, area, height, axisH);
    holder.appendChild(root);
  }

  R.drawLanes = drawLanes;
  R.drawRoles = drawRoles;
})(window.RunReport);
