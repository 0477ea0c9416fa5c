import type { Course, SourcePage } from '../model/course';
import { relativeHref } from '../model/course';
import type { RenderedPage } from '../render/render';

import { esc } from '../../lib/html';

export interface LayoutInput {
  course: Course;
  page: RenderedPage;
  /** Chapter pages in reading order, rendered (for navigation titles). */
  nav: { page: SourcePage; title: string }[];
  labs: { page: SourcePage; title: string }[];
  prev?: { page: SourcePage; title: string };
  next?: { page: SourcePage; title: string };
  /** Extra HTML above the page body (lab downloads, the course outline). */
  before?: string;
  after?: string;
  /** Headings of `before` and `after` for the on-page contents (e.g. the front page's Chapters and Labs). */
  extraToc?: RenderedPage['toc'];
  liveReload?: boolean;
}

// The sidebar lists every page, so building it for every page made laying out a book
// quadratic (~70 ms for 200 chapters). It differs between pages only in the folder the
// links are relative to and in which link is current: built once per folder and build.
const sidebars = new WeakMap<LayoutInput['nav'], Map<string, string>>();

function sidebar(input: LayoutInput, here: string): string {
  const folder = here.slice(0, here.lastIndexOf('/') + 1);
  let byFolder = sidebars.get(input.nav);
  if (!byFolder) sidebars.set(input.nav, (byFolder = new Map()));
  let html = byFolder.get(folder);
  if (html === undefined) byFolder.set(folder, (html = sidebarFrom(input, here)));
  const current = `<li><a href="${relativeHref(here, here)}">`;
  return html.replace(current, `${current.slice(0, -1)} aria-current="page">`);
}

/**
 * List items nested by their page's depth (an mdBook's sub-chapters, the pages of a
 * sub-folder): a deeper item opens an `<ol>` inside the item before it.
 */
function nested<T extends { page: SourcePage }>(items: T[], li: (item: T) => string): string {
  let html = '';
  let depth = 0;
  items.forEach((item, i) => {
    const d = i === 0 ? 0 : Math.min(item.page.depth ?? 0, depth + 1);
    const open = li(item).replace(/<\/li>$/, '');
    if (i > 0 && d > depth) html += '<ol>';
    else if (i > 0) {
      html += '</li>';
      for (; depth > d; depth--) html += '</ol></li>';
    }
    depth = d;
    html += open;
  });
  if (items.length) html += '</li>';
  for (; depth > 0; depth--) html += '</ol></li>';
  return html;
}

function sidebarFrom(input: LayoutInput, here: string): string {
  const link = (p: SourcePage, title: string) => `<li><a href="${relativeHref(here, p.href)}">${esc(title)}</a></li>`;
  const parts: string[] = [];
  let part: string | undefined;
  let items: { page: SourcePage; title: string }[] = [];
  const flush = () => {
    if (items.length) parts.push(`${part ? `<p class="nav-part">${esc(part)}</p>` : ''}<ol class="nav-chapters">${nested(items, (n) => link(n.page, n.title))}</ol>`);
    items = [];
  };
  for (const n of input.nav) {
    if (n.page.part !== part) {
      flush();
      part = n.page.part;
    }
    items.push(n);
  }
  flush();
  const labs = input.labs.length ? `<p class="nav-part">Labs</p><ul class="nav-labs">${input.labs.map((l) => link(l.page, l.title)).join('')}</ul>` : '';
  return `<nav class="sidebar" id="sidebar" aria-label="Chapters">
<p class="book-title"><a href="${relativeHref(here, 'index.html')}">${esc(input.course.title)}</a></p>
${parts.join('\n')}
${labs}
<p class="nav-print"><a href="${relativeHref(here, 'print.html')}">Whole book on one page (print)</a></p>
</nav>`;
}

/** The chapter's summary, time, level, prerequisites and outcomes (also printed in the one-page version). */
export function chapterHeader(input: Pick<LayoutInput, 'page' | 'nav'>, here: string): string {
  const m = input.page.matter;
  if (!m || input.page.page.kind !== 'chapter') return '';
  const facts: string[] = [];
  if (m.time) facts.push(`<div><dt>Time</dt><dd>${esc(m.time)}</dd></div>`);
  if (m.level) facts.push(`<div><dt>Level</dt><dd>${esc(m.level)}</dd></div>`);
  if (m.prerequisites.length) {
    const items = m.prerequisites.map((p) => {
      const target = input.nav.find((n) => n.page.path === `chapters/${p}` || n.page.path === p);
      return target ? `<a href="${relativeHref(here, target.page.href)}">${esc(target.title)}</a>` : esc(p);
    });
    facts.push(`<div><dt>Before this</dt><dd>${items.join(', ')}</dd></div>`);
  }
  const outcomes = m.outcomes.length
    ? `<section class="outcomes" aria-label="What you will be able to do"><p class="outcomes-title">After this chapter you can</p><ul>${m.outcomes.map((o) => `<li>${esc(o)}</li>`).join('')}</ul></section>`
    : '';
  return `<header class="chapter-header">${m.summary ? `<p class="summary">${esc(m.summary)}</p>` : ''}${facts.length ? `<dl class="facts">${facts.join('')}</dl>` : ''}${outcomes}</header>`;
}

