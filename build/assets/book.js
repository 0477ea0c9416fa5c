// Progressive enhancement only: every page reads fine without this file.
(function () {
  'use strict';
  var root = document.documentElement;
  var storage = { get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } }, set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } } };

  // One polite live region says what buttons did ("Copied"), for readers who do not see it.
  var status = document.createElement('p');
  status.className = 'visually-hidden';
  status.setAttribute('role', 'status');
  (document.querySelector('main') || document.body).appendChild(status);
  var announce = function (text) { status.textContent = ''; setTimeout(function () { status.textContent = text; }, 50); };

  // Theme toggle: follows the system until the reader picks, then remembers. It says whether dark mode is on.
  var toggle = document.querySelector('.theme-toggle');
  if (toggle) {
    var systemDark = matchMedia('(prefers-color-scheme: dark)');
    var isDark = function () { return root.dataset.theme ? root.dataset.theme === 'dark' : systemDark.matches; };
    var showState = function () { toggle.setAttribute('aria-pressed', String(isDark())); };
    toggle.hidden = false;
    showState();
    if (systemDark.addEventListener) systemDark.addEventListener('change', showState);
    toggle.addEventListener('click', function () {
      root.dataset.theme = isDark() ? 'light' : 'dark';
      storage.set('drydock-theme', root.dataset.theme);
      showState();
    });
  }

  // The chapters drawer (a checkbox, so it works without scripts, in the header so opening it never
  // scrolls the page): focus moves into it and stays there until it closes; Escape and following a link close it.
  var navToggle = document.getElementById('nav-toggle');
  var drawer = document.getElementById('sidebar');
  if (navToggle && drawer) {
    var drawerLinks = function () { return Array.prototype.slice.call(drawer.querySelectorAll('a')); };
    var sync = function () { navToggle.setAttribute('aria-expanded', String(navToggle.checked)); };
    var isDrawer = function () { return getComputedStyle(drawer).position === 'fixed'; };
    sync();
    navToggle.addEventListener('change', function () {
      sync();
      if (!navToggle.checked || !isDrawer()) return;
      var first = drawer.querySelector('a[aria-current="page"]') || drawerLinks()[0];
      // Once the drawer is visible (a hidden element cannot take focus): tried again until it takes it, for slow devices.
      var tries = 0;
      var focusIn = function () {
        if (!navToggle.checked || !first) return;
        first.focus({ preventScroll: true });
        if (document.activeElement !== first && ++tries < 40) setTimeout(focusIn, 50);
      };
      setTimeout(focusIn, 30);
    });
    var closeDrawer = function () { navToggle.checked = false; sync(); navToggle.focus({ preventScroll: true }); };
    document.addEventListener('keydown', function (e) {
      if (!navToggle.checked || !isDrawer()) return;
      if (e.key === 'Escape') { e.preventDefault(); closeDrawer(); return; }
      if (e.key !== 'Tab') return;
      // Tab cycles through the menu button and the drawer's links.
      var stops = [navToggle].concat(drawerLinks());
      var at = stops.indexOf(document.activeElement);
      var next = at < 0 ? 0 : (at + (e.shiftKey ? -1 : 1) + stops.length) % stops.length;
      e.preventDefault();
      stops[next].focus({ preventScroll: true });
    });
    drawerLinks().forEach(function (a) { a.addEventListener('click', function () { navToggle.checked = false; sync(); }); });
  }

  // Copy buttons on code blocks; on a shell transcript, the commands only (no prompts, no output).
  document.querySelectorAll('.code-block .copy').forEach(function (btn) {
    if (!navigator.clipboard) return;
    btn.hidden = false;
    var label = btn.textContent;
    btn.addEventListener('click', function () {
      var pre = btn.closest('.code-block').querySelector('pre');
      var text = '';
      if (pre && pre.hasAttribute('data-transcript')) {
        text = Array.prototype.map.call(pre.querySelectorAll('.line.cmd'), function (line) {
          var copy = line.cloneNode(true);
          var prompt = copy.querySelector('.prompt');
          if (prompt) prompt.remove();
          return copy.textContent;
        }).join('\n');
      } else if (pre) text = pre.innerText;
      navigator.clipboard.writeText(text).then(function () {
        btn.textContent = 'Copied';
        announce('Copied to the clipboard');
        setTimeout(function () { btn.textContent = label; }, 1500);
      });
    });
  });

  // Boxes wider than the column (figures, tables): say so under them, and let the keyboard scroll them (only them).
  function markOverflow() {
    document.querySelectorAll('.scroll-x').forEach(function (box) {
      var holder = box.closest('figure, .table-scroll') || box;
      if (box.scrollWidth > box.clientWidth + 1) { holder.setAttribute('data-overflow', ''); box.setAttribute('tabindex', '0'); }
      else { holder.removeAttribute('data-overflow'); box.removeAttribute('tabindex'); }
    });
  }
  markOverflow();
  addEventListener('resize', markOverflow);

  // mdBook's keys: ← and → go to the previous and next page, unless the reader is typing or scrolling a box sideways.
  document.addEventListener('keydown', function (e) {
    if ((e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey || e.defaultPrevented) return;
    var el = document.activeElement;
    if (el && el !== document.body && (/^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(el.tagName) || el.isContentEditable || el.closest('.scroll-x, pre, dialog, .toc-panel') )) return;
    if (document.querySelector('dialog[open]') || (navToggle && navToggle.checked)) return;
    var link = document.querySelector(e.key === 'ArrowLeft' ? '.pager a[rel="prev"]' : '.pager a[rel="next"]');
    if (link) { e.preventDefault(); location.href = link.href; }
  });

  // Printing a page: links show their whole address on paper.
  addEventListener('beforeprint', function () {
    document.querySelectorAll('article a[href]').forEach(function (a) {
      var href = a.getAttribute('href');
      if (href.charAt(0) === '#' || a.classList.contains('anchor')) return;
      a.setAttribute('data-print-href', a.href);
    });
  });

  // Diagrams fit the column; Zoom opens one in a dialog at a size its labels can be read, with zoom buttons and panning.
  var button = function (text, label) {
    var b = document.createElement('button');
    b.type = 'button';
    b.className = 'open-full';
    b.textContent = text;
    if (label) b.setAttribute('aria-label', label);
    return b;
  };
  document.querySelectorAll('.mermaid-figure').forEach(function (fig) {
    var btn = fig.querySelector('.open-full');
    if (!btn || typeof HTMLDialogElement !== 'function') return;
    btn.hidden = false;
    var caption = fig.querySelector('figcaption');
    var name = caption ? caption.textContent : 'Diagram';
    btn.setAttribute('aria-label', 'Zoom: ' + name);
    btn.addEventListener('click', function () {
      var shown = Array.prototype.filter.call(fig.querySelectorAll('.mermaid-scroll > div'), function (d) { return getComputedStyle(d).display !== 'none'; })[0];
      if (!shown) return;
      var dialog = document.createElement('dialog');
      dialog.className = 'figure-dialog';
      dialog.setAttribute('aria-label', name);
      var bar = document.createElement('div');
      bar.className = 'figure-dialog-bar';
      var title = document.createElement('span');
      title.textContent = name;
      var out = button('−', 'Zoom out');
      var zin = button('+', 'Zoom in');
      var close = button('Close');
      close.addEventListener('click', function () { dialog.close(); });
      [title, out, zin, close].forEach(function (el) { bar.appendChild(el); });
      var body = document.createElement('div');
      body.className = 'figure-dialog-body';
      var svg = shown.querySelector('svg').cloneNode(true);
      // The copy shares the original's ids; renaming its own id keeps its styles scoped.
      var id = svg.id;
      svg.removeAttribute('id');
      var box = svg.viewBox && svg.viewBox.baseVal;
      var wrap = document.createElement('div');
      wrap.id = id;
      wrap.appendChild(svg);
      body.appendChild(wrap);
      dialog.appendChild(bar);
      dialog.appendChild(body);
      // Starts at the drawing's own size at least (a phone scrolls it both ways), larger where the window allows.
      var scale = box && box.width ? Math.max(1, Math.min((innerWidth - 32) / box.width, (innerHeight - 80) / box.height, 2.5)) : 1;
      var apply = function () {
        if (!box || !box.width) return;
        svg.setAttribute('width', String(Math.round(box.width * scale)));
        svg.setAttribute('height', String(Math.round(box.height * scale)));
        out.disabled = scale <= 0.5;
        zin.disabled = scale >= 4;
      };
      out.addEventListener('click', function () { scale = Math.max(0.5, scale / 1.5); apply(); });
      zin.addEventListener('click', function () { scale = Math.min(4, scale * 1.5); apply(); });
      apply();
      dialog.addEventListener('close', function () { dialog.remove(); btn.focus(); });
      document.body.appendChild(dialog);
      dialog.showModal();
      close.focus();
    });
  });

  // On-page contents on narrower screens (a bar that opens a list): following a link, Escape or a click elsewhere closes it.
  var toc = document.querySelector('.toc');
  var tocToggle = document.getElementById('toc-toggle');
  if (toc && tocToggle) {
    var syncToc = function () { tocToggle.setAttribute('aria-expanded', String(tocToggle.checked)); };
    syncToc();
    tocToggle.addEventListener('change', syncToc);
    var closeToc = function () { tocToggle.checked = false; syncToc(); };
    toc.addEventListener('click', function (e) { if (e.target.closest('a')) closeToc(); });
    document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && tocToggle.checked) { closeToc(); tocToggle.focus({ preventScroll: true }); } });
    document.addEventListener('click', function (e) { if (tocToggle.checked && !toc.contains(e.target)) closeToc(); });
  }
  // Highlight the section being read, keep it in view inside the contents.
  if (toc) {
    var links = Array.prototype.slice.call(toc.querySelectorAll('ol a[href^="#"]'));
    var targets = links.map(function (a) { return document.getElementById(decodeURIComponent(a.getAttribute('href').slice(1))); });
    var current = -1;
    var ticking = false;
    var update = function () {
      ticking = false;
      var header = document.querySelector('.topbar');
      var line = (header ? header.offsetHeight : 0) + 24;
      var active = 0;
      for (var i = 0; i < targets.length; i++) if (targets[i] && targets[i].getBoundingClientRect().top <= line + 40) active = i;
      // At the bottom of the page the last sections cannot reach the top: the last one is being read.
      if (innerHeight + scrollY >= document.documentElement.scrollHeight - 4) active = targets.length - 1;
      if (active === current) return;
      if (current >= 0) links[current].removeAttribute('aria-current');
      current = active;
      if (active < 0) return;
      var a = links[active];
      a.setAttribute('aria-current', 'true');
      var top = a.getBoundingClientRect().top - toc.getBoundingClientRect().top + toc.scrollTop;
      if (top < toc.scrollTop + 40 || top > toc.scrollTop + toc.clientHeight - 60) toc.scrollTop = top - toc.clientHeight / 3;
    };
    addEventListener('scroll', function () { if (!ticking) { ticking = true; requestAnimationFrame(update); } }, { passive: true });
    update();
  }

  // Quizzes: options become buttons with immediate feedback; the first answer to each counts, in this browser only.
  var quizzes = document.querySelectorAll('section.quiz');
  if (quizzes.length) {
    var page = location.pathname.split('/').pop() || 'index.html';
    var key = 'drydock-quiz:' + page;
    var saved = {};
    try { saved = JSON.parse(storage.get(key) || '{}') || {}; } catch (e) { saved = {}; }
    var showScore = function () {
      var right = 0, answered = 0;
      quizzes.forEach(function (q) { var s = saved[q.dataset.quiz]; if (s) { answered++; if (s === 'right') right++; } });
      document.querySelectorAll('.quiz-score').forEach(function (p) {
        p.hidden = answered === 0;
        p.textContent = 'This chapter: ' + right + ' of ' + quizzes.length + ' right' + (answered < quizzes.length ? ' (' + (quizzes.length - answered) + ' not tried yet)' : '') + '. Kept in this browser only.';
      });
    };
    quizzes.forEach(function (quiz) {
      var list = quiz.querySelector('.quiz-options');
      if (!list) return;
      var feedback = document.createElement('div');
      feedback.className = 'quiz-feedback';
      feedback.setAttribute('role', 'status');
      feedback.hidden = true;
      list.insertAdjacentElement('afterend', feedback);
      list.querySelectorAll(':scope > li').forEach(function (li) {
        var btn = document.createElement('button');
        btn.type = 'button';
        btn.className = 'quiz-option';
        btn.dataset.option = li.dataset.option;
        var letter = document.createElement('span');
        letter.className = 'quiz-letter';
        letter.textContent = li.dataset.option;
        var text = document.createElement('span');
        while (li.firstChild) text.appendChild(li.firstChild);
        btn.appendChild(letter);
        btn.appendChild(text);
        li.appendChild(btn);
        btn.addEventListener('click', function () {
          var right = li.dataset.correct === 'true';
          list.querySelectorAll('.quiz-option').forEach(function (b) { b.removeAttribute('data-verdict'); b.setAttribute('aria-pressed', 'false'); });
          btn.setAttribute('data-verdict', right ? 'right' : 'wrong');
          btn.setAttribute('aria-pressed', 'true');
          feedback.hidden = false;
          feedback.setAttribute('data-verdict', right ? 'right' : 'wrong');
          feedback.textContent = '';
          var verdict = document.createElement('p');
          verdict.className = 'quiz-verdict';
          verdict.textContent = right ? 'Right.' : 'Not quite — try another option.';
          feedback.appendChild(verdict);
          var why = quiz.querySelector('.quiz-explanation[data-option="' + li.dataset.option + '"]');
          if (why) Array.prototype.slice.call(why.children, 1).forEach(function (c) { feedback.appendChild(c.cloneNode(true)); });
          if (!saved[quiz.dataset.quiz]) {
            saved[quiz.dataset.quiz] = right ? 'right' : 'wrong';
            storage.set(key, JSON.stringify(saved));
          }
          showScore();
        });
      });
      quiz.setAttribute('data-ready', '');
    });
    showScore();
  }

  // Offline search over the index that search-index.js defines (works from file:// too). Its scripts
  // (~200 KB) load when the reader first reaches for search, so nothing else on the page waits for them.
  var box = document.querySelector('.search');
  var assets = (document.currentScript && document.currentScript.src || '').replace(/book\.js(\?.*)?$/, '');
  if (box && assets) {
    box.hidden = false;
    var input = box.querySelector('input');
    var list = box.querySelector('#search-results');
    var titleLink = document.querySelector('.topbar-title') || document.querySelector('.book-title a');
    var base = (titleLink ? titleLink.getAttribute('href') : 'index.html').replace(/index\.html$/, '');
    var index = null;
    var loading = null;
    var loadScript = function (name) {
      return new Promise(function (resolve, reject) {
        var s = document.createElement('script');
        s.src = assets + name;
        s.onload = resolve;
        s.onerror = reject;
        document.head.appendChild(s);
      });
    };
    var loadIndex = function () {
      loading = loading || Promise.all([loadScript('minisearch.js'), loadScript('search-index.js')]).then(function () {
        index = window.MiniSearch.loadJSON(window.DRYDOCK_SEARCH, window.DRYDOCK_SEARCH_OPTIONS);
        if (input.value.trim().length > 1) run();
      });
      return loading;
    };
    ['focus', 'pointerenter', 'touchstart'].forEach(function (ev) { input.addEventListener(ev, loadIndex, { once: true, passive: true }); });
    var selected = -1;
    var escapeRe = function (s) { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); };
    var highlight = function (el, text, terms) {
      if (!terms.length) { el.textContent = text; return; }
      var re = new RegExp('(' + terms.map(escapeRe).join('|') + ')', 'gi');
      var last = 0;
      text.replace(re, function (m, _g, at) {
        el.appendChild(document.createTextNode(text.slice(last, at)));
        var mark = document.createElement('mark');
        mark.textContent = m;
        el.appendChild(mark);
        last = at + m.length;
        return m;
      });
      el.appendChild(document.createTextNode(text.slice(last)));
    };
    // The passage around the first matching word: the section's whole text is stored, so it is always there.
    var snippet = function (text, terms) {
      if (!text) return '';
      var lower = text.toLowerCase();
      var at = -1;
      for (var i = 0; i < terms.length; i++) {
        var found = lower.indexOf(terms[i].toLowerCase());
        if (found >= 0 && (at < 0 || found < at)) at = found;
      }
      var start = Math.max(0, (at < 0 ? 0 : at) - 60);
      if (start > 0) { var sp = text.indexOf(' ', start); if (sp > 0 && sp < at) start = sp + 1; }
      var end = Math.min(text.length, Math.max(start + 170, at + 60));
      var sp2 = text.indexOf(' ', end);
      if (sp2 > 0 && sp2 < end + 20) end = sp2;
      return (start > 0 ? '… ' : '') + text.slice(start, end).trim() + (end < text.length ? ' …' : '');
    };
    var items = function () { return list.querySelectorAll('a'); };
    var select = function (i) {
      var all = items();
      if (!all.length) return;
      selected = (i + all.length) % all.length;
      all.forEach(function (a, j) { a.setAttribute('aria-selected', String(j === selected)); });
      input.setAttribute('aria-activedescendant', all[selected].id);
      all[selected].scrollIntoView({ block: 'nearest' });
    };
    var close = function () { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); selected = -1; };
    var MAX_HITS = 40;
    var run = function () {
      var q = input.value.trim();
      list.textContent = '';
      selected = -1;
      if (q.length < 2) return close();
      if (!index) return void loadIndex();
      // Exact words and their prefixes first; spelling slips (fuzzy) only when those find nothing,
      // or "cgroup" would also list every section that says "group".
      var hits = index.search(q, { prefix: true, boost: { heading: 2 } });
      if (!hits.length) hits = index.search(q, { prefix: true, fuzzy: 0.2, boost: { heading: 2 } });
      hits.slice(0, MAX_HITS).forEach(function (hit, i) {
        var a = document.createElement('a');
        a.href = base + hit.href;
        a.id = 'search-hit-' + i;
        a.setAttribute('role', 'option');
        a.setAttribute('aria-selected', 'false');
        var terms = (hit.terms || []).filter(function (t) { return t.length > 1; });
        // The section leads; its page follows in small type.
        var s = document.createElement('span');
        s.className = 'hit-heading';
        highlight(s, hit.heading || hit.title, terms);
        a.appendChild(s);
        if (hit.heading && hit.heading !== hit.title) {
          var t = document.createElement('span');
          t.className = 'hit-title';
          highlight(t, hit.title, terms);
          a.appendChild(t);
        }
        var text = snippet(hit.text, terms);
        if (text) {
          var p = document.createElement('span');
          p.className = 'hit-snippet';
          highlight(p, text, terms);
          a.appendChild(p);
        }
        list.appendChild(a);
      });
      if (hits.length > MAX_HITS) {
        var more = document.createElement('p');
        more.className = 'search-none';
        more.textContent = (hits.length - MAX_HITS) + ' more: add a word to narrow the search';
        list.appendChild(more);
      }
      if (!hits.length) {
        var none = document.createElement('p');
        none.className = 'search-none';
        none.textContent = 'No matches for “' + q + '”';
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    };
    input.addEventListener('input', run);
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') { e.preventDefault(); select(selected + 1); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); select(selected - 1); }
      else if (e.key === 'Enter') {
        var all = items();
        var target = all[selected >= 0 ? selected : 0];
        if (target) { e.preventDefault(); location.href = target.href; }
      } else if (e.key === 'Escape') {
        // First Escape closes the results, the next clears the words; focus stays in the box.
        e.preventDefault();
        if (!list.hidden) close();
        else input.value = '';
      }
    });
    input.addEventListener('focus', function () { if (list.children.length && input.value.trim().length > 1) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); } });
    document.addEventListener('click', function (e) { if (!box.contains(e.target)) close(); });
    document.addEventListener('keydown', function (e) {
      var typing = /^(INPUT|TEXTAREA|SELECT)$/.test(document.activeElement && document.activeElement.tagName) || (document.activeElement && document.activeElement.isContentEditable);
      if ((e.key === '/' && !typing && !e.ctrlKey && !e.metaKey && !e.altKey) || ((e.ctrlKey || e.metaKey) && (e.key === 'k' || e.key === 'K'))) {
        e.preventDefault();
        input.focus();
        input.select();
      }
    });
  }

  // Client-side Mermaid, only on pages whose diagrams could not be rendered at build time.
  if (window.mermaid) {
    window.mermaid.initialize({ startOnLoad: false, theme: 'neutral', securityLevel: 'strict' });
    window.mermaid.run({ querySelector: 'pre.mermaid' });
  }
})();
