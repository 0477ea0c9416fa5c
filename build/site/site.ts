import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import yazl from 'yazl';
import type { Lab } from '../../graders/lab/load';
import type { SourceProblem } from '../../lib/yaml-schema';
import { loadBook, type Book } from '../model/book';
import { publishedAssetPath, type Course } from '../model/course';
import { fenceLanguages } from '../model/languages';
import { diagramSources } from '../model/source-scan';
import { preprocessBook } from '../preprocess';
import { layout, type PrintContext } from './layout';
import { pagerLinks, readingOrder } from '../model/reading-order';
import { printBook } from './print';
import { esc } from '../../lib/html';
import { mermaidBundle } from '../preprocess/mermaid';
import { checksTable } from '../hast/lab-checks-table';
import { scrollableTable } from '../hast/scrollable-table';
import type { RenderedPage } from '../render/render';
import { renderPages, threadBudget, type Rendered } from '../render/render-pool';
import { loadSearchIndexer, searchDocs } from '../render/search-index';
import { toHtml } from 'hast-util-to-html';
import { PACKAGE_ROOT } from '../../lib/paths';
import { codeStamp } from '../../lib/code-stamp';
import { hashTree } from '../../graders/submission/open';

const require = createRequire(import.meta.url);
const ASSETS = join(PACKAGE_ROOT, 'build', 'assets');
/** Bump when rendering changes in a way cached pages cannot know about. */
const RENDER_VERSION = '3';
/** Rendered pages depend on the code that rendered them: the bundle's build id (or the sources run from). */
const BUILDER_HASH = createHash('sha256').update(RENDER_VERSION).update(codeStamp()).digest('hex');
/** The site also depends on the layout code and the shipped assets (which are read at run time anyway). */
const ASSETS_HASH = createHash('sha256')
  .update(codeStamp())
  .update(readdirSync(ASSETS).map((f) => readFileSync(join(ASSETS, f))).join('\0'))
  .digest('hex');

export interface BuildOptions {
  root: string;
  out: string;
  /** Where rendered pages are cached between builds (not the site). */
  cacheDir?: string;
  liveReload?: boolean;
  warn?: (msg: string) => void;
  /** Dev server: write changed files in place instead of swapping in a new folder. */
  incremental?: boolean;
  /** Threads the build may use to render (default: DRYDOCK_RENDER_THREADS, else one per core). */
  threads?: number;
}

export interface BuildResult {
  ok: boolean;
  problems: SourceProblem[];
  warnings: string[];
  pages: number;
  rendered: number;
  ms: number;
  /** True when the site on disk already matched every input and nothing was written. */
  upToDate?: boolean;
  /** Threads that rendered pages (0 when every page came from the cache). */
  threads: number;
}

function hashOf(...parts: string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p).update('\0');
  return h.digest('hex');
}

/** Writes the starter files of a lab as a zip with fixed timestamps, so rebuilds make identical bytes. */
function starterZip(lab: Lab, file: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const zip = new yazl.ZipFile();
    const walk = (dir: string, prefix: string) => {
      for (const name of readdirSync(dir).sort()) {
        const p = join(dir, name);
        if (statSync(p).isDirectory()) walk(p, `${prefix}${name}/`);
        else zip.addBuffer(readFileSync(p), `${lab.id}/${prefix}${name}`, { mtime: new Date(2000, 0, 1), mode: 0o100644 });
      }
    };
    walk(lab.starterDir!, '');
    zip.end();
    zip.outputStream.pipe(createWriteStream(file)).on('close', () => resolvePromise()).on('error', reject);
  });
}

/** Above a lab's handout: the starter download and the checks; in the one-page version (`print`) the download is found from the site's root and the landmark is named with the lab's title. */
function labExtras(lab: Lab, print?: PrintContext): string {
  const download = lab.starterDir ? `<p class="lab-download"><a href="${print ? 'labs/' : ''}${lab.id}-starter.zip" download>Download the starter files (${lab.id}-starter.zip)</a></p>` : '';
  return `<section class="lab-meta" aria-label="Checks and points${print ? ` — ${esc(print.title)}` : ''}">${download}<p>The grader runs these checks; <code>drydock grade ${esc(lab.id)} &lt;your-folder&gt;</code> prints the same table with your results.</p>${toHtml(scrollableTable(checksTable(lab), 'Checks and points'))}</section>`;
}

/** The outline's headings in the front page's on-page contents. */
const outlineToc = (course: Course) => [{ depth: 2, id: 'outline-title', text: 'Chapters' }, ...(course.labs.length ? [{ depth: 2, id: 'outline-labs', text: 'Labs' }] : [])];

