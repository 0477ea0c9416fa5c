// Each plugin: markdown in, assertions on the HTML out, and each error case with its file:line.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allPages, loadCourse, type SourcePage } from '../build/course';
import { fencedBlocks, highlightWith, makeHighlighter, requestedLanguage } from '../build/highlight';
import { generateCourse } from '../bench/gen-course';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { visit } from 'unist-util-visit';
import type { Code } from 'mdast';
import { renderMarkdown, type RenderContext, type RenderedPage } from '../build/render';
import { mermaidSources } from '../build/mermaid';
import { tidyMermaidError } from '../build/plugins/remark-mermaid';
import { PAGES_PER_WORKER, renderHere, renderPages, workersFor, type RenderTask } from '../build/render-pool';
import { loadSearchIndexer, searchDocs } from '../build/search-index';
import { buildBook } from '../build/site';
import { loadLab } from '../graders/lab';
import { formatProblem } from '../lib/yaml-schema';
import { ROOT } from './helpers';

const FIXTURE = join(ROOT, 'test/fixtures/course');
let ctx: RenderContext;
const page: SourcePage = { kind: 'chapter', path: 'chapters/01-harbour.md', abs: '', href: '01-harbour.html' };
const md = (body: string, front = 'title: T') => `---\n${front}\n---\n\n${body}\n`;
const render = (text: string) => renderMarkdown(ctx, page, text);

beforeAll(async () => {
  const course = loadCourse(FIXTURE);
  ctx = { course, labs: new Map([['demo-lab', loadLab(join(FIXTURE, 'labs/demo-lab'))]]), highlight: highlightWith(await makeHighlighter()), mermaid: new Map() };
});

describe('front matter', () => {
  it('keeps validated fields', () => {
    const r = render(md('Hello', 'title: Tides\ntime: 5 min\nlevel: beginner\noutcomes: [swim]'));
    expect(r.matter).toMatchObject({ title: 'Tides', time: '5 min', level: 'beginner', outcomes: ['swim'] });
    expect(r.problems).toEqual([]);
  });
  it('reports an unknown key and a wrong type at their line', () => {
    const r = render(md('Hello', 'title: Tides\ncolour: blue\noutcomes: 3'));
    expect(r.problems.map(formatProblem).sort()).toEqual([
      'chapters/01-harbour.md:3:1 Unrecognized key: "colour"',
      expect.stringMatching(/^chapters\/01-harbour\.md:4:11 outcomes: .*expected array/),
    ]);
  });
  it('requires front matter on a chapter', () => {
    expect(render('Just text').problems[0].message).toMatch(/front matter/);
  });
});

describe('ASCII figures', () => {
  it('turns an ascii fence into a captioned, labelled figure with every column kept', () => {
    const art = '┌──┐   x\n│  │  yy\n└──┘';
    const r = render(md('```ascii title="Box"\n' + art + '\n```'));
    expect(r.html.startsWith('<figure class="ascii-figure">')).toBe(true);
    expect(r.html).toContain('<figure class="ascii-figure"><div class="ascii-scroll scroll-x" role="img" aria-label="Box" tabindex="0"><pre class="ascii">' + art + '</pre></div><p class="scroll-hint"></p><figcaption>Box</figcaption></figure>');
  });
  it('treats a text fence with box-drawing characters as a diagram, and plain text as code', () => {
    expect(render(md('```text\n├─ a\n```')).html).toContain('ascii-figure');
    expect(render(md('```text\nplain\n```')).html).not.toContain('ascii-figure');
  });
});

describe('answer drawers', () => {
  it('renders a closed native details with the label as summary, and a print answer key', () => {
    const r = render(md('Q?\n\n:::details[Show answer]\nThe **logbook**.\n:::'));
    expect(r.html).toMatch(/<details class="drawer" id="answer-1"><summary>Show answer<\/summary><div class="drawer-body">\s*<p>The <strong>logbook<\/strong>.<\/p>\s*<\/div><\/details>/);
    expect(r.html).not.toMatch(/<details[^>]* open/);
    expect(r.html).toMatch(/<section class="answer-key" aria-label="Answer key">[\s\S]*Answer 1[\s\S]*logbook/);
    expect(r.drawers).toBe(1);
  });
});