/**
 * The on-page contents: a column beside the page on wide screens; on narrower ones a bar under the
 * header that opens the list (a checkbox and its label, so it works without scripts, like the menu).
 */
function toc(entries: RenderedPage['toc']): string {
  if (entries.length < 2) return '';
  return `<nav class="toc" aria-label="On this page"><input type="checkbox" id="toc-toggle" class="toc-toggle" aria-controls="toc-panel" aria-label="Show the contents of this page"><label for="toc-toggle" class="toc-title">On this page</label><div class="toc-panel" id="toc-panel"><ol>${entries
    .map((t) => `<li class="toc-${t.depth}"><a href="#${t.id}">${esc(t.text)}</a></li>`)
    .join('')}</ol><a class="to-top" href="#top">↑ Return to top</a></div></nav>`;
}

/**
 * A page's title heading and the rest of its HTML: the page's own h1 when it
 * opens with one, else an h1 made from the front matter title.
 */
export function titleAndBody(page: RenderedPage): { head: string; body: string } {
  if (/^\s*<h1[\s>]/.test(page.html)) {
    const end = page.html.indexOf('</h1>') + '</h1>'.length;
    return { head: page.html.slice(0, end), body: page.html.slice(end) };
  }
  return { head: `<h1>${esc(page.title)}</h1>`, body: page.html };
}

/** The Previous/Next bar: every chapter and lab page has at least one of the two. */
function pagerNav(input: LayoutInput, here: string): string {
  if (!input.prev && !input.next) return '';
  const a = (rel: 'prev' | 'next', l: NonNullable<LayoutInput['prev']>) =>
    `<a class="${rel}" rel="${rel}" href="${relativeHref(here, l.page.href)}"><span>${rel === 'prev' ? '← Previous' : 'Next →'}</span>${esc(l.title)}</a>`;
  return `<nav class="pager" aria-label="Previous and next">${input.prev ? a('prev', input.prev) : '<span></span>'}${input.next ? a('next', input.next) : '<span></span>'}</nav>`;
}

/**
 * The header that stays on top: the menu button (a checkbox and its label, so the drawer opens
 * without JavaScript), the book's title, search (shown when scripts run) and the theme toggle.
 */
function topbar(input: LayoutInput, here: string): string {
  return `<header class="topbar">
<input type="checkbox" id="nav-toggle" class="nav-toggle" aria-controls="sidebar" aria-label="Show the chapters">
<label for="nav-toggle" class="menu" title="Chapters"><span class="menu-icon" aria-hidden="true"></span><span class="menu-label">Menu</span></label>
<a class="topbar-title" href="${relativeHref(here, 'index.html')}">${esc(input.course.title)}</a>
<div class="search" role="search" hidden><label for="search-input" class="visually-hidden">Search the book</label><input id="search-input" type="search" placeholder="Search" autocomplete="off" role="combobox" aria-expanded="false" aria-controls="search-results" aria-autocomplete="list"><kbd class="search-key" aria-hidden="true">/</kbd><div id="search-results" class="search-results" role="listbox" aria-label="Search results" hidden></div></div>
<button type="button" class="theme-toggle" hidden aria-label="Dark mode" aria-pressed="false"><span aria-hidden="true">◐</span></button>
</header>
<label for="nav-toggle" class="nav-backdrop" aria-hidden="true"></label>`;
}

/** The full HTML document of one page of the book. */
export function layout(input: LayoutInput): string {
  const here = input.page.page.href;
  const asset = (name: string) => relativeHref(here, `assets/${name}`);
  const title = input.page.page.kind === 'index' ? input.course.title : `${input.page.title} · ${input.course.title}`;
  const { head, body } = titleAndBody(input.page);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
${input.page.matter?.summary ? `<meta name="description" content="${esc(input.page.matter.summary)}">` : ''}
<meta name="color-scheme" content="light dark">
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${asset('book.css')}">
<script>try{var t=localStorage.getItem('drydock-theme');if(t)document.documentElement.dataset.theme=t}catch(e){}</script>
</head>
<body id="top">
<a class="skip" href="#main">Skip to content</a>
${topbar(input, here)}
<div class="layout">
${sidebar(input, here)}
${toc([...input.page.toc, ...(input.extraToc ?? [])])}
<main id="main" tabindex="-1">
<article class="page page-${input.page.page.kind}">
${head}
${chapterHeader(input, here)}
${input.before ?? ''}
${body}
${input.after ?? ''}
</article>
${pagerNav(input, here)}
</main>
</div>
${input.page.needsClientMermaid ? `<script src="${asset('mermaid.min.js')}" defer></script>` : ''}
<script src="${asset('book.js')}" defer></script>
${input.liveReload ? '<script src="/__drydock/live.js" defer></script>' : ''}
</body>
</html>
`;
}
