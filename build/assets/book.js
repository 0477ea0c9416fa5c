// Progressive enhancement only: every page reads fine without this file.
(function () {
  'use strict';
  var root = document.documentElement;
  var storage = { get: function (k) { try { return localStorage.getItem(k); } catch (e) { return null; } }, set: function (k, v) { try { localStorage.setItem(k, v); } catch (e) { /* private mode */ } } };

  // Theme toggle: follows the system until the reader picks, then remembers.
  var toggle = document.querySelector('.theme-toggle');
  if (toggle) {
    toggle.hidden = false;
    toggle.addEventListener('click', function () {
      var dark = root.dataset.theme ? root.dataset.theme === 'dark' : matchMedia('(prefers-color-scheme: dark)').matches;
      root.dataset.theme = dark ? 'light' : 'dark';
      storage.set('drydock-theme', root.dataset.theme);
    });
  }

  // The chapters drawer (a checkbox, so it works without scripts): Escape and following a link close it.
  var navToggle = document.getElementById('nav-toggle');
  if (navToggle) {
    var sync = function () { navToggle.setAttribute('aria-expanded', String(navToggle.checked)); };
    sync();
    navToggle.addEventListener('change', sync);
    document.addEventListener('keydown', function (e) {
      if (e.key === 'Escape' && navToggle.checked) { navToggle.checked = false; sync(); navToggle.focus(); }
    });
    document.querySelectorAll('.sidebar a').forEach(function (a) { a.addEventListener('click', function () { navToggle.checked = false; sync(); }); });
  }

  // Copy buttons on code blocks.
  document.querySelectorAll('.code-block .copy').forEach(function (btn) {
    if (!navigator.clipboard) return;
    btn.hidden = false;
    btn.addEventListener('click', function () {
      var code = btn.closest('.code-block').querySelector('pre');
      navigator.clipboard.writeText(code ? code.innerText : '').then(function () {
        btn.textContent = 'Copied';
        setTimeout(function () { btn.textContent = 'Copy'; }, 1500);
      });
    });
  });

  // Figures wider than the column: say so under them. Wide tables scroll too, and take focus to scroll by keyboard.
  function markOverflow() {
    document.querySelectorAll('.scroll-x').forEach(function (box) {
      var fig = box.closest('figure') || box;
      if (box.scrollWidth > box.clientWidth + 1) fig.setAttribute('data-overflow', '');
      else fig.removeAttribute('data-overflow');
    });
    document.querySelectorAll('article table').forEach(function (table) {
      if (table.scrollWidth > table.clientWidth + 1) table.setAttribute('tabindex', '0');
      else table.removeAttribute('tabindex');
    });
  }
  markOverflow();
  addEventListener('resize', markOverflow);

  // Diagrams open full size in a dialog.
  document.querySelectorAll('.mermaid-figure').forEach(function (fig) {
    var btn = fig.querySelector('.open-full');
    if (!btn || typeof HTMLDialogElement !== 'function') return;
    btn.hidden = false;
    btn.addEventListener('click', function () {
      var shown = Array.prototype.filter.call(fig.querySelectorAll('.mermaid-scroll > div'), function (d) { return getComputedStyle(d).display !== 'none'; })[0];
      if (!shown) return;
      var dialog = document.createElement('dialog');
      dialog.className = 'figure-dialog';
      var caption = fig.querySelector('figcaption');
      dialog.setAttribute('aria-label', caption ? caption.textContent : 'Diagram');
      var bar = document.createElement('div');
      bar.className = 'figure-dialog-bar';
      var title = document.createElement('span');
      title.textContent = caption ? caption.textContent : 'Diagram';
      var close = document.createElement('button');
      close.type = 'button';
      close.className = 'open-full';
      close.textContent = 'Close';
      close.addEventListener('click', function () { dialog.close(); });
      bar.appendChild(title);
      bar.appendChild(close);
      var body = document.createElement('div');
      body.className = 'figure-dialog-body';
      var svg = shown.querySelector('svg').cloneNode(true);
      // The copy shares the original's ids; renaming its own id keeps its styles scoped.
      var id = svg.id;
      svg.removeAttribute('id');
      var box = svg.viewBox && svg.viewBox.baseVal;
      if (box && box.width) {
        var scale = Math.max(1, Math.min((innerWidth - 32) / box.width, (innerHeight - 80) / box.height, 2.5));
        svg.setAttribute('width', String(Math.round(box.width * scale)));
        svg.setAttribute('height', String(Math.round(box.height * scale)));
      }
      var wrap = document.createElement('div');
      wrap.id = id;
      wrap.appendChild(svg);
      body.appendChild(wrap);
      dialog.appendChild(bar);
      dialog.appendChild(body);
      dialog.addEventListener('close', function () { dialog.remove(); btn.focus(); });
      document.body.appendChild(dialog);
      dialog.showModal();
      close.focus();
    });
  });

  // On-page contents: highlight the section being read, keep it in view inside the contents.
  var toc = document.querySelector('.toc');
  if (toc) {
    var links = Array.prototype.slice.call(toc.querySelectorAll('a[href^="#"]'));
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

  // Offline search over the index that search-index.js defines (works from file:// too).
  var box = document.querySelector('.search');
  if (box && window.DRYDOCK_SEARCH && window.MiniSearch) {
    box.hidden = false;
    var index = window.MiniSearch.loadJSON(window.DRYDOCK_SEARCH, { fields: ['title', 'heading', 'text'], storeFields: ['href', 'title', 'heading', 'snippet'] });
    var input = box.querySelector('input');
    var list = box.querySelector('#search-results');
    var titleLink = document.querySelector('.topbar-title') || document.querySelector('.book-title a');
    var base = (titleLink ? titleLink.getAttribute('href') : 'index.html').replace(/index\.html$/, '');
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
    var snippet = function (text, terms) {
      if (!text) return '';
      var lower = text.toLowerCase();
      var at = -1;
      for (var i = 0; i < terms.length && at < 0; i++) at = lower.indexOf(terms[i].toLowerCase());
      var start = Math.max(0, (at < 0 ? 0 : at) - 60);
      if (start > 0) { var sp = text.indexOf(' ', start); if (sp > 0 && sp < start + 20) start = sp + 1; }
      var end = Math.min(text.length, start + 170);
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
    input.addEventListener('input', function () {
      var q = input.value.trim();
      list.textContent = '';
      selected = -1;
      if (q.length < 2) return close();
      var hits = index.search(q, { prefix: true, fuzzy: 0.2, boost: { title: 2, heading: 1.5 } }).slice(0, 8);
      hits.forEach(function (hit, i) {
        var a = document.createElement('a');
        a.href = base + hit.href;
        a.id = 'search-hit-' + i;
        a.setAttribute('role', 'option');
        a.setAttribute('aria-selected', 'false');
        var terms = (hit.terms || []).filter(function (t) { return t.length > 1; });
        var t = document.createElement('span');
        t.className = 'hit-title';
        highlight(t, hit.title, terms);
        a.appendChild(t);
        if (hit.heading && hit.heading !== hit.title) {
          var s = document.createElement('span');
          s.className = 'hit-heading';
          highlight(s, hit.heading, terms);
          a.appendChild(s);
        }
        var text = snippet(hit.snippet, terms);
        if (text) {
          var p = document.createElement('span');
          p.className = 'hit-snippet';
          highlight(p, text, terms);
          a.appendChild(p);
        }
        list.appendChild(a);
      });
      if (!hits.length) {
        var none = document.createElement('p');
        none.className = 'search-none';
        none.textContent = 'No matches for “' + q + '”';
        list.appendChild(none);
      }
      list.hidden = false;
      input.setAttribute('aria-expanded', 'true');
    });
    input.addEventListener('keydown', function (e) {
      if (e.key === 'ArrowDown') { e.preventDefault(); select(selected + 1); }
      else if (e.key === 'ArrowUp') { e.preventDefault(); select(selected - 1); }
      else if (e.key === 'Enter') {
        var all = items();
        var target = all[selected >= 0 ? selected : 0];
        if (target) { e.preventDefault(); location.href = target.href; }
      } else if (e.key === 'Escape') { close(); input.blur(); }
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