function courseOutline(course: Course, titles: Map<string, string>, summaries: Map<string, string | undefined>): string {
  const items = course.chapters.map(
    (c) => `<li><a href="${c.href}">${esc(titles.get(c.path) ?? c.path)}</a>${summaries.get(c.path) ? `<p>${esc(summaries.get(c.path)!)}</p>` : ''}</li>`,
  );
  const labs = course.labs.map((l) => `<li><a href="${l.href}">${esc(titles.get(l.path) ?? l.labId!)}</a></li>`);
  return `<section class="outline" aria-labelledby="outline-title"><h2 id="outline-title">Chapters</h2><ol class="outline-list">${items.join('')}</ol>${labs.length ? `<h2 id="outline-labs">Labs</h2><ul>${labs.join('')}</ul>` : ''}</section>`;
}

/** Sizes and times of the non-Markdown files beside the chapters and handouts (images, downloads). */
function contentFilesStamp(course: Course): string {
  const { root } = course;
  const parts: string[] = [];
  const walk = (dir: string, skip: (name: string) => boolean) => {
    if (!existsSync(dir)) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (skip(e.name)) continue;
      if (e.isDirectory()) walk(p, (n) => n === 'node_modules' || n.startsWith('.'));
      else if (!e.name.endsWith('.md')) parts.push(`${p}:${statSync(p).size}:${statSync(p).mtimeMs}`);
    }
  };
  // A course whose chapters are its root (a folder of GitHub Markdown): not the site, caches or labs.
  walk(join(root, course.contentDir), (n) => course.contentDir === '' && (n === 'labs' || n === 'node_modules' || n.startsWith('.') || /^(site|book|_site|dist)$/.test(n)));
  if (existsSync(join(root, 'labs'))) for (const lab of readdirSync(join(root, 'labs'))) walk(join(root, 'labs', lab), (n) => ['starter', 'solution'].includes(n));
  return parts.join('|');
}

/** Replaces `out` with `tmp` in two renames, so readers never see a half-written site. */
function swapInto(tmp: string, out: string): void {
  const old = `${out}.old-${process.pid}`;
  if (existsSync(out)) renameSync(out, old);
  renameSync(tmp, out);
  rmSync(old, { recursive: true, force: true });
}

/** The book, preprocessed, and where each page's rendering is cached. */
interface Prepared {
  book: Book;
  /** Page cache file of each page, in `book.pages` order. */
  keys: string[];
}

async function prepare(root: string, cacheDir: string, warn: (m: string) => void): Promise<Prepared> {
  const book = loadBook(root);
  await preprocessBook(book, warn);
  mkdirSync(cacheDir, { recursive: true });
  const { course, labs, diagrams } = book;
  const shared = hashOf(
    BUILDER_HASH,
    course.title,
    book.pages.map(({ source: p }) => `${p.path}>${p.href}>${p.part ?? ''}>${p.depth ?? 0}>${p.navTitle ?? ''}`).join('|'),
    [...labs.values()].map((l) => readFileSync(l.definitionFile, 'utf8')).join('|'),
  );
  // A page's rendering depends on its source, the drawings of its diagrams and the files it includes.
  const keys = book.pages.map((page) => {
    const svgs = diagramSources(page.scan).map((s) => (diagrams.get(s)?.svg ?? diagrams.get(s)?.error ?? '-') + (diagrams.get(s)?.svgDark ?? '')).join('|');
    const included = page.includes.map((f) => (existsSync(f) ? readFileSync(f, 'utf8') : '-'));
    return join(cacheDir, `${hashOf(shared, page.source.path, page.text, svgs, ...included)}.json`);
  });
  return { book, keys };
}

function readCached(key: string): RenderedPage | undefined {
  try {
    return JSON.parse(readFileSync(key, 'utf8')) as RenderedPage;
  } catch {
    return undefined; // not cached yet, or a torn entry: render again
  }
}

/**
 * Renders the pages at `indexes` on as many threads as pay off, and writes
 * each page that has no problems to the page cache (the only writer; `readCached` the only reader).
 */
async function renderInto(p: Prepared, indexes: number[], budget: number): Promise<{ pages: Map<number, RenderedPage> } & Rendered> {
  const out = new Map<number, RenderedPage>();
  // The renderer (unified, shiki) loads only when a page must be rendered: an up-to-date build never pays for it.
  if (indexes.length === 0) return { pages: out, threads: 0, searchIndex: async (docs) => (await loadSearchIndexer())(docs) };
  // Cache files are written by libuv's threads while pages keep coming.
  const writes: Promise<void>[] = [];
  const { book } = p;
  const pages = indexes.map((i) => book.pages[i]);
  const task = { course: book.course, labs: [...book.labs], mermaid: [...book.diagrams], pages: pages.map((b) => b.source), texts: pages.map((b) => b.text), langs: pages.map((b) => fenceLanguages(b.scan)) };
  const rendered = await renderPages(task, budget, (j, page, json) => {
    out.set(indexes[j], page);
    if (page.problems.length === 0) writes.push(writeFile(p.keys[indexes[j]], json ?? JSON.stringify(page)));
  });
  await Promise.all(writes);
  return { pages: out, ...rendered };
}

