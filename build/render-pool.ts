import { writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Lab } from '../graders/lab';
import type { Course, SourcePage } from './course';
import { highlightWith, loadLanguages, makeHighlighter, type Highlight } from './highlight';
import { startHelperThread, type HelperThread } from './helper-thread';
import { claimFront, newPageClaims } from './page-claims';
import type { MermaidResult } from './mermaid';
import type { ParsedPage, RenderContext, RenderedPage } from './render';
import { workerScript } from './worker-script';

/**
 * Pages still to render in one build, with everything a rendering thread needs.
 * Plain data, so it crosses into worker threads by structured clone.
 */
export interface RenderTask {
  course: Course;
  labs: [string, Lab][];
  mermaid: [string, MermaidResult][];
  pages: SourcePage[];
  texts: string[];
  /** Page cache file per page: a page that renders without problems is written there. */
  keys: string[];
  /** Grammars the pages ask for, loaded once per thread. */
  langs: string[];
}

/**
 * Each page thread beyond the first must get this many pages before it
 * pays: a new isolate loads the renderer and shiki and JIT-compiles them
 * again (~0.5 s of CPU). On 2 vCPUs two page threads without a helper broke
 * even at 200 pages and ran 1.2x faster at 400-600.
 */
export const PAGES_PER_THREAD = 150;

/**
 * From this many pages on, a build with more than one thread gets a helper
 * thread (highlighting ahead, pages from the back, the search index).
 */
export const HELPER_THREAD_PAGES = 16;

/** Threads a build may use: `requested`, else DRYDOCK_RENDER_THREADS, else one per core (at most 8). */
export function threadBudget(requested?: number): number {
  const fromEnv = Number(process.env.DRYDOCK_RENDER_THREADS);
  const exact = requested ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined);
  return Math.max(1, exact ?? Math.min(availableParallelism(), 8));
}

/** How to spend `budget` threads on `pages` pages. */
export interface ThreadPlan {
  /** Threads that each render whole pages, this one included. */
  pageThreads: number;
  /**
   * Whether a helper thread works beside the page threads: it highlights
   * the code ahead of this one, then renders pages from the back of the
   * book, then builds the search index.
   */
  helperThread: boolean;
}

/**
 * A helper thread first: it warms up shiki once for the book and then
 * shares the pages, which on 2 vCPUs beat two page threads at every size
 * measured (600 pages: 3.9-4.1 s against 4.4-4.6 s). Further page threads,
 * each with its own shiki, only for books large enough to repay their
 * warm-up, on machines with cores to spare.
 */
export function planThreads(pages: number, budget: number): ThreadPlan {
  const helperThread = budget > 1 && pages >= HELPER_THREAD_PAGES;
  const pageThreads = Math.max(1, Math.min(budget - (helperThread ? 1 : 0), Math.floor(pages / PAGES_PER_THREAD)));
  return { pageThreads, helperThread };
}

let highlighterPromise: Promise<Awaited<ReturnType<typeof makeHighlighter>>> | undefined;
/** One highlighter per thread, holding the grammars used so far (the dev server keeps it between builds). */
async function localHighlight(langs: string[]): Promise<Highlight> {
  const hl = await (highlighterPromise ??= makeHighlighter(langs));
  await loadLanguages(hl, langs);
  return highlightWith(hl);
}

/**
 * Renders pages of `task` until `claim` has none left. Threads claim pages
 * one at a time from shared memory, so every thread stays busy to the end,
 * whatever the page sizes. `highlighter` may still be on its way (a helper
 * thread loading shiki, ~0.2 s): until it comes, pages are parsed ahead,
 * which needs none; if it comes as undefined, this thread highlights itself.
 */
