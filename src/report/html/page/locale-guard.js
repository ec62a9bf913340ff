// Runs before uPlot, which formats axis numbers with `new Intl.NumberFormat(navigator.language)`
// as it loads. Headless browsers under LANG=C report "en-US@posix", which Intl rejects: uPlot
// would throw and the page never render. Only then is the language seen as en-US.
(function () {
  'use strict';
  try {
    new Intl.NumberFormat(navigator.language);
  } catch {
    Object.defineProperty(navigator, 'language', { value: 'en-US', configurable: true });
  }
})();
