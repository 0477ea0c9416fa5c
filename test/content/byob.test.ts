// Books written for other tools build as they are: an mdBook (book.toml, SUMMARY.md with
// prefix chapters, parts, nested chapters, drafts, separators and suffix chapters; pages
// in nested folders without front matter; links between folders), a folder of GitHub
// Markdown, and chapters in numbered folders with VitePress index.md pages and containers.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildBook, type BuildResult } from '../../build/site/site';
import { ROOT } from '../support/helpers';

const work = mkdtempSync(join(tmpdir(), 'drydock-byob-'));
const env = { ...process.env };
beforeAll(() => {
  process.env.DRYDOCK_CHROMIUM = 'none';
  process.env.DRYDOCK_PAGE_CACHE_DIR = join(work, 'cache');
});
afterAll(() => {
  process.env = env;
});

const build = (root: string, out: string) => buildBook({ root, out, threads: 1 });
const htmlFiles = (dir: string) => readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.html')).sort();
const sidebarOf = (html: string) => /<nav class="sidebar"[\s\S]*?<\/nav>/.exec(html)![0];
const navLinks = (html: string) => [...sidebarOf(html).matchAll(/<a href="([^"]+)"[^>]*>([^<]*)<\/a>/g)].map((m) => [m[1], m[2]]);

/** Every relative link in every page points at a file of the site, and every #anchor at an id of that page. */
function brokenLinks(site: string): string[] {
  const broken: string[] = [];
  for (const page of htmlFiles(site)) {
    const html = readFileSync(join(site, page), 'utf8');
    for (const [, href] of html.matchAll(/<a [^>]*href="([^"]+)"/g)) {
      if (/^[a-z]+:/i.test(href) || href.startsWith('/')) continue;
      const [path, anchor] = href.split('#');
      const target = path ? posix.normalize(posix.join(posix.dirname(page), decodeURI(path))) : page;
      if (!existsSync(join(site, target))) broken.push(`${page}: ${href}`);
      else if (anchor && target.endsWith('.html') && !readFileSync(join(site, target), 'utf8').includes(`id="${anchor}"`)) broken.push(`${page}: ${href} (no #${anchor})`);
    }
  }
  return broken;
}

