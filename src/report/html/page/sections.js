// The run page's sections below the charts: rebalances, latency, loss and duplicates,
// diagnoses, checks, and the plan.
(function (R) {
  'use strict';

  var data = R.data,
    s = R.data.summary,
    h = R.h,
    section = R.section,
    table = R.table,
    num = R.num,
    dateTime = R.dateTime,
    timeOfDay = R.timeOfDay,
    ms = R.ms,
    secs = R.secs,
    pct = R.pct,
    tick = R.tick,
    badge = R.badge,
    svg = R.svg;

  function planSection() {
    var sec = section('plan', 'Plan and cluster');
    sec.appendChild(h('p', { class: 'description', text: s.run.description || '(no description)' }));
    var facts = [
      ['plan', s.run.plan + ' (' + s.run.planFile + ')'],
      ['seed', String(s.run.seed)],
      ['RocketMQ', s.run.rocketmqVersion],
      [
        'cluster',
        s.cluster.provider +
          ', started in ' +
          ms(s.cluster.startMs) +
          (s.cluster.namesrvAddr ? ', name server ' + s.cluster.namesrvAddr : '') +
          (s.cluster.images
            ? ', images ' +
              Object.keys(s.cluster.images)
                .map(function (k) {
                  return s.cluster.images[k];
                })
                .join(', ')
            : ''),
      ],
      [
        'brokers',
        s.cluster.brokers
          .map(function (b) {
            return b.name + (b.brokerId ? ' (slave ' + b.brokerId + ')' : '') + ' ' + b.addr;
          })
          .join(', ') || '–',
      ],
      ['run', dateTime(s.run.startedAt) + ' → ' + timeOfDay(s.run.endedAt)],
    ];
    sec.appendChild(
      h(
        'dl',
        { class: 'facts' },
        facts.map(function (f) {
          return [h('dt', { text: f[0] }), h('dd', { text: f[1] })];
        }),
      ),
    );
    var phaseNames = Object.keys(s.phases);
    sec.appendChild(h('h3', { text: 'Phases' }));
    sec.appendChild(phaseBar());
    sec.appendChild(
      table(
        ['phase', 'starts at', 'duration'],
        phaseNames.map(function (p) {
          return [p, secs(s.phases[p].startMs / 1000), ms(s.phases[p].durationMs)];
        }),
        'compact',
      ),
    );
    if (s.faults.length) {
      sec.appendChild(h('h3', { text: 'Faults' }));
      sec.appendChild(
        table(
          ['fault', 'action', 'target', 'phase', 'requested', 'observed', 'detail'],
          s.faults.map(function (f) {
            var span = function (w) {
              return (
                secs(w.beginMs === null ? null : w.beginMs / 1000) +
                ' → ' +
                (w.endMs === null ? '–' : secs(w.endMs / 1000))
              );
            };
            return [
              f.fault + ' #' + f.occurrence,
              f.action,
              f.target,
              f.phase,
              span(f.requested),
              span(f.observed),
              f.error ? h('span', { class: 'bad', text: 'FAILED: ' + f.error }) : f.observed.detail,
            ];
          }),
        ),
      );
    }
    return sec;
  }

  function phaseBar() {
    var bar = h('div', { class: 'phase-bar' });
    data.phases.forEach(function (p) {
      var w = Math.max(0, ((p.endS - p.startS) / data.endS) * 100);
      if (w <= 0) return;
      bar.appendChild(
        h(
          'div',
          {
            class: 'phase-seg phase-' + p.name,
            style: 'left:' + (p.startS / data.endS) * 100 + '%;width:' + w + '%',
            title: p.name + ' ' + secs(p.startS) + ' → ' + secs(p.endS),
          },
          w > 6 ? p.name : '',
        ),
      );
    });
    return bar;
  }

  // ---------- tables ----------

  /** Per fault that hit a broker: the switch it caused and how long each side took to work again. */
  function failoverSection() {
    var f = data.summary.failover;
    if (!f) return null;
    var sec = section(
      'failover',
      'Failover',
      'Per fault on a broker. Elect: until the name servers listed a master again. Send RTO: until the first ' +
        'acked send after the last failed one (resolution about 250 ms). Consume RTO: until the group received a ' +
        'message sent after the fault. "never": not before the run ended.',
    );
    if (!f.faults.length) {
      sec.appendChild(h('p', { class: 'empty', text: 'no fault hit a broker' }));
      return sec;
    }
    var never = function (v) {
      return v === null ? 'never' : ms(v);
    };
    sec.appendChild(
      table(
        ['at', 'fault', 'node hit', 'master before → after', 'elect', 'send RTO', 'failed sends', 'consume RTO'],
        f.faults.map(function (x) {
          var failed = Object.keys(x.failedSends).map(function (code) {
            return code + ' ' + num(x.failedSends[code]);
          });
          var consume = Object.keys(x.consumeRtoMs).map(function (group) {
            return group + ' ' + never(x.consumeRtoMs[group]);
          });
          return [
            secs(x.beganAtMs / 1000),
            x.fault + ' (' + x.target + ')',
            x.node,
            x.newMaster && x.newMaster === x.masterBefore && x.electMs === 0
              ? x.masterBefore + ' kept'
              : (x.masterBefore || 'none') + ' → ' + (x.newMaster || 'none'),
            never(x.electMs),
            never(x.sendRtoMs),
            failed.length ? failed.join(', ') : '–',
            consume.length ? consume.join(', ') : '–',
          ];
        }),
        'failover-table',
      ),
    );
    return sec;
  }

  function rebalanceSection() {
    var sec = section(
      'rebalance',
      'Rebalances',
      'Assignment latency: the event → the live instances hold a disjoint cover of the queues again. Resume ' +
        'latency: → every queue with backlog since the event has delivered again.',
    );
    var r = data.rebalance;
    if (!r.events.length) {
      sec.appendChild(h('p', { class: 'empty', text: 'no membership events' }));
      return sec;
    }
    sec.appendChild(
      table(
        ['at', 'group', 'event', 'instance', 'assignment latency', 'resume latency', 'queues still waiting'],
        r.events.map(function (e) {
          return [
            secs(e.atS),
            e.group,
            e.kind,
            e.instance,
            e.assignmentLatencyMs === null ? 'not reached' : ms(e.assignmentLatencyMs),
            e.resumeLatencyMs === null ? 'not reached' : ms(e.resumeLatencyMs),
            e.waitingQueues.length ? e.waitingQueues.join(', ') : '–',
          ];
        }),
      ),
    );
    sec.appendChild(
      table(
        ['latency', 'count', 'p50', 'p90', 'p99', 'max'],
        [
          [
            'assignment',
            num(r.assignmentLatency.count),
            ms(r.assignmentLatency.p50),
            ms(r.assignmentLatency.p90),
            ms(r.assignmentLatency.p99),
            ms(r.assignmentLatency.max),
          ],
          [
            'resume',
            num(r.resumeLatency.count),
            ms(r.resumeLatency.p50),
            ms(r.resumeLatency.p90),
            ms(r.resumeLatency.p99),
            ms(r.resumeLatency.max),
          ],
        ],
        'compact',
      ),
    );
    return sec;
  }

  function latencySection() {
    var sec = section(
      'latency',
      'Latency',
      'End-to-end: born timestamp → receipt. Send: due time → ack (coordinated-omission corrected).',
    );
    var row = function (name, l) {
      return [name, num(l.count), ms(l.p50), ms(l.p90), ms(l.p99), ms(l.p999), ms(l.max), ms(l.mean)];
    };
    sec.appendChild(
      table(
        ['', 'count', 'p50', 'p90', 'p99', 'p99.9', 'max', 'mean'],
        [row('end-to-end', s.latency.e2e), row('send', s.latency.send)],
        'numeric',
      ),
    );
    if (s.agents) {
      sec.appendChild(
        h(
          'p',
          { class: 'note' },
          "Fleets ran on agents: every time a worker stamped was put on the coordinator's clock by its host's " +
            'measured offset; end-to-end figures are within ± ' +
            s.agents.e2eClockErrorMs.toFixed(1) +
            ' ms of the truth.',
        ),
      );
      sec.appendChild(
        table(
          ['agent', 'address', 'instances', 'clock offset', '± bound', 'lost'],
          s.agents.hosts.map(function (a) {
            return [
              a.name,
              a.address,
              a.instances.join(', '),
              a.clock.offsetMs.toFixed(1) + ' ms',
              a.clock.errorMs.toFixed(1) + ' ms',
              a.lost ? a.lost.why + ' (' + a.lost.instances.join(', ') + ')' : '—',
            ];
          }),
          'agents-table',
        ),
      );
    }
    return sec;
  }

  function deliverySection() {
    var sec = section('delivery', 'Delivery: loss and duplicates');
    var p = s.producers;
    var errors = Object.keys(p.sendErrors)
      .map(function (k) {
        return k + ': ' + num(p.sendErrors[k]);
      })
      .join(', ');
    sec.appendChild(
      h(
        'p',
        null,
        'Producers attempted ' +
          num(p.attempted) +
          ', the broker acked ' +
          num(p.acked) +
          ' (' +
          num(p.ackedPerSecond) +
          '/s over load, chaos and heal)' +
          (errors ? '; send errors ' + errors : '; no send errors') +
          (p.dropped ? '; dropped ' + num(p.dropped) : '') +
          '.',
      ),
    );
    sec.appendChild(
      table(
        [
          'scope',
          'meant to get',
          'receipts',
          'unique',
          'duplicates',
          'duplicate rate',
          'lost',
          'explained',
          'unexpected',
          'receipts per instance',
          'lost (sample)',
        ],
        s.groups.map(function (g) {
          return [
            g.scope,
            num(g.acked),
            num(g.receipts),
            num(g.unique),
            num(g.duplicates),
            pct(g.duplicateRate),
            h('span', { class: g.lost > 0 ? 'bad' : '', text: num(g.lost) }),
            g.lost > 0
              ? h('span', {
                  class: g.lostExplained < g.lost ? 'bad' : '',
                  text: num(g.lostExplained) + ' of ' + num(g.lost),
                })
              : '–',
            num(g.unexpected),
            Object.keys(g.perInstance)
              .map(function (i) {
                return i + ' ' + num(g.perInstance[i]);
              })
              .join(', ') || '–',
            g.lostSample && g.lostSample.length ? g.lostSample.slice(0, 10).join(', ') : '–',
          ];
        }),
      ),
    );
    s.groups.forEach(function (g) {
      if (g.lost > 0 || g.duplicates > 0) sec.appendChild(breakdownBlock(g));
    });
    // Only groups an ordered producer feeds were checked; the others have nothing to show.
    var ordered = s.groups.filter(function (g) {
      return g.ordering && g.ordering.checked;
    });
    if (ordered.length) {
      sec.appendChild(h('h3', { text: "Ordering: ordered producers' keys in send order" }));
      sec.appendChild(orderingTable(ordered));
    }
    var causes = Object.keys(s.duplicateCauses).sort(function (a, b) {
      return s.duplicateCauses[b] - s.duplicateCauses[a];
    });
    sec.appendChild(h('h3', { text: 'Duplicates by cause' }));
    if (!causes.length) sec.appendChild(h('p', { class: 'empty', text: 'no duplicates' }));
    else
      sec.appendChild(
        table(
          ['cause', 'duplicates', 'share'],
          causes.map(function (c) {
            return [
              c,
              num(s.duplicateCauses[c]),
              pct(s.totals.duplicates ? s.duplicateCauses[c] / s.totals.duplicates : 0),
            ];
          }),
          'compact',
        ),
      );
    if (s.crashes.length) {
      sec.appendChild(h('h3', { text: 'Crashes' }));
      sec.appendChild(
        h(
          'ul',
          null,
          s.crashes.map(function (c) {
            return h('li', { text: c.description + (c.failsRun ? '' : ' (allowed by onCrash: continue)') });
          }),
        ),
      );
    }
    if (s.backlog.brokerErrors.length) {
      sec.appendChild(h('h3', { text: 'Broker backlog errors' }));
      sec.appendChild(
        h(
          'ul',
          null,
          s.backlog.brokerErrors.map(function (e) {
            return h('li', { text: e });
          }),
        ),
      );
    }
    return sec;
  }

  /** Per checked scope: first deliveries out of order (keys, worst gap), replays after a higher seq, by window. */
  function orderingTable(groups) {
    return table(
      ['scope', 'reordered', 'worst gap', 'keys', 'redelivered out of order', 'by window'],
      groups.map(function (g) {
        var o = g.ordering;
        var more = o.keysAffected > o.keys.length ? ' and ' + num(o.keysAffected - o.keys.length) + ' more' : '';
        return [
          g.scope,
          h('span', { class: o.reordered > 0 ? 'bad' : '', text: num(o.reordered) }),
          o.reordered > 0 ? num(o.worstGap) : '–',
          o.keys.length ? o.keys.join(', ') + more : '–',
          num(o.redeliveredOutOfOrder),
          o.byWindow
            .map(function (w) {
              return (
                w.window + ': ' + num(w.reordered) + ' reordered, ' + num(w.redeliveredOutOfOrder) + ' redelivered'
              );
            })
            .join('; ') || '–',
        ];
      }),
      'compact ordering-table',
    );
  }

  // ---------- loss and duplicates, broken down ----------

  var DIMENSIONS = [
    ['byQueue', 'queue'],
    ['byTopic', 'topic'],
    ['byTag', 'tag'],
    ['byInstance', 'instance'],
    ['byWindow', 'window'],
  ];

  /** One scope's breakdown: a table per dimension behind a switch, then the per-queue heat strip. */
  function breakdownBlock(g) {
    var block = h('div', { class: 'breakdown', 'data-scope': g.scope });
    block.appendChild(h('h3', { text: 'Where ' + g.scope + ' lost and duplicated messages' }));
    block.appendChild(
      h('p', {
        class: 'muted',
        text:
          'A lost message counts in the queue it was written to, the instance that held that queue when it was ' +
          'sent, "(nobody)" when no member did, and the fault window it was sent in, else its phase. A duplicate ' +
          'counts where it was received and under the cause it was attributed to. `rmq-chaos explain <run> ' +
          '<id>` tells one message’s life.',
      }),
    );
    var holder = h('div');
    var buttons = DIMENSIONS.map(function (d) {
      var b = h('button', { type: 'button', class: 'dim', 'data-dimension': d[1], text: 'by ' + d[1] });
      b.addEventListener('click', function () {
        show(d);
      });
      return b;
    });
    function show(d) {
      buttons.forEach(function (b) {
        b.classList.toggle('active', b.getAttribute('data-dimension') === d[1]);
      });
      holder.textContent = '';
      holder.appendChild(
        table(
          [d[1], 'lost', 'duplicates', 'lost ids', 'duplicated ids'],
          g.breakdown[d[0]].map(function (c) {
            return [
              c.key,
              h('span', { class: c.lost > 0 ? 'bad' : '', text: num(c.lost) }),
              num(c.duplicates),
              idList(c.lostIds, c.lost),
              idList(c.duplicateIds, c.duplicates),
            ];
          }),
          'compact breakdown-table',
        ),
      );
    }
    block.appendChild(h('div', { class: 'dims' }, buttons));
    block.appendChild(holder);
    show(DIMENSIONS[0]);
    block.appendChild(heatStrip(g.breakdown.heat));
    return block;
  }

  // The heat strip's geometry: queue labels, then one cell per column; a row is two half-rows.
  var LABEL_W = 190,
    CELL_W = 12,
    ROW_H = 16;

  /** One half-row cell of the heat strip: darker for more, `empty` when none; `where` and the count as its title. */
  function heatCell(x, y, count, max, rgb, empty, cls, where, what) {
    return svg(
      'rect',
      {
        x: x,
        y: y,
        width: CELL_W - 1,
        height: ROW_H / 2 - 1,
        class: cls,
        'data-count': count,
        fill: count ? 'rgba(' + rgb + ',' + (0.2 + (0.8 * count) / max).toFixed(2) + ')' : empty,
      },
      svg('title', { text: where + num(count) + ' ' + what }),
    );
  }

  function idList(ids, count) {
    if (!ids.length) return '–';
    return h('code', { class: 'ids', text: ids.join(' ') + (count > ids.length ? ' …' : '') });
  }

  /**
   * One row per queue, one column per bucket of the run clock: lost messages (by when they were
   * sent) in the upper half of each row in red, duplicates (by when they arrived) in the lower
   * half in orange, darker for more. A picture of where and when, to read before the tables.
   */
  function heatStrip(heat) {
    var wrap = h('figure', { class: 'heat' });
    if (!heat.queues.length) return wrap;
    var width = LABEL_W + heat.columns * CELL_W + 4;
    var height = heat.queues.length * ROW_H + 22;
    var maxLost = 1,
      maxDup = 1;
    heat.queues.forEach(function (q) {
      q.lost.forEach(function (n) {
        maxLost = Math.max(maxLost, n);
      });
      q.duplicates.forEach(function (n) {
        maxDup = Math.max(maxDup, n);
      });
    });
    var el = svg('svg', { width: width, height: height, role: 'img', 'aria-label': 'loss and duplicates per queue' });
    heat.queues.forEach(function (q, row) {
      var y = row * ROW_H;
      el.appendChild(
        svg('text', { x: LABEL_W - 6, y: y + 12, 'text-anchor': 'end', class: 'heat-label', text: q.queue }),
      );
      for (var col = 0; col < heat.columns; col++) {
        var x = LABEL_W + col * CELL_W;
        var from = (col * heat.bucketMs) / 1000,
          to = ((col + 1) * heat.bucketMs) / 1000;
        var when = q.queue + ', ' + secs(from) + '–' + secs(to) + ': ';
        el.appendChild(heatCell(x, y + 1, q.lost[col], maxLost, '213,94,0', '#f2f2f2', 'heat-lost', when, 'lost'));
        el.appendChild(
          heatCell(x, y + ROW_H / 2, q.duplicates[col], maxDup, '230,159,0', '#f7f7f7', 'heat-dup', when, 'duplicates'),
        );
      }
    });
    // A time tick every ten columns, on the run clock.
    for (var tickCol = 0; tickCol <= heat.columns; tickCol += 10) {
      el.appendChild(
        svg('text', {
          x: LABEL_W + tickCol * CELL_W,
          y: height - 6,
          class: 'heat-label',
          text: secs((tickCol * heat.bucketMs) / 1000),
        }),
      );
    }
    wrap.appendChild(el);
    wrap.appendChild(
      h('figcaption', {
        class: 'muted',
        text:
          'Per queue over the run clock (' +
          heat.bucketMs / 1000 +
          ' s a column): the upper half of a row is messages lost (by when they were sent), the lower half ' +
          'duplicates (by when they arrived); darker is more. Hover a cell for its count.',
      }),
    );
    return wrap;
  }

  /** A finding's queues with the broker's lag and the ledger's loss side by side (when it lists queues). */
  function queueLossTable(d) {
    var queues = d.evidence && d.evidence.queues;
    if (!d.explains || !Array.isArray(queues) || !queues.length) return null;
    return table(
      ['queue', 'lag (broker)', 'lost (ledger)', 'why'],
      queues.map(function (q) {
        var lost = d.explains.byQueue[q.queue] || 0;
        return [q.queue, q.lag === undefined ? '–' : num(q.lag), num(lost), q.reason || '–'];
      }),
      'compact queue-loss',
    );
  }

  function diagnosesSection() {
    var sec = section(
      'diagnoses',
      'Diagnoses',
      "From the brokers' view of each consumer group (snapshots.ndjson) and the ledger; a condition must " +
        'hold across snapshots to count.',
    );
    if (!data.diagnoses.length) {
      sec.appendChild(h('p', { class: 'empty', text: 'none' }));
      return sec;
    }
    data.diagnoses.forEach(function (d) {
      sec.appendChild(
        h(
          'article',
          { class: 'diagnosis sev-' + d.severity, 'data-id': d.id },
          h(
            'div',
            { class: 'diagnosis-head' },
            badge(d.severity, 'sev-' + d.severity),
            h('code', { class: 'diagnosis-id', text: d.id }),
            h('span', { class: 'muted', text: 'group ' + d.group }),
            d.expected ? badge('expected by the plan', 'expected') : badge('not expected', 'unexpected'),
            h('span', { class: 'muted seen', text: 'seen ' + secs(d.firstSeenS) + ' → ' + secs(d.lastSeenS) }),
          ),
          h('p', { class: 'diagnosis-summary', text: d.summary }),
          d.explains
            ? h('p', {
                class: 'explains' + (d.explains.lost < d.explains.of ? ' partial' : ''),
                text: 'explained: ' + num(d.explains.lost) + ' of ' + num(d.explains.of) + ' lost',
              })
            : null,
          queueLossTable(d),
          h(
            'details',
            { open: 'open' },
            h('summary', { text: 'evidence' }),
            h('pre', { class: 'evidence', text: JSON.stringify(d.evidence, null, 2) }),
          ),
          h('p', { class: 'remedy' }, h('strong', { text: 'Remedy: ' }), d.remedy),
        ),
      );
    });
    return sec;
  }

  function checksSection() {
    // `run --live` while the run goes: thresholds over what is measured so far; invariants and
    // expected diagnoses only mean something once it drained.
    if (data.live && data.live.state === 'running') return liveChecksSection();
    var sec = section('checks', 'Checks');
    sec.appendChild(h('h3', { text: 'Thresholds' }));
    thresholdsTable(sec);
    sec.appendChild(h('h3', { text: 'Invariants' }));
    sec.appendChild(
      table(
        ['', 'invariant', 'expected', 'held', 'detail'],
        s.invariants.map(function (i) {
          return [tick(i.ok), h('code', { text: i.id }), i.expected, i.held ? 'yes' : 'no', i.detail];
        }),
      ),
    );
    sec.appendChild(h('h3', { text: 'Expected diagnoses' }));
    if (!s.expectedDiagnoses.length) sec.appendChild(h('p', { class: 'empty', text: 'the plan expects none' }));
    else
      sec.appendChild(
        table(
          ['', 'diagnosis', 'group', 'fired'],
          s.expectedDiagnoses.map(function (e) {
            return [tick(e.fired), h('code', { text: e.id }), e.group || 'any', e.fired ? 'yes' : 'no'];
          }),
        ),
      );
    if (s.abortedBy)
      sec.appendChild(
        h('p', {
          class: 'bad',
          text:
            'Aborted at ' +
            ms(s.abortedBy.atMs) +
            ' by threshold ' +
            s.abortedBy.key +
            ' ' +
            s.abortedBy.threshold +
            ' (observed ' +
            data.abortObserved +
            ')',
        }),
      );
    return sec;
  }

  function thresholdsTable(sec) {
    if (!s.checks.length) sec.appendChild(h('p', { class: 'empty', text: 'the plan sets none' }));
    else
      sec.appendChild(
        table(
          ['', 'threshold', 'instance', 'condition', 'observed'],
          s.checks.map(function (c, i) {
            return [tick(c.ok), h('code', { text: c.key }), c.instance || '–', c.threshold, data.checkObserved[i]];
          }),
        ),
      );
  }

  function liveChecksSection() {
    var sec = section(
      'checks',
      'Checks',
      'The run goes on: thresholds over what is measured so far; invariants (no loss, nothing unexpected) and ' +
        'expected diagnoses are judged when it ends.',
    );
    sec.appendChild(h('h3', { text: 'Thresholds so far' }));
    thresholdsTable(sec);
    return sec;
  }

  R.planSection = planSection;
  R.rebalanceSection = rebalanceSection;
  R.failoverSection = failoverSection;
  R.latencySection = latencySection;
  R.deliverySection = deliverySection;
  R.diagnosesSection = diagnosesSection;
  R.checksSection = checksSection;
})(window.RunReport);