describe('answer numbering', () => {
  it('puts a drawer written after a numbered question under it, and numbers its answer like the question', () => {
    const r = render(md('## Check\n\n1. First?\n\n:::details[Show answer]\nOne.\n:::\n\n2. Second?\n\n:::details[Show answer]\nTwo.\n:::\n\n## Interview\n\n**Q1. Why?**\n\n:::details[Model answer]\nBecause.\n:::\n\n:::details[Loose]\nAside.\n:::'));
    expect(r.problems).toEqual([]);
    // One list, each drawer inside its question's item.
    expect(r.html.match(/<ol/g)).toHaveLength(1);
    expect(r.html).toMatch(/<li>First\?\s*<details class="drawer"/);
    const key = r.html.slice(r.html.indexOf('answer-key'));
    expect([...key.matchAll(/class="key-label"><strong>([^<]+)</g)].map((m) => m[1])).toEqual(['Question 1', 'Question 2', 'Q1', 'Answer 1']);
    expect(key).toMatch(/<h3[^>]*>Check[\s\S]*Question 1[\s\S]*<h3[^>]*>Interview/);
  });
});

describe('quizzes', () => {
  const quiz = (body: string) => render(md(body));
  const good = ':::quiz[Predict the output]\nWhat does `echo $((1+1))` print?\n\n- [ ] `$((1+1))`\n  The shell expands it first.\n- [x] `2`\n  Arithmetic expansion happens before echo runs.\n:::';
  it('renders the question, lettered options and a closed drawer explaining each option, gathered into the answer key', () => {
    const r = quiz(good);
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([]);
    expect(r.html).toContain('<section class="quiz" id="quiz-1" data-quiz="1" aria-labelledby="quiz-1-title"><p class="quiz-kicker" id="quiz-1-title">Quiz 1 · Predict the output</p>');
    expect(r.html).toContain('<ol class="quiz-options" type="A">');
    expect(r.html).toContain('<li data-correct="false" data-option="A"><code>$((1+1))</code></li>');
    expect(r.html).toContain('<li data-correct="true" data-option="B"><code>2</code></li>');
    expect(r.html).toMatch(/<details class="drawer" id="answer-1"><summary>Show the answer<\/summary>[\s\S]*data-option="B" data-correct="true">\s*<p><strong>B\. <code>2<\/code> — right\.<\/strong><\/p>\s*<p>Arithmetic expansion happens before echo runs\.<\/p>/);
    expect(r.html).toMatch(/class="answer-key"[\s\S]*<strong>Quiz 1<\/strong>[\s\S]*Arithmetic expansion/);
  });
  it('takes the explanation after a blank line too, and allows several right options', () => {
    const r = quiz(':::quiz\nPick the even numbers.\n\n- [x] 2\n\n  Two is even.\n\n- [x] 4\n\n  Four is even.\n\n- [ ] 5\n\n  Five is odd.\n:::');
    expect(r.problems).toEqual([]);
    expect(r.html.match(/data-correct="true" data-option/g)).toHaveLength(2);
    expect(r.html).toContain('Five is odd.');
  });
  it('fails a quiz without a correct option, with its file and line', () => {
    const r = quiz('Intro.\n\n:::quiz\nWhich?\n\n- [ ] A\n  No.\n- [ ] B\n  No.\n:::');
    expect(r.problems.map(formatProblem)).toEqual([expect.stringMatching(/^chapters\/01-harbour\.md:7:1 this :::quiz has no correct option: mark the right one with "- \[x\]"/)]);
  });
  it('fails an option without an explanation, at the option\'s line', () => {
    const r = quiz(':::quiz\nWhich?\n\n- [x] A\n  Yes.\n- [ ] B\n:::');
    expect(r.problems.map(formatProblem)).toEqual([expect.stringMatching(/^chapters\/01-harbour\.md:10:1 option B \("B"\) of this :::quiz has no explanation/)]);
  });
  it('fails a quiz whose options are not a task list', () => {
    const r = quiz(':::quiz\nWhich?\n\n- A\n- B\n:::');
    expect(r.problems[0].message).toMatch(/needs its options as a task list/);
  });
});