describe('an mdBook, copied as it is', () => {
  const book = join(ROOT, 'test/fixtures/mdbook');
  const site = join(work, 'mdbook-site');
  let r: BuildResult;
  beforeAll(async () => {
    r = await build(book, site);
  }, 240_000);

  it('builds with no problem, and warns at file:line about the one construct it does not support', () => {
    expect(r.problems).toEqual([]);
    expect(r.ok).toBe(true);
    // {{#playground}} is a code block of the file, as mdBook renders it: nothing to warn about.
    expect(r.warnings).toEqual([]);
    expect(readFileSync(join(site, 'guide/ships/sails/knots.html'), 'utf8')).toMatch(/<p>A bowline holds\.<\/p>\n<figure class="code-block">[\s\S]*?<span class="code-lang">rust<\/span>/);
  });

  it('makes a page for every SUMMARY.md entry with a file, where mdBook puts it, and none for drafts or unlisted files', () => {
    // mdBook's rules: README.md is its folder's index.html; a draft ([Title]()) has no page;
    // a file SUMMARY.md does not name is not part of the book.
    expect(htmlFiles(site)).toEqual(
      [
        'index.html', 'foreword.html',
        'getting-started/installing.html', 'getting-started/install/linux.html', 'getting-started/install/macos.html', 'getting-started/first-run.html', 'getting-started/configuration.html',
        'guide/ships/index.html', 'guide/ships/hulls.html', 'guide/ships/sails.html', 'guide/ships/sails/rigging.html', 'guide/ships/sails/knots.html', 'guide/ships/engines.html',
        'guide/ports/index.html', 'guide/ports/berths.html', 'guide/ports/cranes.html', 'guide/ports/customs.html',
        'guide/crews.html', 'guide/crews/watches.html', 'guide/weather.html', 'guide/charts and tides.html',
        'reference/cli.html', 'reference/cli/dock.html', 'reference/cli/sail.html', 'reference/config.html', 'reference/flags.html', 'reference/glossary.html', 'reference/errors.html',
        'appendix/history.html', 'appendix/reading.html', 'misc/contributors.html', 'misc/licence.html', 'print.html',
      ].sort(),
    );
  });

  it("lists the pages in SUMMARY.md's order with its titles, under its parts, nested as it nests them", () => {
    const html = readFileSync(join(site, 'guide/ships/sails/rigging.html'), 'utf8');
    const links = navLinks(html).map(([href, title]) => [href.replace(/^(\.\.\/)+/, ''), title]);
    expect(links.map(([, t]) => t)).toEqual([
      'The Harbour Handbook', 'Introduction', 'Foreword',
      'Installing', 'On Linux', 'On macOS', 'First run', 'Configuration',
      'Ships', 'Hulls', 'Sails', 'Rigging', 'Knots', 'Engines', 'Ports', 'Berths', 'Cranes', 'Customs', 'Crews', 'Watches', 'Weather', 'Charts and tides',
      'Command line', 'harbour dock', 'harbour sail', 'Configuration file', 'Flags', 'Glossary', 'Errors',
      'History', 'Further reading', 'Contributors', 'Licence',
      'Whole book on one page (print)',
    ]);
    const nav = sidebarOf(html);
    expect([...nav.matchAll(/<p class="nav-part">([^<]*)<\/p>/g)].map((m) => m[1])).toEqual(['Getting started', 'The guide', 'Reference', 'Appendices']);
    // Sub-chapters sit in an <ol> inside their chapter's item: Rigging under Sails under Ships.
    expect(nav).toMatch(/>Ships<\/a><ol><li><a [^>]*>Hulls<\/a><\/li><li><a [^>]*>Sails<\/a><ol><li><a [^>]*aria-current="page">Rigging<\/a><\/li><li><a [^>]*>Knots<\/a><\/li><\/ol><\/li><li><a [^>]*>Engines<\/a><\/li><\/ol><\/li>/);
    // The suffix chapters come after the last part, outside it.
    expect(nav).toMatch(/<\/ol>\n<ol class="nav-chapters"><li><a [^>]*>Contributors<\/a><\/li><li><a [^>]*>Licence<\/a><\/li><\/ol>/);
  });

  it('resolves every link between nested folders, anchors included', () => {
    expect(brokenLinks(site)).toEqual([]);
    const rigging = readFileSync(join(site, 'guide/ships/sails/rigging.html'), 'utf8');
    expect(rigging).toMatch(/<a href="(\.\.\/)+guide\/ports\/cranes\.html">cranes<\/a>/);
    expect(readFileSync(join(site, 'guide/weather.html'), 'utf8')).toContain('charts%20and%20tides.html');
  });

  it("takes each page's title from its # heading and shows it once", () => {
    for (const page of htmlFiles(site).filter((f) => f !== 'print.html')) {
      const html = readFileSync(join(site, page), 'utf8');
      expect(html.match(/<h1[ >]/g), page).toHaveLength(1);
    }
    expect(readFileSync(join(site, 'guide/ports/berths.html'), 'utf8')).toMatch(/<title>Berths · The Harbour Handbook<\/title>/);
    // As in mdBook, the window title is the SUMMARY.md entry's ("Introduction"), the heading the page's own.
    const index = readFileSync(join(site, 'index.html'), 'utf8');
    expect(index).toContain('<title>Introduction · The Harbour Handbook</title>');
    expect(index).toMatch(/<h1 id="the-harbour-handbook">The Harbour Handbook/);
  });

  it('expands {{#include}} with a line range and an anchor, and {{#title}} titles the page', () => {
    const firstRun = readFileSync(join(site, 'getting-started/first-run.html'), 'utf8');
    expect(firstRun).toContain('println!');
    expect(firstRun).not.toContain('fn main');
    expect(firstRun).not.toContain('{{#');
    const config = readFileSync(join(site, 'getting-started/configuration.html'), 'utf8');
    expect(config).toContain('<title>Configure the harbour · The Harbour Handbook</title>');
    expect(config).toMatch(/depth[\s\S]*12/);
    expect(config).not.toContain('ANCHOR');
    expect(config).not.toContain('{{#');
  });

  it('turns bare URLs into links, as GitHub and mdBook do', () => {
    const index = readFileSync(join(site, 'index.html'), 'utf8');
    expect(index).toContain('<a href="https://example.org/harbour">https://example.org/harbour</a>');
    expect(index).toContain('<a href="http://www.example.org">www.example.org</a>');
    expect(readFileSync(join(site, 'appendix/reading.html'), 'utf8')).toContain('<a href="https://example.org/reading">https://example.org/reading</a>.');
  });

  it('reports a SUMMARY.md entry whose file is missing at its line', async () => {
    const copy = join(work, 'mdbook-broken');
    mkdirSync(join(copy, 'src'), { recursive: true });
    writeFileSync(join(copy, 'book.toml'), '[book]\ntitle = "Broken"\n');
    writeFileSync(join(copy, 'src/SUMMARY.md'), '# Summary\n\n- [Here](here.md)\n- [Gone](gone/away.md)\n');
    writeFileSync(join(copy, 'src/here.md'), '# Here\n');
    const b = await build(copy, join(copy, 'site'));
    expect(b.problems).toEqual([{ file: 'src/SUMMARY.md', line: 4, column: 1, message: 'links to gone/away.md, which is not in src/' }]);
  });

  it("reads mdBook's code attributes (rust,ignore), hides rustdoc's # lines, and takes a heading's {#id}", async () => {
    const copy = join(work, 'mdbook-code');
    mkdirSync(join(copy, 'src/macros'), { recursive: true });
    writeFileSync(join(copy, 'book.toml'), '[book]\ntitle = "Code"\n');
    writeFileSync(join(copy, 'src/SUMMARY.md'), '# Summary\n\n- [Intro](README.md)\n- [Derive](macros/derive.md)\n');
    writeFileSync(join(copy, 'src/README.md'), '# Intro\n\nSee [derive macros](macros/derive.md#derive-macros).\n\n```rust,ignore\n# fn main() {\nlet x = 1;\n##[derive(Debug)]\n# }\n```\n\n```rust,editable,edition2021\nfn two() {}\n```\n');
    writeFileSync(join(copy, 'src/macros/derive.md'), '# Derive\n\n## Derive macros {#derive-macros .api}\n\nText.\n');
    const b = await build(copy, join(copy, 'site'));
    expect(b.problems).toEqual([]);
    expect(b.warnings).toEqual([]);
    const index = readFileSync(join(copy, 'site/index.html'), 'utf8');
    const code = [...index.matchAll(/<code>([\s\S]*?)<\/code><\/pre>/g)].map((m) => m[1].replace(/<[^>]+>/g, ''));
    expect(code[0]).toBe('let x = 1;\n#[derive(Debug)]');
    expect(index).toMatch(/data-lang="rust"[^>]*><code><span/);
    expect(index).toContain('<span class="code-lang">rust</span>');
    const derive = readFileSync(join(copy, 'site/macros/derive.html'), 'utf8');
    expect(derive).toMatch(/<h2 id="derive-macros" class="api">Derive macros<a /);
    expect(brokenLinks(join(copy, 'site'))).toEqual([]);
  });
});

