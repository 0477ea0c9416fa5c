import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import { fencedBlocks, type Highlight } from './highlight';
import { workerScript } from './worker-script';

export interface HighlightRequest {
  key: string;
  lang: string;
  code: string;
}
export type HighlightReply = { key: string; html: string; error?: undefined } | { key: string; error: string; html?: undefined };

/** A highlighting thread working ahead of the pages, and the way to stop it. */
export interface HighlightThread {
  highlight: Highlight;
  close(): Promise<void>;
}

/** How long the rendering thread waits for one block before it calls the highlighting thread lost. */
const STALL_MS = 60_000;

const keyOf = (lang: string, code: string) => `${lang}\0${code}`;

/**
 * Starts a thread that highlights every fenced block of `texts` in order,
 * and resolves once it has loaded shiki and the grammars (module loading may
 * need this thread's event loop, which `highlight` blocks),
 * while this thread parses and transforms the pages: highlighting is a
 * quarter of rendering, and this way its JIT warm-up and its work both land
 * on a second core. `highlight` is synchronous (unified's transforms are):
 * it takes finished blocks from the port as they come, waits on a shared
 * counter when the block it needs is not done yet, and asks for blocks the
 * thread was not given (fences the quick scan did not see) ahead of the rest.
 * Undefined when the thread cannot start: the caller highlights by itself.
 */
export async function startHighlightThread(texts: string[], langs: string[]): Promise<HighlightThread | undefined> {
  const script = workerScript('highlight-worker');
  if (!script) return undefined;
  const blocks = new Map<string, HighlightRequest>();
  for (const { lang, code } of texts.flatMap(fencedBlocks)) blocks.set(keyOf(lang, code), { key: keyOf(lang, code), lang, code });
  const { port1: port, port2 } = new MessageChannel();
  // [0] replies sent by the thread, [1] requests sent to it.
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(script.file, { workerData: { port: port2, signal, blocks: [...blocks.values()], langs }, transferList: [port2], argv: script.argv });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  // A thread that fails to start is reported as none: the caller highlights by itself.
  worker.on('error', () => undefined);
  const ready = await new Promise<boolean>((resolve) => {
    worker.once('message', () => resolve(true));
    void exited.then(() => resolve(false));
  });
  if (!ready) return undefined;
  const done = new Map<string, string>();
  const asked = new Set(blocks.keys());
  const highlight: Highlight = (lang, code) => {
    const key = keyOf(lang, code);
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
        port.postMessage({ key, lang, code } satisfies HighlightRequest);
        Atomics.add(signal, 1, 1);
        Atomics.notify(signal, 1);
      }
      // threadId turns -1 as soon as the thread is gone, before any event could be delivered.
      if (worker.threadId === -1 || waited >= STALL_MS) throw new Error('the highlighting thread stopped before it highlighted every block');
      if (Atomics.wait(signal, 0, seen, 1000) === 'timed-out') waited += 1000;
    }
  };
  return {
    highlight,
    close: async () => {
      port.close();
      await worker.terminate();
      await exited;
    },
  };
}
