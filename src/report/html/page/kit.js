// Shared by the run page's scripts (inlined in order: kit, sections, charts, lanes, main). Plain
// ES2020 for the browser, no build step: each file adds to window.RunReport what the others use.
// The data is the JSON of src/report/html/report-data.ts, from <script id="run-data">.
window.RunReport = (function () {
  'use strict';

  var data = JSON.parse(document.getElementById('run-data').textContent);

  // Okabe–Ito: tells series apart for most colour-blind readers, and reads on white.
  var PALETTE = [
    '#0072B2',
    '#E69F00',
    '#009E73',
    '#D55E00',
    '#CC79A7',
    '#56B4E9',
    '#8C6D1F',
    '#332288',
    '#44AA99',
    '#882255',
  ];
  var MARKER_COLOURS = {
    join: '#009E73',
    resume: '#0072B2',
    pause: '#CC79A7',
    kill: '#D55E00',
    crash: '#D55E00',
    leave: '#6b6b6b',
    drift: '#E69F00',
  };
  var charts = [];
  // Every chart's plot area spans the same pixels: a GUTTER-wide axis on the left, as much
  // padding (or a right axis) on the right, so times line up down the page and with the lanes.
  var GUTTER = 80,
    LABEL = 18;

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
    if (Array.isArray(child))
      child.forEach(function (c) {
        append(el, c);
      });
    else
      el.appendChild(
        typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child,
      );
  }

  function section(id, title, intro) {
    return h(
      'section',
      { id: id, class: 'card' },
      h('h2', { text: title }),
      intro ? h('p', { class: 'intro', text: intro }) : null,
    );
  }

  function table(headers, rows, cls) {
    return h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: cls || '' },
        h(
          'thead',
          null,
          h(
            'tr',
            null,
            headers.map(function (x) {
              return h('th', { text: x });
            }),
          ),
        ),
        h(
          'tbody',
          null,
          rows.map(function (r) {
            return h(
              'tr',
              null,
              r.map(function (c) {
                return c instanceof Node
                  ? h('td', null, c)
                  : h('td', { text: c === null || c === undefined ? '–' : c });
              }),
            );
          }),
        ),
      ),
    );
  }

  // ---------- formatting ----------

  // The reader's own date format; a browser whose default locale Intl rejects (headless shells
  // under LANG=C report "en-US@posix", and toLocaleString() then throws) gets en-US instead of
  // a page that never renders.
  function dateTime(value) {
    var d = new Date(value);
    try {
      return d.toLocaleString();
    } catch {
      return d.toLocaleString('en-US');
    }
  }
  function timeOfDay(value) {
    var d = new Date(value);
    try {
      return d.toLocaleTimeString();
    } catch {
      return d.toLocaleTimeString('en-US');
    }
  }
  function num(n) {
    return n === null || n === undefined ? '–' : Number(n).toLocaleString('en-US');
  }
  function ms(v) {
    if (v === null || v === undefined) return '–';
    if (v < 1000) return Math.round(v) + ' ms';
    if (v < 600000) return (v / 1000).toFixed(v < 10000 ? 2 : v < 100000 ? 1 : 0) + ' s';
    return secs(v / 1000);
  }
  function secs(t) {
    if (t === null || t === undefined) return '–';
    if (t < 60) return Math.round(t * 10) / 10 + 's';
    var m = Math.floor(t / 60),
      r = Math.round(t - m * 60);
    return m + 'm' + (r ? (r < 10 ? '0' : '') + r + 's' : '');
  }
  function shortMs(v) {
    return v === null || v === undefined ? '' : v < 1000 ? v + 'ms' : v / 1000 + 's';
  }
  function pct(r) {
    return r === null || r === undefined ? '–' : r === 0 ? '0%' : (r * 100).toFixed(r < 0.01 ? 3 : 2) + '%';
  }
  function rate(v) {
    return v === null || v === undefined
      ? '–'
      : (v >= 100 ? Math.round(v) : Math.round(v * 10) / 10).toLocaleString('en-US');
  }
  function tick(ok) {
    return h('span', { class: ok ? 'ok' : 'bad', text: ok ? '✓' : '✗' });
  }
  function badge(text, cls) {
    return h('span', { class: 'badge ' + (cls || ''), text: text });
  }

  return {
    data: data,
    PALETTE: PALETTE,
    MARKER_COLOURS: MARKER_COLOURS,
    charts: charts,
    GUTTER: GUTTER,
    LABEL: LABEL,
    h: h,
    svg: svg,
    section: section,
    table: table,
    dateTime: dateTime,
    timeOfDay: timeOfDay,
    num: num,
    ms: ms,
    secs: secs,
    shortMs: shortMs,
    pct: pct,
    rate: rate,
    tick: tick,
    badge: badge,
  };
})();