function writeTree(root: string, files: Record<string, string>) {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
}

describe('a folder of GitHub Markdown', () => {
  const root = join(work, 'gfm');
  beforeAll(() =>
    writeTree(root, {
      'README.md': '# Ops notes\n\nStart with [setup](docs/setup.md), then [deploy](docs/deploy/README.md).\n',
      'CONTRIBUTING.md': '# Contributing\n\nOpen a pull request at https://example.org/ops.\n',
      'docs/setup.md': '# Setup\n\nBack to the [notes](../README.md); on to [rollback](deploy/rollback.md#when).\n',
      'docs/deploy/README.md': '# Deploying\n\nSee [rollback](rollback.md).\n',
      'docs/deploy/rollback.md': '# Rollback\n\n## When\n\nWhen the [deploy](./README.md) fails.\n',
      'docs/img/diagram.txt': 'not a page\n',
    }),
  );

  it('builds every page with its links, the README as the front page and folders as parts', async () => {
    const site = join(root, 'site');
    const r = await build(root, site);
    expect(r.problems).toEqual([]);
    expect(htmlFiles(site)).toEqual(['CONTRIBUTING.html', 'docs/deploy/index.html', 'docs/deploy/rollback.html', 'docs/setup.html', 'index.html', 'print.html']);
    expect(brokenLinks(site)).toEqual([]);
    const setup = readFileSync(join(site, 'docs/setup.html'), 'utf8');
    expect(setup).toContain('<p class="book-title"><a href="../index.html">Ops notes</a></p>');
    expect([...sidebarOf(setup).matchAll(/<p class="nav-part">([^<]*)<\/p>/g)].map((m) => m[1])).toEqual(['Docs']);
    expect(navLinks(setup).map(([, t]) => t)).toEqual(['Ops notes', 'Contributing', 'Deploying', 'Rollback', 'Setup', 'Whole book on one page (print)']);
    // A rebuild with nothing changed writes nothing (the site folder itself is not read as a page).
    expect((await build(root, site)).upToDate).toBe(true);
  }, 240_000);
});

