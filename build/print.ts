import { posix } from 'node:path';
import type { Course } from './course';
import { chapterHeader, titleAndBody, type LayoutInput } from './layout';
import type { RenderedPage } from './render';
import { esc } from '../lib/html';

/** The anchor a page gets in the one-page version: its output path without `.html`, slashes as dashes. */
const slugOf = (href: string) => href.replace(/\.html$/, '').replace(/\//g, '-');

/**
 * The whole book on one page, for print and PDF: the front page's introduction, every
 * chapter with its summary box, then every lab handout. Ids are made unique per page and
 * links between pages become links inside this one.
 */
export function printBook(course: Course, rendered: RenderedPage[], nav: LayoutInput['nav'], labExtras: (r: RenderedPage) => string = () => ''): string {
  const pages = new Set(rendered.map((r) => r.page.href));
  const section = (r: RenderedPage, className: string, extra = '') => {
    const slug = slugOf(r.page.href);
    const dir = posix.dirname(r.page.href);
    const { head, body } = titleAndBody(r);
    const html = (head + chapterHeader({ page: r, nav }, r.page.href) + extra + body)
      .replace(/\sid="(?!mermaid-)([^"]+)"/g, ` id="${slug}--$1"`)
      .replace(/\s(aria-labelledby|aria-controls)="([^"]+)"/g, (_m, attr, id) => ` ${attr}="${slug}--${id}"`)
      .replace(/href="#(?!mermaid-)([^"]+)"/g, `href="#${slug}--$1"`)
      .replace(/(href|src)="(?![a-z]+:|#|\/)([^"#]+)(#[^"]*)?"/g, (m, attr, path: string, anchor?: string) => {
        const target = posix.normalize(posix.join(dir, path));
        if (attr === 'href' && pages.has(target)) return `href="#${slugOf(target)}${anchor ? `--${anchor.slice(1)}` : ''}"`;
        return `${attr}="${target}${anchor ?? ''}"`;
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
