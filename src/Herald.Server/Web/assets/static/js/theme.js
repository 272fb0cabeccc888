// Classic (non-module) script run before the first paint: applies the theme stored by the theme button
// ("light" or "dark"); without a stored choice the page follows the system (prefers-color-scheme).
(function () {
  try {
    var theme = localStorage.getItem('herald-theme');
    if (theme === 'light' || theme === 'dark') {
      document.documentElement.dataset.theme = theme;
    }
  } catch (e) {
    // Storage disabled: follow the system.
  }
})();