describe('chapters in numbered folders', () => {
  const root = join(work, 'folders');
  beforeAll(() =>
    writeTree(root, {
      'chapters/index.md': '# Harbour course\n\nWelcome.\n',
      'chapters/01-basics/index.md': '# The basics\n\nWhat this part covers. Next: [the shell](01-shell.md).\n',
      'chapters/01-basics/01-shell.md': '# The shell\n\n::: tip Keep it short\nOne command a line.\n:::\n\nThen [networks](../02-advanced/01-networks.md).\n',
      'chapters/01-basics/02-files.md': '---\ntitle: Files\n---\n\nWith front matter, as before.\n',
      'chapters/02-advanced/01-networks.md': '# Networks\n\n::: details Why?\nBecause.\n:::\n',
      'chapters/02-advanced/10-storage/index.md': '# Storage\n\nVolumes.\n',
      'chapters/02-advanced/10-storage/01-volumes.md': '# Volumes\n\nNamed ones.\n',
    }),
  );

  it('orders folders and files by number, a folder a part titled by its index.md, VitePress containers read', async () => {
    const site = join(root, 'site');
    const r = await build(root, site);
    expect(r.problems).toEqual([]);
    const shell = readFileSync(join(site, '01-basics/01-shell.html'), 'utf8');
    expect(navLinks(shell).map(([, t]) => t)).toEqual(['Harbour course', 'The basics', 'The shell', 'Files', 'Networks', 'Storage', 'Volumes', 'Whole book on one page (print)']);
    expect([...sidebarOf(shell).matchAll(/<p class="nav-part">([^<]*)<\/p>/g)].map((m) => m[1])).toEqual(['The basics', 'Advanced']);
    expect(shell).toContain('callout-tip');
    expect(shell).not.toContain(':::');
    expect(readFileSync(join(site, '02-advanced/01-networks.html'), 'utf8')).toContain('<summary>Why?</summary>');
    expect(brokenLinks(site)).toEqual([]);
  }, 240_000);

  it('takes the order from course.yaml, which may list a folder', async () => {
    writeFileSync(join(root, 'course.yaml'), 'title: Harbour\nparts:\n  - title: Deep water\n    chapters: [02-advanced]\n  - title: Shallows\n    chapters: [01-basics/02-files.md, 01-basics/01-shell.md, 01-basics/index.md]\n');
    const site = join(root, 'site2');
    const r = await build(root, site);
    expect(r.problems).toEqual([]);
    const html = readFileSync(join(site, 'index.html'), 'utf8');
    expect(navLinks(html).map(([, t]) => t)).toEqual(['Harbour', 'Networks', 'Storage', 'Volumes', 'Files', 'The shell', 'The basics', 'Whole book on one page (print)']);
    writeFileSync(join(root, 'course.yaml'), 'title: Harbour\nchapters: [02-advanced]\n');
    const missing = await build(root, join(root, 'site3'));
    expect(missing.problems.map((p) => `${p.file}: ${p.message}`).sort()).toEqual([
      'chapters/01-basics/01-shell.md: this chapter is missing from course.yaml',
      'chapters/01-basics/02-files.md: this chapter is missing from course.yaml',
      'chapters/01-basics/index.md: this chapter is missing from course.yaml',
    ]);
  }, 240_000);
});

