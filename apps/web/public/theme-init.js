/* global window, document */
// Applies the saved or system colour theme before the app renders, so there is no light flash.
// An external file (not inline) so it passes a strict Content-Security-Policy.
(function () {
  var stored;
  try {
    stored = window.localStorage.getItem('commpro.theme');
  } catch {
    stored = null;
  }
  var dark = stored === 'dark' || (stored !== 'light' && window.matchMedia('(prefers-color-scheme: dark)').matches);
  document.documentElement.dataset.theme = dark ? 'dark' : 'light';
  var meta = document.querySelector('meta[name="theme-color"]');
  if (meta) meta.setAttribute('content', dark ? '#0f1120' : '#ffffff');
})();
