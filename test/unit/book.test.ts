// Each plugin: markdown in, assertions on the HTML out, and each error case with its file:line.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCourse, type SourcePage } from '../../build/model/course';
import { highlightWith, makeHighlighter } from '../../build/render/highlight';
import { renderMarkdown, type RenderContext } from '../../build/render/render';
import { mermaidSources } from '../../build/preprocess/mermaid';
import { tidyMermaidError } from '../../build/plugins/remark-mermaid';
import { loadLab } from '../../graders/lab/load';
import { formatProblem } from '../../lib/yaml-schema';
import { ROOT } from '../support/helpers';

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
  it('reports a wrong type at its line, and warns at its line about an unknown key (never a failure)', () => {
    const r = render(md('Hello', 'title: Tides\ncolour: blue\noutcomes: 3'));
    expect(r.problems.map(formatProblem).sort()).toEqual([expect.stringMatching(/^chapters\/01-harbour\.md:4:11 outcomes: .*expected array/)]);
    const ok = render(md('Hello', 'title: Tides\ncolour: blue\nlayout: doc\nsidebar_position: 2\noutline: false'));
    expect(ok.problems).toEqual([]);
    expect(ok.warnings.map(formatProblem)).toEqual([expect.stringMatching(/^chapters\/01-harbour\.md:3:1 unknown front matter key "colour"/)]);
  });
  it('is optional: the title is the first # heading, which opens the page once', () => {
    const r = render('# Tides and currents\n\nJust text.\n');
    expect(r.problems).toEqual([]);
    expect(r.title).toBe('Tides and currents');
    expect(r.html.match(/<h1/g)).toHaveLength(1);
  });
  it('without front matter or a heading, the page is named by its file name', () => {
    const r = render('Just text.\n');
    expect(r.problems).toEqual([]);
    expect(r.title).toBe('Harbour');
  });
});

