import type { Course } from '../model/course';
import { fillRefs, printSlug } from '../model/print-addresses';
import { chapterHeader, titleAndBody, type LayoutInput, type PrintContext } from './layout';
import type { RenderedPage } from '../render/render';
import { esc } from '../../lib/html';

/**
 * The whole book on one page, for print and PDF: the front page's introduction, every
 * chapter with its summary box, then every lab handout. Each page comes as the renderer
 * made its print version (ids unique per page, links between pages as links inside this
 * one); here the linked pages' titles are filled in.
 */
export function printBook(course: Course, rendered: RenderedPage[], nav: LayoutInput['nav'], labExtras: (r: RenderedPage, print: PrintContext) => string = () => ''): string {
  const titles = new Map(rendered.map((r) => [r.page.href, r.title]));
  const printed = (r: RenderedPage) => {
    const { head, body } = titleAndBody(r.print, r.title);
    // Every page of the book is rendered, so a linked page has its title; its path is a fallback, never reached in a build.
    const title = (target: string) => esc(titles.get(target) ?? target);
    return { head: fillRefs(head, r.print.refs, title), body: fillRefs(body, r.print.refs, title) };
  };
  const section = (r: RenderedPage, className: string, extra?: typeof labExtras) => {
    const { head, body } = printed(r);
    const print = { title: r.title, titles };
    return `<section class="${className}" id="${printSlug(r.page.href)}">${head}${chapterHeader({ page: r, nav }, r.page.href, print)}${extra ? extra(r, print) : ''}${body}</section>`;
  };
  const index = rendered.find((r) => r.page.kind === 'index');
  const chapters = rendered.filter((r) => r.page.kind === 'chapter');
  const labs = rendered.filter((r) => r.page.kind === 'lab');
  // The front page's own heading is the book's title, printed above it.
  const intro = index ? `<section class="print-intro" id="${printSlug(index.page.href)}">${printed(index).body}</section>` : '';
  const contents = [...chapters, ...labs].map((r) => `<li><a href="#${printSlug(r.page.href)}">${esc(r.title)}</a></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(course.title)} (print version)</title><meta name="color-scheme" content="light dark"><link rel="icon" href="data:,"><link rel="stylesheet" href="assets/book.css"></head>
<body class="print-book"><main id="main">
<p class="print-back"><a href="index.html">← Back to the book</a></p>
<h1 class="print-title">${esc(course.title)}</h1>
${intro}
<nav class="print-contents" aria-label="Contents"><h2>Contents</h2><ol>${contents}</ol></nav>
${chapters.map((r) => section(r, 'print-chapter')).join('\n')}
${labs.map((r) => section(r, 'print-lab', labExtras)).join('\n')}
</main></body></html>
`;
}
