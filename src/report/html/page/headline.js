// The run page's head: the verdict banner, the headline numbers and, after `run --baseline`,
// the comparison with the baseline.
(function (R) {
  'use strict';

  var data = R.data,
    s = R.data.summary,
    h = R.h,
    section = R.section,
    num = R.num,
    dateTime = R.dateTime,
    ms = R.ms,
    secs = R.secs,
    pct = R.pct,
    badge = R.badge;

  function banner() {
    // `run --live` while the run goes: no verdict yet, what is drawn is the run so far.
    var running = !!(data.live && data.live.state === 'running');
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
      { id: 'verdict', class: 'banner ' + (running ? 'live' : pass ? 'pass' : 'fail') },
      h(
        'div',
        { class: 'banner-top' },
        h('div', { class: 'verdict-word', text: running ? 'LIVE' : pass ? 'PASS' : 'FAIL' }),
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
      running
        ? h('p', {
            class: 'live-note',
            text:
              'Running, in phase ' +
              data.live.phase +
              ': the numbers so far. No verdict, loss or run diagnoses until the run ends ' +
              '("lost" counts what has not arrived yet).',
          })
        : s.failures.length
          ? h(
              'ul',
              { class: 'failures' },
              s.failures.map(function (f) {
                return h('li', { text: f });
              }),
            )
          : h('p', { class: 'all-good', text: 'Every check, invariant and expected diagnosis is as the plan says.' }),
      data.overruns.length
        ? h(
            'ul',
            { class: 'overruns' },
            data.overruns.map(function (o) {
              return h('li', { text: 'warning: ' + o });
            }),
          )
        : null,
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

  R.banner = banner;
  R.tiles = tiles;
  R.comparisonSection = comparisonSection;
})(window.RunReport);
