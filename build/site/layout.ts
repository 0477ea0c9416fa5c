import type { Element, ElementContent, Root, RootContent } from 'hast';
import { toHtml } from 'hast-util-to-html';
import { h } from 'hastscript';
import type { Course, SourcePage } from '../model/course';
import { relativeHref } from '../model/course';
import { printAddress } from '../model/print-addresses';
import type { PageHtml, RenderedPage } from '../render/render';
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

/**
 * The sidebar as HTML in pieces: each page's link stands alone, so the current page's
 * link can be marked without stringifying the rest again.
 */
interface SidebarPieces {
  pieces: string[];
  /** The piece of each page's link, and its link node, by output path. */
  links: Map<string, { piece: number; node: Element }>;
}

// The sidebar lists every page, so building it for every page made laying out a book
// quadratic (~70 ms for 200 chapters). It differs between pages only in the folder the
// links are relative to and in which link is current: built once per folder and build.
const sidebars = new WeakMap<LayoutInput['nav'], Map<string, SidebarPieces>>();

function sidebar(input: LayoutInput, here: string): string {
  const folder = here.slice(0, here.lastIndexOf('/') + 1);
  let byFolder = sidebars.get(input.nav);
  if (!byFolder) sidebars.set(input.nav, (byFolder = new Map()));
  let built = byFolder.get(folder);
  if (built === undefined) byFolder.set(folder, (built = inPieces(sidebarTree(input, here))));
  const current = built.links.get(here);
  if (!current) return built.pieces.join('');
  const pieces = [...built.pieces];
  pieces[current.piece] = toHtml({ ...current.node, properties: { ...current.node.properties, ariaCurrent: 'page' } });
  return pieces.join('');
}

/** Stringifies `tree` so that each page link (an `a` with `data-page`, which is dropped) is a piece of its own. */
function inPieces(tree: Root): SidebarPieces {
  const pieces: string[] = [''];
  const links = new Map<string, { piece: number; node: Element }>();
  const holdsLinks = (node: RootContent): boolean => node.type === 'element' && (node.properties.dataPage !== undefined || node.children.some(holdsLinks));
  const add = (node: RootContent) => {
    if (node.type === 'element' && typeof node.properties.dataPage === 'string') {
      const { dataPage, ...properties } = node.properties;
      const link = { ...node, properties };
      links.set(dataPage, { piece: pieces.length, node: link });
      pieces.push(toHtml(link), '');
    } else if (holdsLinks(node)) {
      const element = node as Element;
      const close = `</${element.tagName}>`;
      pieces[pieces.length - 1] += toHtml({ ...element, children: [] }).slice(0, -close.length);
      element.children.forEach(add);
      pieces[pieces.length - 1] += close;
    } else pieces[pieces.length - 1] += toHtml(node);
  };
  tree.children.forEach(add);
  return { pieces, links };
}

/**
 * List items nested by their page's depth (an mdBook's sub-chapters, the pages of a
 * sub-folder): a deeper item opens an `<ol>` inside the item before it.
 */
function nested<T extends { page: SourcePage }>(items: T[], li: (item: T) => Element): Element[] {
  const top: Element[] = [];
  // The list each depth adds to, and the item a deeper one nests under.
  const lists: Element[][] = [top];
  let last: Element | undefined;
  items.forEach((item, i) => {
    const d = i === 0 ? 0 : Math.min(item.page.depth ?? 0, lists.length);
    if (i > 0 && d >= lists.length) {
      const ol = h('ol');
      last!.children.push(ol);
      lists.push(ol.children as Element[]);
    }
    lists.length = d + 1;
    last = li(item);
    lists[d].push(last);
  });
  return top;
}

function sidebarTree(input: LayoutInput, here: string): Root {
  const link = (p: SourcePage, title: string) => h('li', [h('a', { href: relativeHref(here, p.href), dataPage: p.href }, title)]);
  const parts: ElementContent[] = [];
  let part: string | undefined;
  let items: { page: SourcePage; title: string }[] = [];
  const flush = () => {
    if (items.length) {
      if (parts.length) parts.push({ type: 'text', value: '\n' });
      if (part) parts.push(h('p', { className: ['nav-part'] }, part));
      parts.push(h('ol', { className: ['nav-chapters'] }, nested(items, (n) => link(n.page, n.title))));
    }
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
  const labs = input.labs.length ? [h('p', { className: ['nav-part'] }, 'Labs'), h('ul', { className: ['nav-labs'] }, input.labs.map((l) => link(l.page, l.title)))] : [];
  const nl = { type: 'text', value: '\n' } as const;
  return {
    type: 'root',
    children: [
      h('nav', { className: ['sidebar'], id: 'sidebar', ariaLabel: 'Chapters' }, [
        nl,
        h('p', { className: ['book-title'] }, h('a', { href: relativeHref(here, 'index.html') }, input.course.title)),
        nl,
        ...parts,
        nl,
        ...labs,
        nl,
        h('p', { className: ['nav-print'] }, h('a', { href: relativeHref(here, 'print.html') }, 'Whole book on one page (print)')),
        nl,
      ]),
    ],
  };
}

/** In the one-page version: the page being printed, the book's pages and their titles. */
export interface PrintContext {
  title: string;
  titles: Map<string, string>;
}

/**
 * The chapter's summary, time, level, prerequisites and outcomes; in the one-page version
 * (`print`) its links lead to the chapters' sections there and its landmark is named with the chapter's title.
 */
export function chapterHeader(input: Pick<LayoutInput, 'page' | 'nav'>, here: string, print?: PrintContext): string {
  const m = input.page.matter;
  if (!m || input.page.page.kind !== 'chapter') return '';
  const facts: string[] = [];
  if (m.time) facts.push(`<div><dt>Time</dt><dd>${esc(m.time)}</dd></div>`);
  if (m.level) facts.push(`<div><dt>Level</dt><dd>${esc(m.level)}</dd></div>`);
  if (m.prerequisites.length) {
    const items = m.prerequisites.map((p) => {
      const target = input.nav.find((n) => n.page.path === `chapters/${p}` || n.page.path === p);
      if (!target) return esc(p);
      const href = relativeHref(here, target.page.href);
      const to = print && printAddress(here, new Set(print.titles.keys()), 'href', href);
      const attributes = !to ? `href="${href}"` : `href="${to.value}"${to.ref ? ` data-ref="${esc(print.titles.get(to.ref)!)}"` : ''}`;
      return `<a ${attributes}>${esc(target.title)}</a>`;
    });
    facts.push(`<div><dt>Before this</dt><dd>${items.join(', ')}</dd></div>`);
  }
  const outcomes = m.outcomes.length
    ? `<section class="outcomes" aria-label="What you will be able to do${print ? ` — ${esc(print.title)}` : ''}"><p class="outcomes-title">After this chapter you can</p><ul>${m.outcomes.map((o) => `<li>${esc(o)}</li>`).join('')}</ul></section>`
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
 * opens with one (the renderer marks where it ends), else an h1 made from the title.
 */
export function titleAndBody(page: PageHtml, title: string): { head: string; body: string } {
  if (page.headEnd > 0) return { head: page.html.slice(0, page.headEnd), body: page.html.slice(page.headEnd) };
  return { head: `<h1>${esc(title)}</h1>`, body: page.html };
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
  const { head, body } = titleAndBody(input.page, input.page.title);
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