export async function renderClaimed(task: RenderTask, claim: () => number | undefined, done: (index: number, page: RenderedPage) => void, highlighter?: Highlight | Promise<Highlight | undefined>): Promise<void> {
  const { parsePage, renderMarkdown } = await import('./render');
  let highlight: Highlight | undefined;
  const ctx: RenderContext = { course: task.course, labs: new Map(task.labs), highlight: (lang, code) => highlight!(lang, code), mermaid: new Map(task.mermaid) };
  const parsed = new Map<number, ParsedPage>();
  if (highlighter instanceof Promise) {
    let arrived = false;
    void highlighter.finally(() => (arrived = true));
    for (let i = arrived ? undefined : claim(); i !== undefined; i = arrived ? undefined : claim()) {
      parsed.set(i, parsePage(ctx, task.pages[i], task.texts[i]));
      // Lets the thread's 'ready' message in.
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  highlight = (await highlighter) ?? (await localHighlight(task.langs));
  // Cache files are written by libuv's threads while this one renders on.
  const writes: Promise<void>[] = [];
  const ahead = parsed.keys();
  const next = () => ahead.next().value ?? claim();
  for (let i = next(); i !== undefined; i = next()) {
    const r = renderMarkdown(ctx, task.pages[i], task.texts[i], parsed.get(i));
    parsed.delete(i);
    if (r.problems.length === 0) writes.push(writeFile(task.keys[i], JSON.stringify(r)));
    done(i, r);
  }
  await Promise.all(writes);
}

export interface RenderedBatch {
  pages: RenderedPage[];
  /** Threads that worked on the pages, this one included. */
  threads: number;
  /** The helper thread, still running for the search index: the caller closes it. */
  helper?: Pick<HelperThread, 'searchIndex' | 'close'>;
}

/** Renders every page of `task` with up to `budget` threads, as planThreads spends them. */
export function renderPages(task: RenderTask, budget: number): Promise<RenderedBatch> {
  return renderWithPlan(task, planThreads(task.pages.length, budget));
}

/**
 * Renders every page of `task` as `plan` says. Markdown parsing and
 * highlighting are CPU-bound and synchronous, so a second core helps only if
 * a second isolate does part of the work. A thread that fails leaves its
 * pages to this one: the result never depends on how many threads ran.
 */
export async function renderWithPlan(task: RenderTask, plan: ThreadPlan): Promise<RenderedBatch> {
  const results: RenderedPage[] = new Array(task.pages.length);
  const script = workerScript('render-worker');
  const workerCount = script ? plan.pageThreads - 1 : 0;
  const claims = newPageClaims();
  // Threads that rendered at least one page: the build reports threads that worked, not threads started.
  const working = new Set<string>(['main']);
  const finished = Array.from({ length: workerCount }, (_, w) => {
    const worker = new Worker(script!.file, { workerData: { task, claims }, argv: script!.argv });
    return new Promise<void>((resolve) => {
      worker.on('message', (m: { index: number; page: RenderedPage }) => {
        results[m.index] = m.page;
        working.add(`page-${w}`);
      });
      // A crashed worker's claimed page is rendered again below; the build goes on.
      worker.on('error', () => resolve());
      worker.on('exit', () => resolve());
    });
  });
  // The helper thread starts while this one loads the renderer and parses the first pages.
  const starting = plan.helperThread ? startHelperThread(task, claims, (i, r) => (results[i] = r)) : undefined;
  let helper: HelperThread | undefined;
  try {
    await renderClaimed(task, () => claimFront(claims, task.pages.length), (i, r) => (results[i] = r), starting?.then((h) => h?.highlight));
    helper = await starting;
    // The helper counts once it has started: it highlighted this thread's code, if no page.
    if (helper) working.add('helper');
    await helper?.pagesDone;
    await Promise.all(finished);
    const lost = task.pages.map((_, i) => i).filter((i) => !results[i]);
    if (lost.length) {
      const again = newPageClaims();
      await renderClaimed({ ...task, pages: lost.map((i) => task.pages[i]), texts: lost.map((i) => task.texts[i]), keys: lost.map((i) => task.keys[i]) }, () => claimFront(again, lost.length), (j, r) => (results[lost[j]] = r));
    }
  } catch (err) {
    await (helper ?? (await starting))?.close();
    throw err;
  }
  return { pages: results, threads: working.size, helper };
}
