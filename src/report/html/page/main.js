// Puts the run page together; runs last.
(function (R) {
  'use strict';

  var h = R.h,
    banner = R.banner,
    tiles = R.tiles,
    chartsSection = R.chartsSection,
    diagnosesSection = R.diagnosesSection,
    rebalanceSection = R.rebalanceSection,
    latencySection = R.latencySection,
    deliverySection = R.deliverySection,
    checksSection = R.checksSection,
    planSection = R.planSection,
    comparisonSection = R.comparisonSection;

  var app = document.getElementById('app');
  app.textContent = '';

  var timeline = chartsSection();
  var rateSearch = R.rateSearchSection();
  var backlog = R.backlogSection();
  var timers = R.timersSection();
  var deadLetters = R.deadLetterSection();
  var transactions = R.transactionSection();
  app.appendChild(banner());
  app.appendChild(tiles());
  // Right under the headline: with a baseline, whether the run regressed matters as much as the verdict.
  var comparison = comparisonSection();
  if (comparison) app.appendChild(comparison);
  app.appendChild(
    h(
      'nav',
      { class: 'toc' },
      [
        ['timeline', 'over time'],
        ['rebalance', 'rebalances'],
      ]
        .concat(rateSearch ? [['rate-search', 'rate search']] : [])
        .concat(backlog ? [['backlog-drain', 'backlog drain']] : [])
        .concat(timers ? [['timers', 'delayed messages']] : [])
        .concat(deadLetters ? [['dead-letters', 'dead letters']] : [])
        .concat(transactions ? [['transactions', 'transactions']] : [])
        .concat(R.data.summary.failover ? [['failover', 'failover']] : [])
        .concat([
          ['latency', 'latency'],
          ['delivery', 'loss and duplicates'],
          ['diagnoses', 'diagnoses'],
          ['checks', 'checks'],
          ['plan', 'plan and cluster'],
        ])
        .map(function (l) {
          return h('a', { href: '#' + l[0], text: l[1] });
        }),
    ),
  );
  app.appendChild(timeline.el);
  if (rateSearch) app.appendChild(rateSearch.el);
  if (backlog) app.appendChild(backlog);
  if (timers) app.appendChild(timers.el);
  if (deadLetters) app.appendChild(deadLetters);
  if (transactions) app.appendChild(transactions);
  app.appendChild(diagnosesSection());
  app.appendChild(rebalanceSection());
  var failover = R.failoverSection();
  if (failover) app.appendChild(failover);
  app.appendChild(latencySection());
  app.appendChild(deliverySection());
  app.appendChild(checksSection());
  app.appendChild(planSection());
  app.appendChild(
    h('footer', {
      class: 'muted',
      text: 'rmq-chaos · summary.json, events.ndjson, timeseries.ndjson and snapshots.ndjson are in this folder',
    }),
  );
  // Charts measure their container, so they are drawn once the page is laid out.
  timeline.draw();
  if (rateSearch) rateSearch.draw();
  if (timers) timers.draw();

  // Once per page: the live page (run --live) draws the page again for every frame, each time
  // with a new window.RunReport, so the handler resizes whichever is current.
  if (!window.runReportResizes) {
    window.runReportResizes = true;
    var resizeTimer = null;
    window.addEventListener('resize', function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () {
        var current = window.RunReport;
        current.charts.forEach(function (c) {
          c.u.setSize({ width: current.chartWidth(c.container), height: c.u.height });
        });
        current.drawLanes(document.getElementById('assignments'));
        var roles = document.getElementById('roles');
        if (roles) current.drawRoles(roles);
      }, 150);
    });
  }
})(window.RunReport);
