// Progressive enhancement only: every page reads fine without this file.
(function () {
  'use strict';
  var root = document.documentElement;

  // Theme toggle: follows the system until the reader picks, then remembers.
  var toggle = document.querySelector('.theme-toggle');
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener('click', function () {
      var dark = root.dataset.theme ? root.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
      root.dataset.theme = dark ? 'light' : 'dark';
      try { localStorage.setItem('drydock-theme', root.dataset.theme); } catch (e) { /* private mode */ }
    });
  }

  // Copy buttons on code blocks.
  document.querySelectorAll('.code-block .copy').forEach(function (btn) {
    if (!navigator.clipboard) return;
    btn.hidden = false;
    btn.addEventListener('click', function () {
      var code = btn.parentElement.querySelector('pre');
      navigator.clipboard.writeText(code ? code.innerText : '').then(function () {
        btn.textContent = 'Copied';
        setTimeout(function () { btn.textContent = 'Copy'; }, 1500);
      });
    });
  });

  // Offline search over the index that search-index.js defines (works from file:// too).
  var box = document.querySelector('.search');
  if (box && window.DRYDOCK_SEARCH && window.MiniSearch) {
    box.hidden = false;
    var index = window.MiniSearch.loadJSON(window.DRYDOCK_SEARCH, { fields: ['title', 'heading', 'text'], storeFields: ['href', 'title', 'heading'] });
    var input = box.querySelector('input');
    var list = box.querySelector('#search-results');
    var base = (document.querySelector('.book-title a') || { getAttribute: function () { return 'index.html'; } }).getAttribute('href').replace(/index\.html$/, '');
    input.addEventListener('input', function () {
      var q = input.value.trim();
      list.textContent = '';
      if (q.length < 2) return;
      index.search(q, { prefix: true, fuzzy: 0.2, boost: { title: 2, heading: 1.5 } }).slice(0, 8).forEach(function (hit) {
        var li = document.createElement('li');
        var a = document.createElement('a');
        a.href = base + hit.href;
        a.textContent = hit.title;
        if (hit.heading) {
          var s = document.createElement('span');
          s.className = 'hit-heading';
          s.textContent = hit.heading;
          a.appendChild(s);
        }
        li.appendChild(a);
        list.appendChild(li);
      });
      if (!list.children.length) {
        var none = document.createElement('li');
        none.textContent = 'No matches';
        list.appendChild(none);
      }
    });
  }

  // Client-side Mermaid, only on pages whose diagrams could not be rendered at build time.
  if (window.mermaid) {
    window.mermaid.initialize({ startOnLoad: false, theme: 'neutral', securityLevel: 'strict' });
    window.mermaid.run({ querySelector: 'pre.mermaid' });
  }
})();