describe('ASCII figures', () => {
  it('turns an ascii fence into a captioned, labelled figure with every column kept', () => {
    const art = '┌──┐   x\n│  │  yy\n└──┘';
    const r = render(md('```ascii title="Box"\n' + art + '\n```'));
    expect(r.html.startsWith('<figure class="ascii-figure" id="figure-1">')).toBe(true);
    // Numbered like every figure on the page; the widest line's columns let the stylesheet fit it to the column.
    expect(r.html).toContain('<figure class="ascii-figure" id="figure-1"><div class="ascii-scroll scroll-x" role="img" aria-label="Figure 1 — Box" tabindex="0" style="--cols:8"><pre class="ascii">' + art + '</pre></div><p class="scroll-hint"></p><figcaption>Figure 1 — Box</figcaption></figure>');
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
    expect(render(md(`:::${name}\nBody\n:::`)).html).toContain(`<aside class="callout callout-${name}" role="note" aria-label="${label}"><p class="callout-title"><strong>${label}</strong></p>`);
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
    ['::: details Show answer', '<summary>Show answer</summary>'],
    [':::details Show answer', '<summary>Show answer</summary>'],
    ['::: tip', 'callout-tip'],
    ['::: info Heads up', 'callout-note'],
    ['::::warning  Hot stuff', 'callout-warning'],
  ])('reads "%s" as VitePress writes it (%s)', (opening, html) => {
    const r = render(md(`Intro.\n\n${opening}\nThe answer.\n${/^:+/.exec(opening)![0]}`));
    expect(r.problems).toEqual([]);
    expect(r.html).toContain(html);
    expect(r.html).not.toContain(':::');
  });

  it('keeps VitePress openings inside fenced code as written', () => {
    const r = render(md('```markdown\n::: tip Title\nx\n:::\n```'));
    expect(r.html).toContain('::: tip Title');
    expect(r.problems).toEqual([]);
  });

  it('warns about a VitePress container the book does not know, keeping its content', () => {
    const r = render(md('::: code-group\nKept.\n:::'));
    expect(r.problems).toEqual([]);
    expect(r.warnings.map((w) => [w.line, w.message.split(' (')[0]])).toEqual([[5, 'unknown directive :::code-group']]);
    expect(r.html).toContain('Kept.');
  });

  it('fails a VitePress opening where no block can start (in a quote), naming the fix', () => {
    const r = render(md('> ::: details Show answer\n> The answer.'));
    expect(r.problems.map((p) => [p.line, p.column])).toEqual([[5, 3]]);
    expect(r.problems[0].message).toContain('write :::details[Show answer] (no space after the colons, a title in [brackets])');
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
    // Natural size (from the drawing's own box) as the most the column fits it to, one drawing per theme, named by its caption.
    expect(both.html).toContain('<div class="mermaid-scroll" role="img" aria-label="Figure 1 — Flowchart: A, B"><div class="mermaid-light"><svg id="m1" viewBox="-50 -10 450 267" width="450" height="267"></svg></div><div class="mermaid-dark"><svg id="m2" viewBox="-50 -10 450 267" width="450" height="267"></svg></div></div>');
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


describe('figures, tables and code that fit a phone', () => {
  it('numbers ASCII and Mermaid figures in reading order, keeps a number the author wrote, and warns when it is wrong', () => {
    const src = 'sequenceDiagram\n  participant A as Alice\n  A->>B: hello';
    const text = md('```ascii title="Figure 1 — First"\n┌┐\n```\n\n```mermaid\n' + src + '\n```\n\n```ascii title="Figure 2 — Third"\n└┘\n```\n\n```ascii\n──\n```');
    const r = renderMarkdown({ ...ctx, mermaid: new Map([[src, { svg: '<svg id="m1" viewBox="0 0 10 10"></svg>' }]]) }, page, text);
    expect([...r.html.matchAll(/<figcaption>([^<]*)<\/figcaption>/g)].map((m) => m[1])).toEqual(['Figure 1 — First', 'Figure 2 — Sequence diagram: Alice, B', 'Figure 2 — Third', 'Figure 4']);
    expect(r.warnings.map((w) => [w.line, w.message.split(' but ')[0]])).toEqual([[15, 'this figure\'s title says "Figure 2"']]);
  });

  it('gives a Mermaid diagram its steps as a list: messages in order, loops and branches nested, replies marked', () => {
    const src = 'sequenceDiagram\n  participant C as Client\n  participant S as Server\n  C->>S: GET /\n  loop each part\n    S-->>C: a part\n  end\n  alt cached\n    C->>C: use it\n  else\n    Note over C,S: fetch again\n  end';
    const r = renderMarkdown({ ...ctx, mermaid: new Map([[src, { svg: '<svg id="m1" viewBox="0 0 10 10"></svg>' }]]) }, page, md('```mermaid\n' + src + '\n```'));
    expect(r.html).toContain('<details class="diagram-steps"><summary>The diagram as a list</summary><ol><li>Client → Server: GET /</li><li>Loop: each part<ol><li>Server → Client (reply): a part</li></ol></li><li>If: cached<ol><li>Client → Client: use it</li></ol></li><li>Otherwise<ol><li>Note (Client, Server): fetch again</li></ol></li></ol></details>');
  });

  it('puts a table in a focusable box named by its columns, with a scroll cue', () => {
    const r = render(md('| Part | Job |\n|---|---|\n| a | b |'));
    expect(r.html).toContain('<div class="table-scroll"><div class="scroll-x" role="group" tabindex="0" aria-label="Table: Part, Job"><table>');
    expect(r.html).toContain('</table></div><p class="scroll-hint"></p></div>');
  });

  it('lets long inline code wrap between words and after path separators only', () => {
    const r = render(md('Run `docker run --memory 64m -c "sh -c id" bookstore/catalog:dev` or read `/sys/fs/cgroup/memory/memory.limit_in_bytes` but `short-one` stays.'));
    expect(r.html).toContain('<code class="code-long"><span class="nobr">docker</span> <span class="nobr">run</span> <span class="nobr">--memory</span> <span class="nobr">64m</span> <span class="nobr">-c</span> <span class="nobr">"sh</span> <span class="nobr">-c</span> <span class="nobr">id"</span> <span class="nobr">bookstore/catalog:dev</span></code>');
    expect(r.html).toContain('<span class="nobr">/</span><wbr><span class="nobr">sys/</span><wbr><span class="nobr">fs/</span><wbr><span class="nobr">cgroup/</span><wbr><span class="nobr">memory/</span><wbr><span class="nobr">memory.</span><wbr><span class="nobr">limit_in_bytes</span>');
    expect(r.html).toContain('<code>short-one</code>');
  });

  it('marks a paragraph ending in a colon before a block as a lead-in, for print', () => {
    const r = render(md('Run this:\n\n```bash\nls\n```\n\nNot this: no.\n\nLast one:'));
    expect(r.html).toContain('<p class="lead-in">Run this:</p>');
    expect(r.html).toContain('<p>Not this: no.</p>');
    expect(r.html).toContain('<p>Last one:</p>');
  });

  it('splits a shell session into commands (prompt outside the text) and output; a script without prompts stays code', () => {
    const r = render(md('```console\n$ docker run \\\n    --rm hello\nHello from Docker!\n$ echo done\ndone\n```'));
    expect(r.html).toContain('<pre data-transcript class="shiki');
    const lines = [...r.html.matchAll(/<span class="line( cmd| out)?">/g)].map((m) => m[1]?.trim());
    expect(lines).toEqual(['cmd', 'cmd', 'out', 'cmd', 'out']);
    expect(r.html.match(/<span class="prompt" aria-hidden="true">\$ <\/span>/g)).toHaveLength(2);
    expect(r.html).toContain('>Copy commands</button>');
    const script = render(md('```bash\necho "$ not a prompt"\n```'));
    expect(script.html).not.toContain('data-transcript');
    // A captured session written as plain text is one too.
    expect(render(md('```text\n$ id -u\n65532\n```')).html).toContain('data-transcript');
  });
});

describe('search text', () => {
  it('is the prose only: no drawings, code or anchors, and a space between blocks', () => {
    const r = render(md('## Dock\n\nFirst line.\n\n- Hands-on lab\n- Containerize it\n\n```ascii\n┌─gangplank─┐\n```\n\n```bash\nsecretcommand\n```\n\n| A | B |\n|---|---|\n| one | two |'));
    const section = r.sections.find((s) => s.heading === 'Dock')!;
    const text = section.text.replace(/\s+/g, ' ').trim();
    expect(text).toBe('First line. Hands-on lab Containerize it A B one two');
    expect(text).not.toMatch(/[\u2500-\u257f]|gangplank|secretcommand|#/);
  });
});
