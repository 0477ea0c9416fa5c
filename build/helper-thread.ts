import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { fencedBlocks, type Highlight } from './highlight';
import type { PageClaims } from './page-claims';
import type { RenderedPage } from './render';
import type { RenderTask } from './render-pool';
import { loadSearchIndexer, type SearchDoc } from './search-index';
import { workerScript } from './worker-script';

export interface HighlightRequest {
  key: string;
  lang: string;
  code: string;
}
export type HighlightReply = { key: string; html: string; error?: undefined } | { key: string; error: string; html?: undefined };
/** Jobs for the helper thread, sent on the shared port: a block to highlight, or the search index to build. */
export type HelperJob = ({ kind: 'highlight' } & HighlightRequest) | { kind: 'search'; docs: SearchDoc[] };

/** What the helper thread sends on its parent port. */
export type HelperMessage = { kind: 'ready' } | { kind: 'page'; index: number; page: RenderedPage } | { kind: 'pages-done' } | { kind: 'search-index'; script: string };

/** A helper thread working beside the rendering thread, and the way to stop it. */
export interface HelperThread {
  highlight: Highlight;
  /** Settles when the thread has no page left to render (or has stopped). */
  pagesDone: Promise<void>;
  /** The search index script, built on the helper thread (or here, if it has stopped). */
  searchIndex(docs: SearchDoc[]): Promise<string>;
  close(): Promise<void>;
}

/** How long the rendering thread waits for one block before it calls the helper thread lost. */
const STALL_MS = 60_000;

export const highlightKey = (lang: string, code: string) => `${lang}\0${code}`;

/**
 * Starts a helper thread that highlights every fenced block of the task's
 * pages in order, then renders pages itself, taking them from the back of
 * the book through `claims` and handing each to `onPage`, and last builds
 * the search index while this thread lays out the pages. Resolves once the
 * thread has loaded shiki and the grammars and can answer `highlight`.
 *
 * Highlighting is a quarter of rendering; this way its JIT warm-up and its
 * work land on a second core while this thread parses and transforms, and
 * the second core then shares the pages that are left instead of idling.
 * `highlight` is synchronous (unified's transforms are): it takes finished
 * blocks from the port as they come, waits on a shared counter when the
 * block it needs is not done yet, and asks for blocks the thread was not
 * given (fences the quick scan did not see) ahead of the rest.
 * Undefined when the thread cannot start: the caller highlights by itself.
 */
export async function startHelperThread(task: RenderTask, claims: PageClaims, onPage: (index: number, page: RenderedPage) => void): Promise<HelperThread | undefined> {
  const script = workerScript('helper-worker');
  if (!script) return undefined;
  const blocks = new Map<string, HighlightRequest>();
  for (const { lang, code } of task.texts.flatMap(fencedBlocks)) blocks.set(highlightKey(lang, code), { key: highlightKey(lang, code), lang, code });
  const { port1: port, port2 } = new MessageChannel();
  // [0] replies sent by the thread, [1] requests sent to it.
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(script.file, { workerData: { port: port2, signal, blocks: [...blocks.values()], task, claims }, transferList: [port2], argv: script.argv });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A thread that fails is reported by its exit: the caller highlights, or renders its pages, by itself.
  worker.on('error', () => undefined);
  let pagesDone!: () => void;
  const pagesDonePromise = new Promise<void>((resolve) => {
    pagesDone = resolve;
    void exited.then(() => resolve());
  });
  let indexBuilt: ((script: string) => void) | undefined;
  const ready = await new Promise<boolean>((resolve) => {
    worker.on('message', (m: HelperMessage) => {
      if (m.kind === 'ready') resolve(true);
      else if (m.kind === 'page') onPage(m.index, m.page);
      else if (m.kind === 'pages-done') pagesDone();
      else indexBuilt?.(m.script);
    });
    void exited.then(() => resolve(false));
  });
  if (!ready) return undefined;
  const done = new Map<string, string>();
  const asked = new Set(blocks.keys());
  const send = (job: HelperJob) => {
    port.postMessage(job);
    Atomics.add(signal, 1, 1);
    Atomics.notify(signal, 1);
  };
  const highlight: Highlight = (lang, code) => {
    const key = highlightKey(lang, code);
    for (let seen = Atomics.load(signal, 0), waited = 0; ; seen = Atomics.load(signal, 0)) {
      for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
        const reply = m.message as HighlightReply;
        if (reply.error !== undefined) throw new Error(`highlighting failed: ${reply.error}`);
        done.set(reply.key, reply.html);
      }
      const html = done.get(key);
      if (html !== undefined) return html;
      if (!asked.has(key)) {
        asked.add(key);
        send({ kind: 'highlight', key, lang, code });
      }
      // threadId turns -1 as soon as the thread is gone, before any event could be delivered.
      if (worker.threadId === -1 || waited >= STALL_MS) throw new Error('the highlighting thread stopped before it highlighted every block');
      if (Atomics.wait(signal, 0, seen, 1000) === 'timed-out') waited += 1000;
    }
  };
  return {
    highlight,
    pagesDone: pagesDonePromise,
    searchIndex: (docs) =>
      new Promise<string>((resolve) => {
        let settled = false;
        indexBuilt = (script) => {
          settled = true;
          resolve(script);
        };
        void exited.then(async () => settled || resolve((await loadSearchIndexer())(docs)));
        send({ kind: 'search', docs });
      }),
    close: async () => {
      port.close();
      await worker.terminate();
      await exited;
    },
  };
}
