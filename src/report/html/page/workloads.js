// The workloads' sections: the rate search (rate vs latency chart and the curve's table) and
// the backlog build and drain, delayed messages' lateness. Only for runs whose plan had them.
(function (R) {
  'use strict';

  var s = R.data.summary,
    h = R.h,
    section = R.section,
    table = R.table,
    ms = R.ms,
    rate = R.rate,
    charts = R.charts,
    chartWidth = R.chartWidth,
    PALETTE = R.PALETTE;

  function rateSearchSection() {
    var r = s.rateSearch;
    if (!r) return null;
    var found = r.maxRatePerSecond === null ? 'none' : rate(r.maxRatePerSecond) + '/s';
    var sec = section(
      'rate-search',
      'Rate search: max ' + found,
      'rate: max on fleet ' +
        r.fleet +
        ': a step is sustainable when its send p99 is at most ' +
        r.spec.p99Ms +
        ' ms, at least 90% of the offered rate is acked and the backlog does not grow. ' +
        r.note.charAt(0).toUpperCase() +
        r.note.slice(1) +
        '.',
    );
    // Steps sorted by rate, so the lines read as latency against rate (the table keeps run order).
    var sorted = r.steps.slice().sort(function (a, b) {
      return a.offeredPerSecond - b.offeredPerSecond;
    });
    var holder = h('div', { class: 'chart', id: 'chart-rate-search' });
    sec.appendChild(holder);
    sec.appendChild(
      table(
        ['step', 'stage', 'rate offered', 'rate achieved', 'send p99', 'e2e p99', 'backlog slope', 'sustainable'],
        r.steps.map(function (x) {
          return [
            String(x.index + 1),
            x.stage,
            rate(x.offeredPerSecond) + '/s',
            rate(x.achievedPerSecond) + '/s',
            x.sendP99Ms === null ? '–' : ms(x.sendP99Ms),
            x.e2eP99Ms === null ? '–' : ms(x.e2eP99Ms),
            (x.backlogSlopePerSecond >= 0 ? '+' : '') + x.backlogSlopePerSecond + '/s',
            x.sustainable ? 'yes' : 'no: ' + x.reason,
          ];
        }),
        'rate-search-table',
      ),
    );
    return {
      el: sec,
      draw: function () {
        if (!sorted.length || typeof uPlot === 'undefined') return;
        var u = new uPlot(
          {
            width: chartWidth(holder),
            height: 240,
            scales: { x: { time: false } },
            axes: [
              {
                label: 'rate offered (/s)',
                values: function (_u, v) {
                  return v.map(rate);
                },
              },
              { label: 'p99 (ms)' },
            ],
            series: [
              {
                label: 'rate',
                value: function (_u, v) {
                  return v === null ? '–' : rate(v) + '/s';
                },
              },
              { label: 'send p99', stroke: PALETTE[0], width: 1.75, points: { show: true, size: 6 } },
              { label: 'e2e p99', stroke: PALETTE[1], width: 1.75, points: { show: true, size: 6 } },
              { label: 'bound', stroke: '#c0392b', width: 1, dash: [4, 4], points: { show: false } },
            ],
          },
          [
            sorted.map(function (x) {
              return x.offeredPerSecond;
            }),
            sorted.map(function (x) {
              return x.sendP99Ms;
            }),
            sorted.map(function (x) {
              return x.e2eP99Ms;
            }),
            sorted.map(function () {
              return r.spec.p99Ms;
            }),
          ],
          holder,
        );
        u.root.setAttribute('data-chart', 'rate-search');
        charts.push({ u: u, container: holder });
      },
    };
  }

  function backlogSection() {
    var d = s.backlogDrain;
    if (!d) return null;
    var sec = section(
      'backlog-drain',
      'Backlog build and drain',
      'Consumers held until every group had ' +
        d.target +
        ' messages waiting; then the producers stopped and the consumers were released. Drain time: release → ' +
        'backlog 0.',
    );
    sec.appendChild(
      table(
        ['built', 'build time', 'backlog at release', 'drained', 'drain time', 'drain rate'],
        [
          [
            d.built ? 'yes' : 'no (load phase ended)',
            d.buildMs === null ? '–' : ms(d.buildMs),
            String(d.backlogAtRelease),
            String(d.drainedMessages),
            d.drainMs === null ? 'never' : ms(d.drainMs),
            d.drainRatePerSecond === null ? '–' : rate(d.drainRatePerSecond) + '/s',
          ],
        ],
        'backlog-drain-table',
      ),
    );
    return sec;
  }

  function signed(v) {
    // Lateness may be missing (no delivery) or negative (before its time).
    return v === null || v === undefined ? '–' : (v >= 0 ? '+' : '') + ms(v);
  }

  // [seconds, max, p50, min] with a null row for each second no delayed message was due in (sends
  // failed while the broker was down), so the lines break there instead of bridging the gap.
  function secondsWithGaps(points) {
    var cols = [[], [], [], []];
    var first = points[0].t,
      last = points[points.length - 1].t,
      i = 0;
    for (var at = first; at <= last; at += 1000) {
      var p = points[i] && points[i].t === at ? points[i++] : null;
      cols[0].push(at / 1000);
      cols[1].push(p ? p.max : null);
      cols[2].push(p ? p.p50 : null);
      cols[3].push(p ? p.min : null);
    }
    return cols;
  }

  // Delayed messages: lateness (first receipt − requested delivery time) per requested delivery
  // second, so a broker restart shows as the messages due while it was down arriving late.
  function timersSection() {
    var t = s.timers;
    if (!t) return null;
    var sec = section(
      'timers',
      'Delayed messages: lateness',
      'Lateness = first receipt − requested delivery time (send time + delay); negative is before its time. ' +
        "A timer may come up to the broker's timerPrecisionMs early by design (counted as before due); " +
        'earlier than that, or any delay level before its time, is early.',
    );
    var holder = h('div', { class: 'chart', id: 'chart-timers' });
    sec.appendChild(holder);
    sec.appendChild(
      table(
        ['kind', 'acked', 'delivered', 'p50', 'p99', 'max', 'min', 'before due (allowed)', 'early'],
        t.kinds.map(function (k) {
          return [
            k.label,
            String(k.acked),
            String(k.delivered),
            signed(k.lateness.p50),
            signed(k.lateness.p99),
            signed(k.lateness.max),
            signed(k.lateness.min),
            String(k.beforeDue),
            String(k.early),
          ];
        }),
        'timers-table',
      ),
    );
    if (t.faultWindows.length)
      sec.appendChild(
        table(
          ['pending across', 'at', 'pending', 'delivered', 'p50', 'p99', 'max', 'early'],
          t.faultWindows.map(function (f) {
            return [
              f.label,
              ms(f.fromMs),
              String(f.pending),
              String(f.delivered),
              signed(f.lateness.p50),
              signed(f.lateness.p99),
              signed(f.lateness.max),
              String(f.early),
            ];
          }),
          'timers-faults-table',
        ),
      );
    return {
      el: sec,
      draw: function () {
        if (!t.overTime.length || typeof uPlot === 'undefined') return;
        var u = new uPlot(
          {
            width: chartWidth(holder),
            height: 240,
            scales: { x: { time: false } },
            // The run's fault bands and phase lines, on the same seconds since the start.
            plugins: [R.overlayPlugin(true)],
            axes: [{ label: 'requested delivery (s since start)' }, { label: 'lateness (ms)' }],
            series: [
              { label: 't' },
              { label: 'max', stroke: PALETTE[1], width: 1.75 },
              { label: 'p50', stroke: PALETTE[0], width: 1.75 },
              { label: 'min', stroke: PALETTE[2], width: 1 },
            ],
          },
          secondsWithGaps(t.overTime),
          holder,
        );
        u.root.setAttribute('data-chart', 'timers');
        charts.push({ u: u, container: holder });
      },
    };
  }

  // Per group with deadLetter: what %DLQ%<group> held, and the retry timeline per attempt.
  function deadLetterSection() {
    var list = s.deadLetters;
    if (!list || !list.length) return null;
    var sec = section(
      'dead-letters',
      'Dead letters',
      'Poison messages fail on every delivery; after maxReconsumeTimes redeliveries the broker moves them to ' +
        '%DLQ%<group>, which the run reads back after the drain. A redelivery after reconsumeTimes k should come ' +
        'delay level 3 + k later (the broker messageDelayLevel); late = observed gap − that delay.',
    );
    list.forEach(function (d) {
      var g = s.groups.filter(function (x) {
        return x.scope === d.group;
      })[0];
      var t = g && g.deadLetters;
      var read = d.readBack;
      sec.appendChild(
        table(
          ['group', 'DLQ', 'poison expected', 'read back', 'missing (lost)', 'not poison', 'other runs'],
          [
            [
              d.group,
              read ? read.topic : 'not read back',
              t ? String(t.expected) : '–',
              t ? String(t.deadLettered) : '–',
              t ? String(t.missing) + (t.missing ? ' (' + t.missingSample.join(', ') + ')' : '') : '–',
              t ? String(t.unexpected) + (t.unexpected ? ' (' + t.unexpectedSample.join(', ') + ')' : '') : '–',
              read ? String(read.foreign) : '–',
            ],
          ],
          'dead-letter-table',
        ),
      );
      sec.appendChild(
        table(
          ['redelivery', 'delay level', 'expected', 'messages', 'observed p50', 'observed p99', 'late p50', 'late p99'],
          d.timeline.attempts.map(function (a) {
            return [
              String(a.attempt),
              String(a.delayLevel),
              ms(a.expectedMs),
              String(a.count),
              ms(a.observedP50Ms),
              ms(a.observedP99Ms),
              signed(a.lateP50Ms),
              signed(a.lateP99Ms),
            ];
          }),
          'retry-timeline-table',
        ),
      );
    });
    return sec;
  }

  // Transactional producers: how their halves ended, and the broker's check-backs.
  function transactionSection() {
    var t = s.transactions;
    if (!t) return null;
    var c = t.checkBacks;
    var sec = section(
      'transactions',
      'Transactions',
      'Halves the broker stored, by how their transaction ends (a pure function of seed, producer and seq): ' +
        'committed ones must be delivered, rolled-back ones never. Check-back latency: half sent → check-back ' +
        'received.',
    );
    var pct = function (v) {
      return v === null ? '–' : ms(v);
    };
    sec.appendChild(
      table(
        ['committed', 'rolled back', 'rolled back received', 'check-backs', 'halves checked', 'by another instance'],
        [
          [
            String(t.committed),
            String(t.rolledBack),
            String(t.rolledBackDelivered),
            String(c.count) + ' (commit ' + c.answers.commit + ', rollback ' + c.answers.rollback + ')',
            String(c.halves),
            String(c.byOtherInstance),
          ],
        ],
        'transactions-table',
      ),
    );
    sec.appendChild(
      table(
        ['check-back latency', 'p50', 'p90', 'p99', 'max'],
        [['half → check-back', pct(c.latency.p50), pct(c.latency.p90), pct(c.latency.p99), pct(c.latency.max)]],
        'check-back-latency-table',
      ),
    );
    return sec;
  }

  R.transactionSection = transactionSection;
  R.rateSearchSection = rateSearchSection;
  R.backlogSection = backlogSection;
  R.deadLetterSection = deadLetterSection;
  R.timersSection = timersSection;
})(window.RunReport);
