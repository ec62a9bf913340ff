// The live page of `run --live` (src/report/live/): draws each frame the run's server sends
// with the report page's own scripts (window.renderRunReport, which reads #run-data), so the
// live page and the final report are the same charts; the last frame is the final report.
(function () {
  'use strict';

  var status = document.getElementById('live-status');
  var dataElement = document.getElementById('run-data');
  var token = new URLSearchParams(window.location.search).get('token') || '';
  var frames = 0;

  function say(state, text) {
    status.setAttribute('data-state', state);
    status.textContent = text;
  }

  function clock(seconds) {
    var s = Math.max(0, Math.floor(seconds));
    var m = Math.floor(s / 60);
    return m + ':' + String(s % 60).padStart(2, '0');
  }

  function describe(frame) {
    var live = frame.live;
    if (live.state === 'running')
      return (
        'live · ' +
        live.phase +
        ' · ' +
        clock(frame.endS) +
        ' since the start · ' +
        frame.series.t.length +
        ' s of data · updated ' +
        new Date().toLocaleTimeString()
      );
    if (live.state === 'ended')
      return 'the run ended: ' + live.verdict.toUpperCase() + ' · this is its final report (index.html in its folder)';
    return 'the run stopped before its verdict: ' + live.reason;
  }

  function draw(frame) {
    var previous = window.RunReport;
    // uPlot keeps listeners and canvases per chart: the old ones go before the page is drawn again.
    if (previous && previous.charts)
      previous.charts.forEach(function (c) {
        c.u.destroy();
      });
    var scrolled = window.scrollY;
    dataElement.textContent = JSON.stringify(frame);
    document.body.removeAttribute('data-rendered');
    window.renderRunReport();
    window.scrollTo(0, scrolled);
    frames++;
    document.body.setAttribute('data-frames', String(frames));
    document.body.setAttribute('data-live-state', frame.live.state);
    say(frame.live.state, describe(frame));
  }

  var first = JSON.parse(dataElement.textContent);
  if (first) draw(first);
  else document.getElementById('app').textContent = '';

  var source = new EventSource('events?token=' + encodeURIComponent(token));
  source.addEventListener('frame', function (event) {
    var frame = JSON.parse(event.data);
    draw(frame);
    // The last frame: the server ends the stream; reconnecting would only fetch it again.
    if (frame.live.state !== 'running') source.close();
  });
  source.onerror = function () {
    if (document.body.getAttribute('data-live-state') === 'running' || !frames)
      say('lost', 'lost the run’s server (it ended, or the run command stopped); trying again');
  };
})();
