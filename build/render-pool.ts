import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Lab } from '../graders/lab';
import type { Course, SourcePage } from './course';
import { highlightWith, loadLanguages, makeHighlighter } from './highlight';
import type { MermaidResult } from './mermaid';
import type { RenderContext, RenderedPage } from './render';
import { workerScript } from './worker-script';

/** Pages still to render in one build, with what rendering needs; plain data, cloned into each worker. */
export interface RenderTask {
  course: Course;
  labs: [string, Lab][];
  mermaid: [string, MermaidResult][];
  pages: SourcePage[];
  texts: string[];
  /** Grammars the pages ask for, loaded once per thread. */
  langs: string[];
}

/** A worker loads the renderer and shiki and warms up its JIT (~0.3 s of CPU): it needs this many pages to pay. */
export const PAGES_PER_WORKER = 24;

/** Threads a build may use: `requested`, else DRYDOCK_RENDER_THREADS, else one per core. */
export function threadBudget(requested?: number): number {
  const fromEnv = Number(process.env.DRYDOCK_RENDER_THREADS);
  return Math.max(1, requested ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : availableParallelism()));
}

/** Page workers for `pages` pages and `budget` threads; 0 renders on this thread (one thread, or a small book). */
export function workersFor(pages: number, budget: number): number {
  const n = Math.min(budget, Math.floor(pages / PAGES_PER_WORKER));
  return n >= 2 ? n : 0;
}

let highlighter: ReturnType<typeof makeHighlighter> | undefined;
/** Renders `indexes` of `task` on this thread; its highlighter stays loaded for the next build (the dev server). */
export async function renderHere(task: RenderTask, indexes: number[], done: (index: number, page: RenderedPage) => void): Promise<void> {
  const [{ renderMarkdown }, hl] = await Promise.all([import('./render'), (highlighter ??= makeHighlighter(task.langs))]);
  await loadLanguages(hl, task.langs);
  const ctx: RenderContext = { course: task.course, labs: new Map(task.labs), highlight: highlightWith(hl), mermaid: new Map(task.mermaid) };
  for (const i of indexes) done(i, renderMarkdown(ctx, task.pages[i], task.texts[i]));
}

/**
 * Renders every page of `task` on a pool of page workers, each with its own
 * shiki, while this thread only hands out pages (two in flight per worker,
 * so none waits) and takes results to `done`. A worker that fails gives its
 * pages back; what no worker rendered is rendered here. Resolves with the
 * number of threads that rendered pages.
 */
export async function renderPages(task: RenderTask, budget: number, done: (index: number, page: RenderedPage) => void): Promise<number> {
  const all = task.pages.map((_, i) => i);
  const script = workerScript('render-worker');
  const count = script ? workersFor(task.pages.length, budget) : 0;
  if (count === 0) {
    await renderHere(task, all, done);
    return 1;
  }
  const queue = [...all];
  const working = new Set<number>();
  const { pages, texts, ...shared } = task;
  await Promise.all(
    Array.from({ length: count }, (_, w) => {
      const worker = new Worker(script!.file, { argv: script!.argv, workerData: shared });
      const inFlight = new Set<number>();
      const send = () => {
        const i = queue.shift();
        if (i === undefined) return;
        inFlight.add(i);
        worker.postMessage({ index: i, page: pages[i], text: texts[i] });
      };
      send();
      send();
      if (inFlight.size === 0) void worker.terminate();
      return new Promise<void>((resolve) => {
        worker.on('message', (m: { index: number; page: RenderedPage }) => {
          inFlight.delete(m.index);
          working.add(w);
          done(m.index, m.page);
          send();
          if (inFlight.size === 0) void worker.terminate();
        });
        // A failed worker's pages go back to the others, or to this thread below.
        worker.on('error', () => undefined);
        worker.on('exit', () => {
          queue.unshift(...inFlight);
          resolve();
        });
      });
    }),
  );
  if (queue.length) {
    working.add(-1);
    await renderHere(task, queue.splice(0), done);
  }
  return working.size;
}