describe('callouts', () => {
  it.each([
    ['note', 'Note'], ['tip', 'Tip'], ['warning', 'Warning'], ['danger', 'Danger'], ['production', 'In production'],
  ])(':::%s is labelled "%s"', (name, label) => {
    expect(render(md(`:::${name}\nBody\n:::`)).html).toContain(`<aside class="callout callout-${name}" aria-label="${label}"><p class="callout-title"><strong>${label}</strong></p>`);
  });
  it('takes an optional title', () => {
    expect(render(md(':::warning[Hot]\nBody\n:::')).html).toContain('<strong>Warning: Hot</strong>');
  });
  it("accepts GitHub's > [!NOTE] form", () => {
    const html = render(md('> [!TIP]\n> Use digests.')).html;
    expect(html).toContain('callout-tip');
    expect(html).toContain('Use digests.');
    expect(html).not.toContain('[!TIP]');
  });
});

describe('directives nobody handles', () => {
  it('leaves colons in prose as written: image tags, ratios, emoji shortcodes', () => {
    const r = render(md('Ship `static` as gcr.io/distroless/static:nonroot, scale a:b, or :rocket:[go]{x=1} **bold:word**.'));
    expect(r.html).toContain('<p>Ship <code>static</code> as gcr.io/distroless/static:nonroot, scale a:b, or :rocket:[go]{x=1} <strong>bold:word</strong>.</p>');
    expect(r.warnings).toEqual([]);
  });

  it.each([
    ['::: details Show answer', ':::details[Show answer]'],
    [':::details Show answer', ':::details[Show answer]'],
    ['::: tip', ':::tip'],
    ['::::warning  Hot stuff', '::::warning[Hot stuff]'],
  ])('fails "%s", written in another tool\'s syntax, naming the fix %s', (opening, fix) => {
    const r = render(md(`Intro.\n\n${opening}\nThe answer.\n:::`));
    expect(r.problems.map((p) => [p.line, p.column])).toEqual([[7, 1]]);
    expect(r.problems[0].message).toContain(`write ${fix} (no space after the colons, a title in [brackets])`);
  });

  it('does not mistake prose that merely contains colons for a directive', () => {
    expect(render(md('Ratios such as 3:::4 and a line\n::: in the middle are prose.')).problems).toEqual([]);
  });

  it('keeps nested drawers in the answer key without warnings', () => {
    const r = render(md('::::details[Outer]\nC\n\n:::details[Inner]\nD\n:::\n\n::::'));
    expect(r.warnings).toEqual([]);
    expect(r.html).toContain('<summary>Inner</summary>');
  });

  it('warns about an unknown block directive with its line, and keeps what it held', () => {
    const r = render(md('Intro.\n\n::labz{id=x}\n\n:::notice[Heads up]\nKeep me.\n:::'));
    expect(r.problems).toEqual([]);
    expect(r.warnings.map((w) => [w.line, w.message.split(' (')[0]])).toEqual([
      [7, 'unknown directive ::labz'],
      [9, 'unknown directive :::notice'],
    ]);
    expect(r.warnings[0].message).toContain(':::note, :::tip, :::warning, :::danger, :::production, :::details, :::quiz, :::screen, :::print and ::lab');
    expect(r.html).toContain('<p>::labz{id=x}</p>');
    expect(r.html).toMatch(/<div><p>Heads up<\/p>\s*<p>Keep me.<\/p><\/div>/);
  });
});

describe('lab card', () => {
  it('renders title, checks and points from the lab definition', () => {
    const html = render(md('::lab{id=demo-lab}')).html;
    expect(html).toContain('<a href="labs/demo-lab.html" data-url="labs/demo-lab.html">Dock a ship</a>');
    expect(html).toContain('<td><code>graceful-stop</code></td>');
    expect(html).toContain('7 points in all.');
  });
  it('fails on an unknown lab id with the line', () => {
    const r = render(md('Intro\n\n::lab{id=nope}'));
    expect(formatProblem(r.problems[0])).toMatch(/^chapters\/01-harbour\.md:7:1 unknown lab id "nope"/);
  });
});

