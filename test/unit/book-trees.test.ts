// The book keeps its trees: the page's title, its title heading, its print version and the
// sidebar's current link come from trees (not from patterns over HTML), and each source is
// scanned once before it is parsed.
import { join } from 'node:path';
import type { Code } from 'mdast';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { visit } from 'unist-util-visit';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCourse, type SourcePage } from '../../build/model/course';
import { fillRefs, printAddress, refMark } from '../../build/model/print-addresses';
import { diagramSources, scanSource } from '../../build/model/source-scan';
import { highlightWith, makeHighlighter } from '../../build/render/highlight';
import { renderMarkdown, type RenderContext, type RenderedPage } from '../../build/render/render';
import { layout, titleAndBody } from '../../build/site/layout';
import { printBook } from '../../build/site/print';
import { loadLab } from '../../graders/lab/load';
import { esc } from '../../lib/html';
import { ROOT } from '../support/helpers';

const FIXTURE = join(ROOT, 'test/fixtures/course');
let ctx: RenderContext;
const page: SourcePage = { kind: 'chapter', path: 'chapters/01-harbour.md', abs: '', href: '01-harbour.html' };
const other: SourcePage = { kind: 'chapter', path: 'chapters/02-tides.md', abs: '', href: '02-tides.html' };
const md = (body: string, front = 'title: T') => `---\n${front}\n---\n\n${body}\n`;

beforeAll(async () => {
  const course = loadCourse(FIXTURE);
  ctx = { course, labs: new Map([['demo-lab', loadLab(join(FIXTURE, 'labs/demo-lab'))]]), highlight: highlightWith(await makeHighlighter([])), mermaid: new Map() };
});

describe('title and title heading, from the tree', () => {
  it('titles a page without front matter by the text of its first h1, entities and all', () => {
    const r = renderMarkdown(ctx, page, '# Ships & \\<quays>\n\nText.\n');
    // Taken from the HTML, this was "Ships &#x26; &#x3C;quays>" (escaped twice in the layout).
    expect(r.title).toBe('Ships & <quays>');
    const { head, body } = titleAndBody(r, r.title);
    expect(head).toBe('<h1 id="ships--quays">Ships &#x26; &#x3C;quays><a class="anchor" href="#ships--quays" aria-label="Link to this section">#</a></h1>');
    expect(body).toBe('\n<p>Text.</p>');
    expect(head + body).toBe(r.html);
  });
  it('makes the heading from the title when the page opens with something else', () => {
    const r = renderMarkdown(ctx, page, md('Intro.\n\n# Later', 'title: "Tides & currents"'));
    expect(r.headEnd).toBe(0);
    expect(titleAndBody(r, r.title)).toEqual({ head: '<h1>Tides &amp; currents</h1>', body: r.html });
  });
});