describe('VitePress, GitHub and mdBook conventions an audit found missing', () => {
  const root = join(work, 'conventions');
  beforeAll(() =>
    writeTree(root, {
      'index.md': '---\nlayout: home\nhero:\n  name: Harbour\n  text: Ships in containers\n  tagline: Learn to dock.\n  actions:\n    - theme: brand\n      text: Get started\n      link: /guide/intro\nfeatures:\n  - title: Fast\n    details: Very fast.\n---\n',
      'guide/intro.md':
        '---\noutline: false\naside: true\nprev: false\nnext:\n  text: API\n  link: /reference/api/\neditLink: true\nlastUpdated: false\nhead:\n  - - meta\n    - name: x\nsidebar: false\nsidebar_position: 2\njupytext: {}\nbogus: 1\n---\n# Intro\n\n' +
        'See [started](./getting-started), [api](/reference/api/), [md](/guide/intro.md), [self](/guide/intro), [setup](../setup/), [licence](../LICENSE), [code](../main.go).\n\n' +
        '<a href="./getting-started.md#install">raw</a>\n\n## Sub\n',
      'guide/getting-started.md': '# Getting started\n\n## Install\n\nBack to [intro](../guide/intro).\n',
      'reference/api/index.md': '# API\n',
      'setup/README.md': '# Setup\n',
      'docs/overview.md': '# Overview\n',
      'docs/setup/install.md': '# Install\n',
      'docs/usage/run.md': '# Run\n',
      'advanced.md': 'No heading here.\n',
      LICENSE: 'MIT\n',
      'main.go': 'package main\n',
    }),
  );
  let r: BuildResult;
  const site = join(root, 'site');
  beforeAll(async () => {
    r = await build(root, site);
  }, 240_000);

  it("accepts other tools' front matter, warns at file:line about an unknown key, and makes a home page of the hero", () => {
    expect(r.problems).toEqual([]);
    expect(r.warnings).toEqual([expect.stringMatching(/^guide\/intro\.md:16:1 unknown front matter key "bogus"/)]);
    const index = readFileSync(join(site, 'index.html'), 'utf8');
    expect(index).toMatch(/<h1 id="harbour">Harbour/);
    expect(index).toContain('<p>Ships in containers</p>');
    expect(index).toContain('<p>Learn to dock.</p>');
    expect(index).toContain('<a href="guide/intro.html">Get started</a>');
    expect(index).toContain('<li><strong>Fast</strong>: Very fast.</li>');
    // outline: false hides the page's contents; a page without it keeps them.
    expect(readFileSync(join(site, 'guide/intro.html'), 'utf8')).not.toContain('class="toc');
  });

  it('resolves extensionless, root-relative, folder and raw HTML links, and copies linked files', () => {
    const intro = readFileSync(join(site, 'guide/intro.html'), 'utf8');
    for (const href of ['../guide/getting-started.html', '../reference/api/index.html', '../guide/intro.html', '../setup/index.html', '../media/LICENSE', '../media/main.go', '../guide/getting-started.html#install']) expect(intro).toContain(`href="${href}"`);
    expect(existsSync(join(site, 'media/LICENSE'))).toBe(true);
    expect(readFileSync(join(site, 'guide/getting-started.html'), 'utf8')).toContain('href="../guide/intro.html"');
    expect(brokenLinks(site)).toEqual([]);
  });

  it('reports broken extensionless, root-relative and raw HTML links at file:line', async () => {
    const copy = join(work, 'conventions-broken');
    writeTree(copy, { 'index.md': '# Home\n', 'a.md': '# A\n\n[x](./nope) and [y](/nope/)\n\n<p><a href="../b.md">b</a> <a href="c.md#k">c</a></p>\n' });
    const b = await build(copy, join(copy, 'site'));
    expect(b.problems.map((p) => `${p.line}:${p.column} ${p.message.split(' (')[0]}`)).toEqual(['3:1 broken link: ./nope', '3:17 broken link: /nope/', '5:13 broken link: ../b.md', '5:37 broken link: c.md#k']);
  });

  it('reads a link that is not valid percent-encoding as written: a page found, or a problem at file:line, never a crash', async () => {
    const copy = join(work, 'percent');
    writeTree(copy, { 'index.md': '# Home\n', 'a.md': '# A\n\n[x](50%off.md) ![i](100%.png)\n\n<a href="a%zz.md">y</a>\n', '50%off.md': '# Off\n' });
    const b = await build(copy, join(copy, 'site'));
    expect(b.problems.map((p) => `${p.file}:${p.line}:${p.column} ${p.message.split(' (')[0]}`).sort()).toEqual(['a.md:3:16 missing file: 100%25.png', 'a.md:5:10 broken link: a%zz.md']);
  });

  it('hostile pages are problems at file:line, not crashes: quotes nested 2 000 deep, a YAML alias bomb in front matter', async () => {
    const copy = join(work, 'hostile-pages');
    const bomb = ['a: &a [x, x, x, x, x, x, x, x, x]', ...'bcdef'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdef'[i]}`).join(', ')}]`), 'g: [*f, *f, *f, *f, *f, *f, *f, *f, *f]'];
    writeTree(copy, { 'index.md': '# Home\n', 'deep.md': `# Deep\n\n${'>'.repeat(2000)} x\n`, 'bomb.md': `---\n${bomb.join('\n')}\n---\n# Bomb\n`, 'fine.md': `# Fine\n\n${'>'.repeat(50)} x\n` });
    const b = await build(copy, join(copy, 'site'));
    expect(b.problems.map((p) => `${p.file}:${p.line} ${p.message.split(';')[0].split(':')[0]}`).sort()).toEqual([
      'bomb.md:2 Excessive alias count indicates a resource exhaustion attack',
      'deep.md:3 this content is nested more than 1000 levels deep (quotes or lists inside each other)',
    ]);
  });

  it('makes nested folders parts, not children of the page before them, and titles a page without a heading by its file name', () => {
    const html = readFileSync(join(site, 'advanced.html'), 'utf8');
    const nav = sidebarOf(html);
    expect([...nav.matchAll(/<p class="nav-part">([^<]*)<\/p>/g)].map((m) => m[1])).toEqual(expect.arrayContaining(['Docs', 'Docs › Setup', 'Docs › Usage']));
    expect(nav).not.toMatch(/>Overview<\/a><ol>/);
    expect(html).toContain('<h1>Advanced</h1>');
    expect(navLinks(html).map(([, t]) => t)).toContain('Advanced');
  });
});

describe("mdBook's {{#include}} in prose, {{#playground}} and escapes", () => {
  const root = join(work, 'mdbook-prose');
  beforeAll(() =>
    writeTree(root, {
      'book.toml': '[book]\ntitle = "MB"\n',
      'src/SUMMARY.md': '# Summary\n\n- [Intro](README.md)\n- [Sub](sub/page.md)\n',
      'src/README.md':
        '# Intro\n\n{{#include sub/frag.md}}\n\nInline: {{#include sub/one.md:2}} here.\n\n{{#include sub/frag.md:anchored}}\n\n\\{{#include sub/frag.md}}\n\n{{#playground sub/ex.rs editable}}\n\n{{#include sub/loop.md}}\n\n{{#include ../../outside.md}}\n\n<a href="sub/page.md#x">raw</a>\n',
      'src/sub/frag.md': 'Fragment *one*.\n\nSee [the page](sub/page.md).\n\n<!-- ANCHOR: anchored -->\nAnchored **part**.\n<!-- ANCHOR_END: anchored -->\n',
      'src/sub/one.md': 'skipped\nsecond *line*\n',
      'src/sub/loop.md': 'Loop.\n\n{{#include loop.md}}\n',
      'src/sub/page.md': '# Page\n\n## X\n',
      'src/sub/ex.rs': 'fn main() {}\n',
    }),
  );

  it('splices Markdown fragments in, with lines and anchors, makes a code block of a playground, and warns about cycles and paths outside the book only', async () => {
    const b = await build(root, join(root, 'site'));
    expect(b.problems).toEqual([]);
    expect([...b.warnings].sort()).toEqual([expect.stringMatching(/^src\/README\.md:13:1 \{\{#include loop\.md\}\}: loop\.md includes itself/), expect.stringMatching(/^src\/README\.md:15:1 \{\{#include \.\.\/\.\.\/outside\.md\}\}: \.\.\/\.\.\/outside\.md is outside the book's folder/)]);
    const html = readFileSync(join(root, 'site/index.html'), 'utf8');
    expect(html).toContain('<p>Fragment <em>one</em>.</p>');
    expect(html).toContain('<a href="sub/page.html">the page</a>');
    expect(html).toContain('<p>Inline: second <em>line</em> here.</p>');
    expect(html).toContain('<p>Anchored <strong>part</strong>.</p>');
    expect(html).toContain('<p>{{#include sub/frag.md}}</p>');
    expect(html.replace(/<[^>]+>/g, '')).toMatch(/rustCopy[\s\S]*fn main\(\) \{\}/);
    expect(html).toContain('<a href="sub/page.html#x">raw</a>');
  }, 240_000);
});