/** What the dev server last wrote into each output folder. */
const lastWritten = new Map<string, Map<string, string>>();

/** Rendered pages kept in memory between builds of one process (the dev server). */
const memory = new Map<string, RenderedPage>();

/**
 * Where rendered pages are kept between builds: DRYDOCK_PAGE_CACHE_DIR, else the course's
 * node_modules/.cache (where npm projects keep tool caches), else the user's cache folder.
 */
function defaultCacheDir(root: string): string {
  if (process.env.DRYDOCK_PAGE_CACHE_DIR) return process.env.DRYDOCK_PAGE_CACHE_DIR;
  if (existsSync(join(root, 'node_modules'))) return join(root, 'node_modules/.cache/drydock/pages');
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'drydock/pages');
}
/**
 * Builds the book: load and validate the course, render every page (from the
 * page cache when its inputs are unchanged), check links and anchors across
 * pages, then write the site elsewhere and swap it in. Any problem stops the build before `out` is touched.
 */
export async function buildBook(opts: BuildOptions): Promise<BuildResult> {
  const t0 = Date.now();
  const root = resolve(opts.root);
  const out = resolve(opts.out);
  const warnings: string[] = [];
  const warn = (m: string) => {
    warnings.push(m);
    opts.warn?.(m);
  };
  const cacheDir = opts.cacheDir ?? defaultCacheDir(root);
  const mark = (label: string) => process.env.DRYDOCK_TIMINGS && process.stderr.write(`${label}: ${Date.now() - t0} ms (${Math.round(performance.now())} ms since the process started)\n`);
  mark('build starts');
  const prepared = await prepare(root, cacheDir, warn);
  mark('prepared');
  const { book, keys } = prepared;
  const { course, labs } = book;
  const pages = book.pages.map((p) => p.source);
  const problems = book.problems;
  const starters = [...labs.values()].filter((l) => l.starterDir && course.labs.some((p) => p.labId === l.id));
  // The site on disk was built, without problems, from exactly these inputs: nothing to do.
  const stamp = hashOf(keys.join('|'), ASSETS_HASH, String(Boolean(opts.liveReload)), contentFilesStamp(course), ...starters.map((l) => hashTree(l.starterDir!)));
  const stampFile = join(out, '.drydock-stamp');
  if (problems.length === 0 && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
    return { ok: true, problems, warnings, pages: pages.length, rendered: 0, threads: 0, ms: Date.now() - t0, upToDate: true };
  }
  const fromCache = keys.map((k) => memory.get(k) ?? readCached(k));
  const missing = fromCache.map((r, i) => (r ? -1 : i)).filter((i) => i >= 0);
  const renderedCount = missing.length;
  const { pages: local, threads, searchIndex } = await renderInto(prepared, missing, threadBudget(opts.threads));
  mark('rendered');
  const rendered = pages.map((page, i) => local.get(i) ?? { ...fromCache[i]!, page });
  // Built while this thread checks and lays out the pages: on a page worker when there are some.
  const searchScript = searchIndex(searchDocs(rendered));
  rendered.forEach((r, i) => r.problems.length === 0 && memory.set(keys[i], r));
  mark('pages ready');
  const idsByPage = new Map(rendered.map((r) => [r.page.path, new Set(r.ids)]));
  for (const r of rendered) {
    problems.push(...r.problems);
    for (const w of r.warnings) warn(`${w.file}:${w.line}:${w.column} ${w.message}`);
    for (const l of r.links) {
      if (l.anchor && !idsByPage.get(l.target.path)?.has(l.anchor)) {
        problems.push({ file: r.page.path, line: l.line ?? 1, column: l.column ?? 1, message: `broken anchor: #${l.anchor} is not a heading or id in ${l.target.path}` });
      }
    }
  }
  if (problems.length) return { ok: false, problems, warnings, pages: pages.length, rendered: renderedCount, threads, ms: Date.now() - t0 };

  const files = new Map<string, string>();
  const byPath = new Map(rendered.map((r) => [r.page.path, r]));
  const nav = course.chapters.map((c) => ({ page: c, title: c.navTitle ?? byPath.get(c.path)!.title }));
  const labNav = course.labs.map((l) => ({ page: l, title: byPath.get(l.path)!.title }));
  const titles = new Map(rendered.map((r) => [r.page.path, r.title]));
  const summaries = new Map(rendered.map((r) => [r.page.path, r.matter?.summary]));
  const pager = pagerLinks(readingOrder(course, labs, new Map(rendered.map((r) => [r.page.path, r.matter?.lab]))), titles, course.title);
  const last = lastWritten.get(out);
  // The dev server rewrites only what changed, in place, so an open page reloads at once;
  // otherwise the site is written elsewhere and swapped in.
  const inPlace = Boolean(opts.incremental && last && existsSync(out));
  const target = inPlace ? out : `${out}.tmp-${process.pid}`;
  if (!inPlace) rmSync(target, { recursive: true, force: true });
  const dirs = new Set<string>();
  const writes: Promise<void>[] = [];
  const emit = (rel: string, text: string) => {
    files.set(rel, text);
    if (inPlace && last?.get(rel) === text) return;
    const file = join(target, rel);
    if (!dirs.has(dirname(file))) {
      mkdirSync(dirname(file), { recursive: true });
      dirs.add(dirname(file));
    }
    // In place, the page is on disk before the next one is laid out; a fresh folder is written by
    // libuv's threads while this one lays out and indexes the rest.
    if (inPlace) writeFileSync(file, text);
    else writes.push(writeFile(file, text));
  };
  // Freshly rendered pages first: in place, the edited page reaches the disk (and the
  // reader) before the other pages are laid out and compared.
  const fresh = new Set([...local.values()].map((r) => r.page.path));
  for (const r of [...rendered].sort((a, b) => Number(fresh.has(b.page.path)) - Number(fresh.has(a.page.path)))) {
    const lab = r.page.labId ? labs.get(r.page.labId) : undefined;
    emit(
      r.page.href,
      layout({
        course,
        page: r,
        nav,
        labs: labNav,
        ...pager.get(r.page.path),
        before: lab ? labExtras(lab) : undefined,
        after: r.page.kind === 'index' ? courseOutline(course, titles, summaries) : undefined,
        extraToc: r.page.kind === 'index' ? outlineToc(course) : undefined,
        liveReload: opts.liveReload,
      }),
    );
  }
  // An mdBook's README.md (or a VitePress index.md) is the front page already.
  if (!course.index && !course.chapters.some((c) => c.href === 'index.html')) {
    const index: RenderedPage = { page: { kind: 'index', path: 'index', abs: '', href: 'index.html' }, html: '', headEnd: 0, print: { html: '', headEnd: 0, refs: [] }, title: course.title, toc: [], sections: [], ids: [], links: [], assets: [], drawers: 0, needsClientMermaid: false, problems: [], warnings: [] };
    emit('index.html', layout({ course, page: index, nav, labs: labNav, ...pager.get('index'), after: courseOutline(course, titles, summaries), extraToc: outlineToc(course), liveReload: opts.liveReload }));
  }
  mark('pages laid out');
  emit('print.html', printBook(course, rendered, nav, (r, print) => (r.page.labId && labs.get(r.page.labId) ? labExtras(labs.get(r.page.labId)!, print) : '')));
  emit('assets/search-index.js', await searchScript);
  mark('print and search');
  const copies: [string, string][] = [
    ...[...new Set(rendered.flatMap((r) => r.assets ?? []))].map((a): [string, string] => [join(root, a), publishedAssetPath(a)]),
    ...readdirSync(ASSETS).map((f): [string, string] => [join(ASSETS, f), `assets/${f}`]),
    [join(dirname(require.resolve('minisearch')), '../umd/index.js'), 'assets/minisearch.js'],
    ...(rendered.some((r) => r.needsClientMermaid) ? [[mermaidBundle(), 'assets/mermaid.min.js'] as [string, string]] : []),
  ];
  for (const [src, rel] of copies) {
    mkdirSync(dirname(join(target, rel)), { recursive: true });
    copyFileSync(src, join(target, rel));
  }
  mkdirSync(join(target, 'labs'), { recursive: true });
  await Promise.all([...writes, ...starters.map((l) => starterZip(l, join(target, 'labs', `${l.id}-starter.zip`)))]);
  if (!inPlace) {
    mkdirSync(dirname(out), { recursive: true });
    swapInto(target, out);
  }
  // In place, a page whose chapter is gone (or renamed) goes too: the dev server serves what is on disk.
  if (inPlace) for (const rel of last!.keys()) if (!files.has(rel)) rmSync(join(out, rel), { force: true });
  if (opts.incremental) lastWritten.set(out, files);
  writeFileSync(stampFile, stamp);
  mark('written');
  return { ok: true, problems, warnings, pages: pages.length, rendered: renderedCount, threads, ms: Date.now() - t0 };
}