describe('print version, from the tree', () => {
  let r: RenderedPage;
  beforeAll(() => {
    const svg = (id: string) => `<svg id="${id}" viewBox="0 0 10 10"><g id="actor0"></g></svg>`;
    const mermaid = new Map([['graph TD\n  A-->B', { svg: svg('mermaid-l'), svgDark: svg('mermaid-d') }]]);
    r = renderMarkdown(
      { ...ctx, mermaid },
      page,
      md('## Dock\n\nSee [tides](02-tides.md#high-water), [here](#dock), ![a crane](img/crane.svg) and <span id="raw">raw</span>.\n\n1. Why?\n\n:::details\nBecause.\n:::\n\n::lab{id=demo-lab}\n\n```mermaid\ngraph TD\n  A-->B\n```', 'title: Harbour'),
    );
  });
  it('keeps the screen version as it was', () => {
    expect(r.html).toContain('<h2 id="dock">');
    expect(r.html).toContain('href="02-tides.html#high-water"');
    expect(r.html).toContain('<div class="mermaid-dark">');
  });
  it('gives ids the page slug, in elements and in raw HTML, but leaves Mermaid ids', () => {
    expect(r.print.html).toContain('<h2 id="01-harbour--dock">');
    expect(r.print.html).toContain('<span id="01-harbour--raw">');
    expect(r.print.html).toContain('<svg id="mermaid-l"');
    expect(r.print.html).toContain('<g id="01-harbour--actor0">');
    expect(r.print.html).not.toContain(' id="dock"');
  });
  it('turns links between pages into links inside the one page, with a mark for the title', () => {
    expect(r.print.refs).toEqual(['02-tides.html', 'labs/demo-lab.html', 'labs/demo-lab.html']);
    expect(r.print.html).toContain(`href="#02-tides--high-water" data-ref="${refMark(0)}"`);
    expect(r.print.html).toContain('href="#01-harbour--dock"');
    expect(r.print.html).toContain('src="media/chapters/img/crane.svg"');
  });
  it('leaves out the dark drawing and page addresses, and names landmarks with the page title', () => {
    expect(r.print.html).not.toContain('mermaid-dark');
    expect(r.print.html).not.toContain('mermaid-d');
    expect(r.print.html).toContain('<div class="mermaid-paper">');
    expect(r.print.html).not.toContain('data-url');
    expect(r.print.html).toContain('aria-label="Answer key — Harbour"');
    expect(r.print.html).toContain('aria-label="Lab: Dock a ship — Harbour"');
  });
  it('fills in the linked pages titles in the one-page book', () => {
    const tides = { ...renderMarkdown(ctx, other, md('Tides.', 'title: "High & low"')), page: other };
    const book = printBook(ctx.course, [{ ...r, page }, tides], []);
    expect(book).toContain('<section class="print-chapter" id="01-harbour">');
    expect(book).toContain('href="#02-tides--high-water" data-ref="High &amp; low"');
    expect(book).not.toContain('\uE000');
  });
  it('reads addresses and fills marks as the one-page version needs', () => {
    const pages = new Set(['a/b.html', 'c.html']);
    expect(printAddress('a/x.html', pages, 'href', 'b.html#top')).toEqual({ value: '#a-b--top', ref: 'a/b.html' });
    expect(printAddress('a/x.html', pages, 'href', '../c.html')).toEqual({ value: '#c', ref: 'c.html' });
    expect(printAddress('a/x.html', pages, 'src', 'img.png')).toEqual({ value: 'a/img.png' });
    expect(printAddress('a/x.html', pages, 'href', 'https://example.org/#x')).toEqual({ value: 'https://example.org/#x' });
    expect(printAddress('a/x.html', pages, 'id', 'top')).toEqual({ value: 'a-x--top' });
    expect(fillRefs(`<a data-ref="${refMark(1)}">${refMark(0)}</a>`, ['c.html', 'a/b.html'], (t) => t.toUpperCase())).toBe('<a data-ref="A/B.HTML">C.HTML</a>');
  });
});

describe('sidebar, from its tree', () => {
  const rendered = (p: SourcePage, title: string): RenderedPage => ({ ...renderMarkdown(ctx, p, md('Body.', `title: ${title}`)), page: p });
  it('marks the current page on its own link only, and nests sub-chapters', () => {
    const pages: SourcePage[] = [
      { kind: 'chapter', path: 'chapters/a.md', abs: '', href: 'a.html', depth: 0 },
      { kind: 'chapter', path: 'chapters/a1.md', abs: '', href: 'a1.html', depth: 1 },
      { kind: 'chapter', path: 'chapters/b.md', abs: '', href: 'b.html', depth: 0 },
    ];
    const nav = pages.map((p, i) => ({ page: p, title: ['A', 'A.1', 'B'][i] }));
    const html = (p: SourcePage) => layout({ course: ctx.course, page: rendered(p, 'x'), nav, labs: [] });
    const sidebar = (p: SourcePage) => /<nav class="sidebar"[^]*?<\/nav>/.exec(html(p))![0];
    expect(sidebar(pages[1])).toContain('<ol class="nav-chapters"><li><a href="a.html">A</a><ol><li><a href="a1.html" aria-current="page">A.1</a></li></ol></li><li><a href="b.html">B</a></li></ol>');
    for (const p of pages) expect(sidebar(p).match(/aria-current/g)).toHaveLength(1);
    expect(sidebar(pages[2])).toContain('<a href="b.html" aria-current="page">B</a>');
    // Built once for the folder: the first page's mark does not stay for the next.
    expect(sidebar(pages[0])).not.toContain('<a href="b.html" aria-current');
  });
});

describe('one scan of each source', () => {
  it('finds fences at any depth of list, as the parser reads them, and mdBook includes', () => {
    const text = '1. One\n\n   - Two\n\n     ```mermaid\n     graph TD\n       A-->B\n     ```\n\n```go\n{{#include code/main.go:2:5}}\n```\n\n> ```sh\n> ls\n> ```\n';
    const parsed: string[] = [];
    visit(fromMarkdown(text), 'code', (n: Code) => void (n.lang === 'mermaid' && parsed.push(n.value)));
    const scan = scanSource(text);
    expect(diagramSources(scan)).toEqual(parsed);
    expect(scan.fences.map((f) => f.lang)).toEqual(['mermaid', 'go']);
    expect(scan.includes).toEqual(['code/main.go:2:5']);
  });
});

describe('escaping', () => {
  it('escapes text and attribute values with named references', () => {
    expect(esc(`<a href="x">Tom & Jerry's</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry\'s&lt;/a&gt;');
  });
});
