// Whole builds of the fixture course and a generated one: the CLI, page workers, the page cache, dev mode.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { allPages, loadCourse, type SourcePage } from '../../build/model/course';
import { fencedBlocks, requestedLanguage } from '../../build/model/languages';
import { highlightWith, makeHighlighter } from '../../build/render/highlight';
import { generateCourse } from '../../bench/gen-course';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { visit } from 'unist-util-visit';
import type { Code } from 'mdast';
import { renderMarkdown, type RenderContext, type RenderedPage } from '../../build/render/render';
import { PAGES_PER_WORKER, renderHere, renderPages, workersFor, type RenderTask } from '../../build/render/render-pool';
import { loadSearchIndexer, searchDocs } from '../../build/render/search-index';
import { buildBook } from '../../build/site/site';
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
      const r = spawnSync(process.execPath, [join(ROOT, 'bin/drydock.mjs'), 'build', '--threads', String(threads), '--root', root, '--out', join(root, `site-${threads}`)], { encoding: 'utf8', env: { ...process.env, DRYDOCK_PAGE_CACHE_DIR: join(root, `.cache-${threads}`), DRYDOCK_CHROMIUM: 'none' } });
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
    expect([bad.status, bad.stderr]).toEqual([2, 'drydock dev: --port wants a whole number from 0 to 65535, not "eighty" (see drydock dev --help)\n']);
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
