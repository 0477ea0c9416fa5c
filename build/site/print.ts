import { posix } from 'node:path';
import type { Course } from '../model/course';
import { chapterHeader, titleAndBody, type LayoutInput } from './layout';
import type { RenderedPage } from '../render/render';
import { esc } from '../../lib/html';

const REWRITE = /\s(id|aria-labelledby|aria-controls|href|src)="([^"]*)"|<div class="mermaid-dark"><svg[^]*?<\/svg><\/div>|<div class="mermaid-light">|\sdata-url="[^"]*"|(<section class="[^"]*" aria-label=")([^"]*)"/g;

/** The anchor a page gets in the one-page version: its output path without `.html`, slashes as dashes. */
const slugOf = (href: string) => href.replace(/\.html$/, '').replace(/\//g, '-');

/**
 * The whole book on one page, for print and PDF: the front page's introduction, every
 * chapter with its summary box, then every lab handout. Ids are made unique per page and
 * links between pages become links inside this one.
 */
export function printBook(course: Course, rendered: RenderedPage[], nav: LayoutInput['nav'], labExtras: (r: RenderedPage) => string = () => ''): string {
  const titles = new Map(rendered.map((r) => [r.page.href, r.title]));
  const section = (r: RenderedPage, className: string, extra = '') => {
    const slug = slugOf(r.page.href);
    const dir = posix.dirname(r.page.href);
    const { head, body } = titleAndBody(r);
    // One pass over the page: ids made unique, links between pages turned into links inside this one,
    // and the dark drawings of diagrams left out (paper is light).
    // Landmarks get the page's title in their name (every chapter has "What you will be able to do"),
    // and page addresses leave the lab cards (paper shows the section a link leads to instead).
    const html = (head + chapterHeader({ page: r, nav }, r.page.href) + extra + body).replace(REWRITE, (all, attr: string | undefined, value: string | undefined, section: string | undefined, label: string | undefined) => {
      if (section !== undefined) return `${section}${label} — ${esc(r.title)}"`;
      if (attr === undefined) return all.startsWith('<div class="mermaid-dark">') ? '' : all.startsWith(' data-url') ? '' : '<div class="mermaid-paper">';
      if (value!.startsWith('mermaid-') || value!.startsWith('#mermaid-')) return all;
      if (attr === 'id' || attr === 'aria-labelledby' || attr === 'aria-controls') return ` ${attr}="${slug}--${value}"`;
      if (value!.startsWith('#')) return ` ${attr}="#${slug}--${value!.slice(1)}"`;
      if (/^[a-z]+:|^\//.test(value!)) return all;
      const hash = value!.indexOf('#');
      const path = hash < 0 ? value! : value!.slice(0, hash);
      const target = posix.normalize(posix.join(dir, path));
      if (attr === 'href' && titles.has(target)) return ` href="#${slugOf(target)}${hash < 0 ? '' : `--${value!.slice(hash + 1)}`}" data-ref="${esc(titles.get(target)!)}"`;
      return ` ${attr}="${target}${hash < 0 ? '' : value!.slice(hash)}"`;
    });
    return `<section class="${className}" id="${slug}">${html}</section>`;
  };
  const index = rendered.find((r) => r.page.kind === 'index');
  const chapters = rendered.filter((r) => r.page.kind === 'chapter');
  const labs = rendered.filter((r) => r.page.kind === 'lab');
  const intro = index ? section({ ...index, html: titleAndBody(index).body }, 'print-intro').replace(/<h1>[^]*?<\/h1>/, '') : '';
  const contents = [...chapters, ...labs].map((r) => `<li><a href="#${slugOf(r.page.href)}">${esc(r.title)}</a></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(course.title)} (print version)</title><meta name="color-scheme" content="light dark"><link rel="icon" href="data:,"><link rel="stylesheet" href="assets/book.css"></head>
<body class="print-book"><main id="main">
<p class="print-back"><a href="index.html">← Back to the book</a></p>
<h1 class="print-title">${esc(course.title)}</h1>
${intro}
<nav class="print-contents" aria-label="Contents"><h2>Contents</h2><ol>${contents}</ol></nav>
${chapters.map((r) => section(r, 'print-chapter')).join('\n')}
${labs.map((r) => section(r, 'print-lab', labExtras(r))).join('\n')}
</main></body></html>
`;
}
