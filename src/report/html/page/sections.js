// The run page's sections other than the charts: verdict, headline numbers, baseline comparison, tables, diagnoses,
// plan.
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
    badge = R.badge;

  // ---------- verdict banner and headline numbers ----------

  function banner() {
    var pass = s.verdict === 'pass';
    var bySeverity = {};
    data.diagnoses.forEach(function (d) {
      bySeverity[d.severity] = (bySeverity[d.severity] || 0) + 1;
    });
    var chips = Object.keys(bySeverity)
      .sort()
      .map(function (sev) {
        return badge(bySeverity[sev] + ' ' + sev, 'sev-' + sev);
      });
    return h(
      'header',
      { id: 'verdict', class: 'banner ' + (pass ? 'pass' : 'fail') },
      h(
        'div',
        { class: 'banner-top' },
        h('div', { class: 'verdict-word', text: pass ? 'PASS' : 'FAIL' }),
        h(
          'div',
          { class: 'banner-title' },
          h('h1', { text: s.run.plan }),
          h('div', {
            class: 'muted',
            text: s.run.id + ' · started ' + dateTime(s.run.startedAt) + ' · ' + secs(s.run.wallMs / 1000) + ' wall',
          }),
        ),
        h(
          'div',
          { class: 'chips' },
          h('span', { class: 'muted', text: 'diagnoses ' }),
          chips.length ? chips : badge('none', 'sev-none'),
        ),
      ),
      s.failures.length
        ? h(
            'ul',
            { class: 'failures' },
            s.failures.map(function (f) {
              return h('li', { text: f });
            }),
          )
        : h('p', { class: 'all-good', text: 'Every check, invariant and expected diagnosis is as the plan says.' }),
      comparisonLine(),
    );
  }

  // One line under the failures: did the run regress against its baseline? Links to the table.
  function comparisonLine() {
    var c = data.comparison;
    if (!c) return null;
    var regression = c.verdict === 'regression';
    return h(
      'p',
      { id: 'banner-comparison', class: 'banner-comparison ' + (regression ? 'bad' : 'ok-text') },
      regression
        ? 'Regression against baseline ' +
            c.baseline.runId +
            ': ' +
            c.regressed.join(', ') +
            ' (' +
            c.regressed.length +
            ' of ' +
            c.rows.length +
            ' metrics beyond tolerance). '
        : 'No regression against baseline ' + c.baseline.runId + ': no metric regressed beyond its tolerance. ',
      h('a', { href: '#comparison', text: 'Compared with the baseline ↓' }),
    );
  }

  function tiles() {
    var t = s.totals;
    var items = [
      [
        'acked / s',
        num(s.producers.ackedPerSecond),
        num(s.producers.acked) + ' acked of ' + num(s.producers.attempted),
      ],
      ['e2e p99', ms(s.latency.e2e.p99), 'p50 ' + ms(s.latency.e2e.p50)],
      ['lost', num(t.lost), t.drained ? 'drained' : 'NOT drained', t.lost > 0 ? 'bad' : ''],
      ['duplicates', num(t.duplicates), pct(t.duplicateRate) + ' of unique', t.duplicates > 0 ? 'warn' : ''],
      [
        'backlog at end',
        num(s.backlog.finalLedger),
        'broker ' + (s.backlog.finalBroker === null ? 'not sampled' : num(s.backlog.finalBroker)),
        s.backlog.finalLedger > 0 ? 'warn' : '',
      ],
      [
        'diagnoses',
        num(data.diagnoses.length),
        data.diagnoses.filter(function (d) {
          return d.expected;
        }).length + ' expected',
      ],
    ];
    return h(
      'div',
      { class: 'tiles' },
      items.map(function (it) {
        return h(
          'div',
          { class: 'tile ' + (it[3] || '') },
          h('div', { class: 'tile-label', text: it[0] }),
          h('div', { class: 'tile-value', text: it[1] }),
          h('div', { class: 'tile-sub', text: it[2] }),
        );
      }),
    );
  }

  // ---------- baseline comparison (run --baseline) ----------

  function comparisonSection() {
    var c = data.comparison;
    if (!c) return null;
    var sec = section(
      'comparison',
      'Compared with the baseline: ' + c.title,
      'Each metric against the baseline run; one regresses when it moves the worse way by more than its ' +
        "tolerance (the plan's compare.tolerances, or the defaults).",
    );
    sec.classList.add(c.verdict === 'pass' ? 'comparison-pass' : 'comparison-regression');
    var startedAt = function (r) {
      return dateTime(r.startedAt);
    };
    sec.appendChild(
      h(
        'dl',
        { class: 'facts' },
        h('dt', { text: 'baseline' }),
        h(
          'dd',
          null,
          h('code', { text: c.baseline.runId }),
          ' · plan ' + c.baseline.plan + ' · started ' + startedAt(c.baseline),
        ),
        h('dt', { text: 'from' }),
        h('dd', null, h('code', { text: c.baseline.source })),
        h('dt', { text: 'this run' }),
        h(
          'dd',
          null,
          h('code', { text: c.current.runId }),
          ' · plan ' + c.current.plan + ' · started ' + startedAt(c.current),
        ),
      ),
    );
    c.notes.forEach(function (n) {
      sec.appendChild(h('p', { class: 'comparison-note warn-text', text: 'Note: ' + n }));
    });
    sec.appendChild(
      h(
        'div',
        { class: 'table-wrap' },
        h(
          'table',
          { class: 'comparison-table' },
          h(
            'thead',
            null,
            h(
              'tr',
              null,
              ['metric', 'baseline', 'current', 'delta', 'tolerance', ''].map(function (x) {
                return h('th', { text: x });
              }),
            ),
          ),
          h(
            'tbody',
            null,
            c.rows.map(function (r) {
              var resultClass = r.regressed ? 'bad' : r.mark === '✓' ? 'ok' : 'muted';
              return h(
                'tr',
                {
                  class: r.regressed ? 'regressed' : '',
                  'data-metric': r.metric,
                  'data-regressed': String(r.regressed),
                },
                h('td', { text: r.label }),
                h('td', { text: r.baseline }),
                h('td', { text: r.current }),
                h('td', { text: r.delta }),
                h('td', { text: r.tolerance }),
                h('td', { class: 'result ' + resultClass, text: r.result }),
              );
            }),
          ),
        ),
      ),
    );
    sec.appendChild(
      h('p', {
        class: 'comparison-verdict ' + (c.verdict === 'pass' ? 'ok-text' : 'bad'),
        text: 'verdict: ' + c.verdictText,
      }),
    );
    return sec;
  }

  // ---------- plan and cluster ----------

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
    var sec = section('checks', 'Checks');
    sec.appendChild(h('h3', { text: 'Thresholds' }));
    if (!s.checks.length) sec.appendChild(h('p', { class: 'empty', text: 'the plan sets none' }));
    else
      sec.appendChild(
        table(
          ['', 'threshold', 'instance', 'condition', 'observed'],
          s.checks.map(function (c) {
            return [
              tick(c.ok),
              h('code', { text: c.key }),
              c.instance || '–',
              c.threshold,
              c.aggregation + ' = ' + (c.observed === null ? 'no data' : num(c.observed)),
            ];
          }),
        ),
      );
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
            (s.abortedBy.observed === null ? 'no data' : s.abortedBy.observed) +
            ')',
        }),
      );
    return sec;
  }

  R.banner = banner;
  R.tiles = tiles;
  R.comparisonSection = comparisonSection;
  R.planSection = planSection;
  R.rebalanceSection = rebalanceSection;
  R.latencySection = latencySection;
  R.deliverySection = deliverySection;
  R.diagnosesSection = diagnosesSection;
  R.checksSection = checksSection;
})(window.RunReport);
