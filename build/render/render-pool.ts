import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { SourcePage } from '../model/course';
import type { RenderInputs } from './page-renderer';
import type { RenderedPage } from './render';
import { loadSearchIndexer, type SearchDoc } from './search-index';
import { workerScript } from './worker-script';
import { fenceLanguages } from '../model/languages';
import { scanSource } from '../model/source-scan';

/** Pages still to render in one build, with what rendering needs; plain data, cloned into each worker. */
export interface RenderTask extends RenderInputs {
  pages: SourcePage[];
  texts: string[];
  /** The languages each page's fences ask for (the book model's scan); scanned here when absent. */
  langs?: string[][];
}

const langsOf = (task: RenderTask, i: number) => task.langs?.[i] ?? fenceLanguages(scanSource(task.texts[i]));

/**
 * A worker loads the bundle, shiki and its grammars and warms up its JIT:
 * ~1 s of CPU on a 16-core machine, so it needs this many pages to pay.
 */
export const PAGES_PER_WORKER = 24;

/**
 * Past this many workers a build got slower on 16 cores (200 and 600 pages:
 * 8 workers beat 16): isolates share V8's few background compiler threads.
 */
export const MAX_DEFAULT_WORKERS = 8;

/**
 * Threads a build may use: `requested`, else DRYDOCK_RENDER_THREADS, else one
 * per core but one (the main thread's), at most MAX_DEFAULT_WORKERS. On two
 * cores that renders on the main thread: two workers there were ~1.5x slower.
 */
export function threadBudget(requested?: number): number {
  const fromEnv = Number(process.env.DRYDOCK_RENDER_THREADS);
  return Math.max(1, requested ?? (Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : Math.min(availableParallelism() - 1, MAX_DEFAULT_WORKERS)));
}

/** Page workers for `pages` pages and `budget` threads; 0 renders on this thread (one thread, or a small book). */
export function workersFor(pages: number, budget: number): number {
  const n = Math.min(budget, Math.floor(pages / PAGES_PER_WORKER));
  return n >= 2 ? n : 0;
}

/** What rendering leaves behind: how many threads rendered, and where the search index gets built. */
export interface Rendered {
  threads: number;
  /** Builds the search index on a page worker that has finished (it then ends), else on this thread. */
  searchIndex(docs: SearchDoc[]): Promise<string>;
}
const indexHere = async (docs: SearchDoc[]) => (await loadSearchIndexer())(docs);

let renderer: Promise<typeof import('./page-renderer')> | undefined;
/** Renders `indexes` of `task` on this thread; its renderer and shiki stay loaded for the next build (the dev server). */
export async function renderHere(task: RenderTask, indexes: number[], done: (index: number, page: RenderedPage) => void): Promise<void> {
  const render = (await (renderer ??= import('./page-renderer'))).pageRenderer(task);
  for (const i of indexes) done(i, await render(task.pages[i], task.texts[i], langsOf(task, i)));
}

/**
 * Renders every page of `task` on a pool of page workers, each with its own
 * shiki, while this thread only hands out pages (two at a time per worker,
 * more while its shiki loads) and passes each page and its JSON to `done`.
 * A worker that fails gives its pages back; what no worker rendered is
 * rendered here. The first worker to run out of pages stays for the search index.
 */
export async function renderPages(task: RenderTask, budget: number, done: (index: number, page: RenderedPage, json?: string) => void): Promise<Rendered> {
  const script = workerScript('render-worker');
  const count = script ? workersFor(task.pages.length, budget) : 0;
  const queue = task.pages.map((_, i) => i);
  const working = new Set<number>();
  let keeper: Worker | undefined;
  const { pages, texts, langs: _, ...shared } = task;
  await Promise.all(
    Array.from({ length: count }, (_, w) => {
      const worker = new Worker(script!.file, { argv: script!.argv, workerData: shared });
      const inFlight = new Set<number>();
      const send = () => {
        const i = queue.shift();
        if (i === undefined) return;
        inFlight.add(i);
        worker.postMessage({ index: i, page: pages[i], text: texts[i], langs: langsOf(task, i) });
      };
      return new Promise<void>((resolve) => {
        // Out of pages: the first such worker loads minisearch and waits for the search index, the rest end.
        const idle = () => {
          if (keeper) void worker.terminate();
          else worker.postMessage({ warm: true });
          keeper ??= worker;
          resolve();
        };
        worker.on('message', (m: { more?: true; index: number; json: string; script?: string }) => {
          if (m.script !== undefined) return;
          if (m.json !== undefined) {
            inFlight.delete(m.index);
            working.add(w);
            done(m.index, JSON.parse(m.json), m.json);
          }
          send();
          if (inFlight.size === 0) idle();
        });
        // A failed worker's pages go back to the others, or to this thread below.
        worker.on('error', () => undefined);
        worker.on('exit', () => {
          queue.unshift(...inFlight.values());
          inFlight.clear();
          if (keeper === worker) keeper = undefined;
          resolve();
        });
        send();
        send();
        if (inFlight.size === 0) idle();
      });
    }),
  );
  if (queue.length) {
    working.add(-1);
    await renderHere(task, queue.splice(0), done);
  }
  const last = keeper;
  const searchIndex = (docs: SearchDoc[]) =>
    !last
      ? indexHere(docs)
      : new Promise<string>((resolve) => {
          last.once('message', (m: { script: string }) => resolve(m.script));
          last.once('exit', () => resolve(indexHere(docs)));
          last.postMessage({ docs });
        }).finally(() => void last.terminate());
  return { threads: working.size, searchIndex };
}