describe('code blocks', () => {
  it.each([
    ['dockerfile', 'FROM x AS build'], ['bash', 'echo "hi" # say it'], ['sh', 'ls -la'], ['go', 'func main() { return }'],
    ['yaml', 'key: "value"'], ['json', '{"a": 1}'],
  ])('highlights %s at build time with a title and a copy button', (lang, code) => {
    const html = render(md('```' + lang + ' title="example"\n' + code + '\n```')).html;
    expect(html.startsWith('<figure class="code-block">')).toBe(true);
    // The title and the copy button share a bar above the code, so the button never covers it.
    expect(html).toContain('<figcaption class="code-head"><span class="code-title">example</span><button type="button" class="copy" hidden');
    expect(html).toContain('class="copy"');
    expect(html).toMatch(/<pre class="shiki css-variables"[^>]* tabindex="0" data-lang="/);
    expect(html).toContain('color:var(--shiki-token-');
  });

  it('highlights any language shiki bundles, by name or alias, once its grammar is loaded', async () => {
    const hl = highlightWith(await makeHighlighter(['rs', 'hcl']));
    const html = renderMarkdown({ ...ctx, highlight: hl }, page, md('```rs\nfn main() { let x = 1; }\n```\n\n```HCL\nresource "a" "b" {}\n```')).html;
    expect(html).toMatch(/data-lang="rs"[\s\S]*color:var\(--shiki-token-keyword\)[^>]*>fn</);
    expect(html).toMatch(/data-lang="hcl"[\s\S]*color:var\(--shiki-token-/);
  });

  it('warns with file and line about a language shiki does not know, and shows the code as plain text', () => {
    const r = render(md('Intro.\n\n```klingon\nqapla\n```\n\n```output\nok\n```'));
    expect(r.problems).toEqual([]);
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatchObject({ file: 'chapters/01-harbour.md', line: 7, column: 1 });
    expect(r.warnings[0].message).toMatch(/code language "klingon" is not one shiki knows: shown as plain text/);
    expect(r.html).toMatch(/data-lang="text"[^>]*>.*qapla/s);
    expect(r.html).not.toContain('--shiki-token-');
  });
});

describe('links', () => {
  it('rewrites chapter links with anchors to built pages', () => {
    const r = render(md('[t](02-tides.md#high-water) [lab](../labs/demo-lab/README.md)'));
    expect(r.html).toContain('href="02-tides.html#high-water"');
    expect(r.html).toContain('href="labs/demo-lab.html"');
  });
  it('fails a link to a page that is not in the book, with its line', () => {
    const r = render(md('Line\n\nSee [x](03-missing.md).'));
    expect(formatProblem(r.problems[0])).toBe('chapters/01-harbour.md:7:5 broken link: 03-missing.md (no such page in the book)');
  });
});

describe('local files', () => {
  it('publishes images beside the chapters and rewrites their URLs', () => {
    const r = render(md('![A crane](img/crane.svg)'));
    expect(r.html).toContain('<img src="media/chapters/img/crane.svg" alt="A crane">');
    expect(r.assets).toEqual(['chapters/img/crane.svg']);
  });
  it('fails a missing image with its line', () => {
    const r = render(md('Text\n\n![gone](img/nope.png)'));
    expect(formatProblem(r.problems[0])).toBe('chapters/01-harbour.md:7:1 missing file: img/nope.png (looked for chapters/img/nope.png)');
  });
  it('keeps inline HTML written by the author', () => {
    expect(render(md('Press <kbd>Ctrl</kbd>.')).html).toContain('<kbd>Ctrl</kbd>');
  });
});

describe('mermaid', () => {
  it('finds the diagrams of a page before rendering', () => {
    expect(mermaidSources('a\n```mermaid\ngraph TD\n  A-->B\n```\n')).toEqual(['graph TD\n  A-->B']);
  });
  it('inlines a rendered SVG, and falls back to client rendering when none exists', () => {
    const src = 'graph TD\n  A-->B';
    const withSvg = renderMarkdown({ ...ctx, mermaid: new Map([[src, { svg: '<svg id="m1"></svg>' }]]) }, page, md('```mermaid\n' + src + '\n```'));
    expect(withSvg.html).toContain('<div class="mermaid-light"><svg id="m1"></svg></div>');
    expect(withSvg.html).not.toContain('mermaid-dark');
    const both = renderMarkdown({ ...ctx, mermaid: new Map([[src, { svg: '<svg id="m1" width="100%" style="max-width: 450px;" viewBox="-50 -10 450 267"></svg>', svgDark: '<svg id="m2" width="100%" style="max-width: 450px;" viewBox="-50 -10 450 267"></svg>' }]]) }, page, md('```mermaid\n' + src + '\n```'));
    // Natural size (from the drawing's own box), one drawing per theme, in a box that scrolls.
    expect(both.html).toContain('<div class="mermaid-scroll scroll-x" role="group" aria-label="Diagram" tabindex="0"><div class="mermaid-light"><svg id="m1" viewBox="-50 -10 450 267" width="450" height="267"></svg></div><div class="mermaid-dark"><svg id="m2" viewBox="-50 -10 450 267" width="450" height="267"></svg></div></div>');
    const without = render(md('```mermaid\n' + src + '\n```'));
    expect(without.needsClientMermaid).toBe(true);
    expect(without.html).toContain('<pre class="mermaid">');
  });
  it('fails an invalid diagram with the line and mermaid\'s message', () => {
    const src = 'sequenceDiagram\n  A->>: oops';
    const r = renderMarkdown({ ...ctx, mermaid: new Map([[src, { error: 'Parse error on line 2' }]]) }, page, md('Text\n\n```mermaid\n' + src + '\n```'));
    // The fence opens on line 7; mermaid's line 2 is the file's line 9.
    expect(formatProblem(r.problems[0])).toBe('chapters/01-harbour.md:9:1 invalid Mermaid diagram: Parse error on line 2');
  });

  it("shortens mermaid's list of expected tokens", () => {
    const error = "Parse error on line 3: ...  oops -----------------------^ Expecting 'A', 'B', 'C', 'D', 'E', 'F', got 'NEWLINE'";
    expect(tidyMermaidError(error)).toBe("Parse error on line 3: ...  oops Expecting 'A', 'B', 'C', 'D' or 2 more, got 'NEWLINE'");
    expect(tidyMermaidError('Lexical error on line 1')).toBe('Lexical error on line 1');
  });
});

describe('whole builds', () => {
  const copyFixture = () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-course-'));
    cpSync(FIXTURE, dir, { recursive: true });
    return dir;
  };

  it('fails a broken anchor across pages and leaves the old site untouched', async () => {
    const root = copyFixture();
    const out = join(root, 'site');
    expect((await buildBook({ root, out })).ok).toBe(true);
    const before = readFileSync(join(out, '01-harbour.html'), 'utf8');
    const ch = join(root, 'chapters/01-harbour.md');
    writeFileSync(ch, readFileSync(ch, 'utf8').replace('02-tides.md#high-water', '02-tides.md#low-water'));
    const r = await buildBook({ root, out });
    expect(r.ok).toBe(false);
    expect(r.problems.map(formatProblem)).toEqual([expect.stringMatching(/^chapters\/01-harbour\.md:\d+:\d+ broken anchor: #low-water is not a heading or id in chapters\/02-tides\.md$/)]);
    expect(readFileSync(join(out, '01-harbour.html'), 'utf8')).toBe(before);
  });

  it('gives every chapter one title heading, on its page and in the print version', async () => {
    const root = copyFixture();
    const tides = join(root, 'chapters/02-tides.md');
    // One chapter opens with its own h1; the other gets its title from the front matter.
    writeFileSync(tides, readFileSync(tides, 'utf8').replace('---\n\n## High water', '---\n\n# Tides, <em>twice</em> a day\n\n## High water'));
    expect((await buildBook({ root, out: join(root, 'site') })).ok).toBe(true);
    const h1s = (file: string) => [...readFileSync(join(root, 'site', file), 'utf8').matchAll(/<h1[^>]*>(.*?)<\/h1>/g)].map((m) => m[1].replace(/<a class="anchor".*$/, ''));
    expect(h1s('01-harbour.html')).toEqual(['The harbour']);
    expect(h1s('02-tides.html')).toEqual(['Tides, <em>twice</em> a day']);
    // The print version ends with the lab handouts.
    expect(h1s('print.html')).toEqual(['Fixture Course', 'The harbour', 'Tides, <em>twice</em> a day', 'Dock a ship']);
  });

  it('orders chapters by course.yaml and reports a chapter missing from it', async () => {
    const root = copyFixture();
    writeFileSync(join(root, 'course.yaml'), 'title: Harbour Book\nchapters:\n  - 02-tides.md\n');
    const r = await buildBook({ root, out: join(root, 'site') });
    expect(r.problems.map(formatProblem)).toContain('chapters/01-harbour.md:1:1 this chapter is missing from course.yaml');
    writeFileSync(join(root, 'course.yaml'), 'title: Harbour Book\nparts:\n  - title: Water\n    chapters: [02-tides.md, 01-harbour.md]\n');
    const ok = await buildBook({ root, out: join(root, 'site') });
    expect(ok.problems).toEqual([]);
    const index = readFileSync(join(root, 'site/index.html'), 'utf8');
    expect(index.indexOf('02-tides.html')).toBeLessThan(index.indexOf('01-harbour.html'));
    expect(index).toContain('<p class="nav-part">Water</p>');
  });

  /** A generated course big enough for the thread plans, with fences the quick scan cannot see. */
  const threadCourse = () => {
    const root = mkdtempSync(join(tmpdir(), 'drydock-threads-'));
    // Enough pages for two page workers.
    generateCourse(root, 2 * PAGES_PER_WORKER - 1);
    writeFileSync(
      join(root, `chapters/${2 * PAGES_PER_WORKER}-odd-fences.md`),
      '---\ntitle: Odd fences\n---\n\n> Quoted:\n>\n> ```go\n> package quoted\n> ```\n\n- In a list:\n\n  ~~~yaml\n  key: value\n  ~~~\n\n````bash\necho "```"\n````\n',
    );
    return root;
  };

  it('builds the same site on one thread as on page workers', async () => {
    const root = threadCourse();
    const one = await buildBook({ root, out: join(root, 'one'), cacheDir: join(root, '.cache-one'), threads: 1 });
    const two = await buildBook({ root, out: join(root, 'two'), cacheDir: join(root, '.cache-two'), threads: 2 });
    expect(one.ok && two.ok).toBe(true);
    expect([one.threads, two.threads]).toEqual([1, 2]);
    const files = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length)).filter((f) => !f.endsWith('.drydock-stamp')).sort();
    expect(files(join(root, 'two'))).toEqual(files(join(root, 'one')));
    for (const f of files(join(root, 'one'))) expect(readFileSync(join(root, 'two', f)).equals(readFileSync(join(root, 'one', f))), f).toBe(true);
    expect(readFileSync(join(root, `two/${2 * PAGES_PER_WORKER}-odd-fences.html`), 'utf8')).toMatch(/data-lang="go"[\s\S]*package[\s\S]*data-lang="yaml"/);
  });

  it('renders the same pages on page workers as on this thread, and builds the search index on one', async () => {
    const root = threadCourse();
    const course = loadCourse(root);
    const pages = allPages(course);
    const texts = pages.map((p) => readFileSync(p.abs, 'utf8'));
    const task: RenderTask = { course, labs: [], mermaid: [], pages, texts };
    const here: RenderedPage[] = [];
    await renderHere(task, pages.map((_, i) => i), (i, page) => (here[i] = page));
    const pooled: RenderedPage[] = [];
    const order: number[] = [];
    const rendered = await renderPages(task, 2, (i, page, json) => {
      order.push(i);
      pooled[i] = page;
      expect(JSON.parse(json!)).toEqual(page);
    });
    expect(rendered.threads).toBe(2);
    expect(order.sort((a, b) => a - b)).toEqual(pages.map((_, i) => i));
    expect(here[0].html).toContain('--shiki-');
    expect(pooled).toEqual(here);
    const docs = searchDocs(here);
    expect(await rendered.searchIndex(docs)).toBe((await loadSearchIndexer())(docs));
  });

  it('splits a large book across page workers in the bundled CLI, with the same site as one thread', () => {
    const root = mkdtempSync(join(tmpdir(), 'drydock-big-'));
    generateCourse(root, 3 * PAGES_PER_WORKER + 10);
    const build = (threads: number) => {
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/drydock.mjs'), 'build', '--threads', String(threads), '--root', root, '--out', join(root, `site-${threads}`)], { encoding: 'utf8', env: { ...process.env, DRYDOCK_CACHE_DIR: join(root, `.cache-${threads}`), DRYDOCK_CHROMIUM: 'none' } });
      expect(r.status, r.stderr).toBe(0);
      return r.stderr;
    };
    const n = 3 * PAGES_PER_WORKER + 10;
    expect(build(1)).toContain(`(${n} rendered, 0 from cache)`);
    // Three page workers, each of which rendered pages.
    expect(build(3)).toContain(`(${n} rendered on 3 threads, 0 from cache)`);
    const files = (dir: string) => readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length)).filter((f) => !f.endsWith('.drydock-stamp')).sort();
    expect(files(join(root, 'site-3'))).toEqual(files(join(root, 'site-1')));
    for (const f of files(join(root, 'site-1'))) expect(readFileSync(join(root, 'site-3', f)).equals(readFileSync(join(root, 'site-1', f))), f).toBe(true);
  });

  it('finds fenced blocks before parsing as the parser does, and only where it can be sure', () => {
    const blocksOf = (text: string) => {
      const out: { lang: string; code: string }[] = [];
      visit(fromMarkdown(text), 'code', (n: Code) => {
        if (!['mermaid', 'ascii'].includes(n.lang ?? '')) out.push({ lang: requestedLanguage(n.lang), code: n.value });
      });
      return out;
    };
    const plain = [readFileSync(join(ROOT, 'chapters/01-containers-and-images.md'), 'utf8'), readFileSync(join(ROOT, 'labs/catalog-image/README.md'), 'utf8'), '- item\n\n  ```Dockerfile title="x"\n  FROM scratch\n\n    indented\n  ```\n\n~~~~sh\n~~~\nls\n~~~~\n\n```go\nunclosed'];
    for (const text of plain) expect(fencedBlocks(text)).toEqual(blocksOf(text));
    // Inside a block quote the scan sees nothing; the page asks for the block when it needs it.
    expect(fencedBlocks('> ```go\n> x\n> ```\n')).toEqual([]);
  });

  it('renders on page workers, as many as cores allow and the book repays, and on this thread for a small book', () => {
    expect(workersFor(2 * PAGES_PER_WORKER - 1, 16)).toBe(0);
    expect(workersFor(2 * PAGES_PER_WORKER, 16)).toBe(2);
    expect(workersFor(200, 2)).toBe(2);
    expect(workersFor(200, 16)).toBe(Math.floor(200 / PAGES_PER_WORKER));
    expect(workersFor(600, 16)).toBe(16);
    expect(workersFor(600, 1)).toBe(0);
  });

  it('renders from the page cache when nothing changed', async () => {
    const root = copyFixture();
    // A private cache, so earlier runs of this test cannot have rendered the edited page already.
    const opts = { root, out: join(root, 'site'), cacheDir: join(root, '.cache') };
    const first = await buildBook(opts);
    const second = await buildBook(opts);
    expect(first.ok && second.ok).toBe(true);
    expect(first.rendered).toBe(4);
    expect(second.rendered).toBe(0);
    writeFileSync(join(root, 'chapters/02-tides.md'), readFileSync(join(root, 'chapters/02-tides.md'), 'utf8') + '\nOne more line.\n');
    expect((await buildBook(opts)).rendered).toBe(1);
  });

  /** `drydock dev` on `root`, resolved once it serves on `port`. */
  const startDev = async (root: string, port: number) => {
    const dev = spawn(process.execPath, [join(ROOT, 'bin/drydock.mjs'), 'dev', '--root', root, '--port', String(port)], { stdio: ['ignore', 'ignore', 'pipe'] });
    await new Promise<void>((r) => dev.stderr.on('data', (d) => String(d).includes(`localhost:${port}`) && r()));
    return dev;
  };

  it('serves the book in dev mode and reloads the open page after an edit', async () => {
    const root = copyFixture();
    const port = 4300 + (process.pid % 500);
    const dev = await startDev(root, port);
    try {
      expect((await fetch(`http://127.0.0.1:${port}/02-tides.html`)).status).toBe(200);
      const events = await fetch(`http://127.0.0.1:${port}/__drydock/events`);
      const reader = events.body!.getReader();
      await reader.read(); // the connection comment
      writeFileSync(join(root, 'chapters/02-tides.md'), readFileSync(join(root, 'chapters/02-tides.md'), 'utf8') + '\nA fresh line about spring tides.\n');
      const { value } = await reader.read();
      expect(new TextDecoder().decode(value)).toContain('data: reload');
      expect(await (await fetch(`http://127.0.0.1:${port}/02-tides.html`)).text()).toContain('spring tides');
      await reader.cancel();
    } finally {
      dev.kill('SIGINT');
    }
  });

  it('in dev mode, shows a failed build in the open page, follows new and deleted chapters and course.yaml', async () => {
    const root = copyFixture();
    const port = 4800 + (process.pid % 500);
    const dev = await startDev(root, port);
    try {
      const reader = (await fetch(`http://127.0.0.1:${port}/__drydock/events`)).body!.getReader();
      let seen = '';
      // The next event matching `wanted`; fails (rather than hangs) when the server stays silent.
      const next = async (wanted: RegExp) => {
        const deadline = Date.now() + 15_000;
        while (!wanted.test(seen)) {
          const chunk = await Promise.race([reader.read(), new Promise<never>((_, no) => setTimeout(() => no(new Error(`no event matching ${wanted} after: ${seen}`)), deadline - Date.now()))]);
          if (chunk.done) throw new Error('the event stream ended');
          seen += new TextDecoder().decode(chunk.value);
        }
        const hit = wanted.exec(seen)![0];
        seen = seen.slice(seen.indexOf(hit) + hit.length);
        return hit;
      };
      const page = async (path: string) => fetch(`http://127.0.0.1:${port}/${path}`);
      const tides = join(root, 'chapters/02-tides.md');
      const good = readFileSync(tides, 'utf8');
      writeFileSync(tides, good.replace('title: Tides', 'title: [Tides'));
      expect(await next(/event: problems\ndata: .*\n\n/)).toMatch(/data: "chapters\/02-tides\.md:\d+:\d+ Flow sequence/);
      // The page still shows the last good build, with the script that lays the problems over it.
      expect(await (await page('02-tides.html')).text()).toContain('/__drydock/live.js');
      expect(await (await page('__drydock/live.js')).text()).toContain("addEventListener('problems'");
      writeFileSync(tides, good);
      await next(/data: reload\n\n/);
      writeFileSync(join(root, 'chapters/03-extra.md'), '---\ntitle: Extra\n---\n\nMore.\n');
      await next(/data: reload\n\n/);
      expect((await page('03-extra.html')).status).toBe(200);
      rmSync(join(root, 'chapters/03-extra.md'));
      await next(/data: reload\n\n/);
      expect((await page('03-extra.html')).status).toBe(404);
      expect(await (await page('index.html')).text()).not.toContain('03-extra.html');
      writeFileSync(join(root, 'course.yaml'), 'title: Renamed Book\nchapters: [02-tides.md, 01-harbour.md]\n');
      await next(/data: reload\n\n/);
      expect(await (await page('index.html')).text()).toContain('Renamed Book');
      await reader.cancel();
    } finally {
      dev.kill('SIGINT');
    }
  });

  it('in dev mode, says so plainly when the port is taken', async () => {
    const root = copyFixture();
    const taken = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => taken.once('listening', r));
    const port = (taken.address() as AddressInfo).port;
    const r = spawnSync(process.execPath, [join(ROOT, 'bin/drydock.mjs'), 'dev', '--root', root, '--port', String(port)], { encoding: 'utf8' });
    taken.close();
    expect(r.status).toBe(2);
    expect(r.stderr).toBe(`drydock dev: cannot serve on port ${port}: another program is using it; pass --port with a free one\n`);
    const bad = spawnSync(process.execPath, [join(ROOT, 'bin/drydock.mjs'), 'dev', '--port', 'eighty'], { encoding: 'utf8' });
    expect([bad.status, bad.stderr]).toEqual([2, 'drydock dev: --port must be a whole number from 0 to 65535, not "eighty"\n']);
  });

  it('writes lab pages with the checks table and a starter download', async () => {
    const root = copyFixture();
    await buildBook({ root, out: join(root, 'site') });
    const lab = readFileSync(join(root, 'site/labs/demo-lab.html'), 'utf8');
    expect(lab).toContain('href="demo-lab-starter.zip"');
    expect(lab).toContain('<td><code>cache-hit</code></td>');
    expect(existsSync(join(root, 'site/labs/demo-lab-starter.zip'))).toBe(true);
    expect(existsSync(join(root, 'site/media/chapters/img/crane.svg'))).toBe(true);
    mkdirSync(join(root, 'x'), { recursive: true });
  });
});
