// The helper thread: highlights the blocks it was given in page order (answering the
// rendering thread's requests for any other block first), then renders pages from the
// back of the book until the page threads and it meet, then builds the search index
// when the rendering thread sends the book's sections.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { highlightWith, makeHighlighter, type Highlight } from './highlight';
import { highlightKey, type HelperJob, type HelperMessage, type HighlightReply, type HighlightRequest } from './helper-thread';
import { claimBack, type PageClaims } from './page-claims';
import { renderClaimed, type RenderTask } from './render-pool';
import { loadSearchIndexer } from './search-index';

const { port, signal, blocks, task, claims } = workerData as { port: MessagePort; signal: Int32Array; blocks: HighlightRequest[]; task: RenderTask; claims: PageClaims };
const highlightOne = highlightWith(await makeHighlighter(task.langs));
const send = (m: HelperMessage) => parentPort!.postMessage(m);
// Ready once shiki is: the rendering thread waits for highlighted blocks, not for the rest.
send({ kind: 'ready' });

// Kept for the pages this thread renders itself.
const highlighted = new Map<string, string>();

function answer({ key, lang, code }: HighlightRequest): void {
  let reply: HighlightReply;
  try {
    reply = { key, html: highlightOne(lang, code) };
    highlighted.set(key, reply.html);
  } catch (err) {
    reply = { key, error: String((err as Error).message ?? err) };
  }
  port.postMessage(reply);
  // Wakes the rendering thread if it waits for this block.
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function answerRequests(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
    const job = m.message as HelperJob;
    if (job.kind === 'highlight') answer(job);
    else send({ kind: 'search-index', script: indexSearch(job.docs) });
  }
}

for (const block of blocks) {
  answerRequests();
  answer(block);
}

// The renderer and minisearch load now, while the rendering thread works through highlighted
// pages (loading needs only this thread: a request that comes meanwhile is answered after).
await import('./render');
const indexSearch = await loadSearchIndexer();

// Ahead of the pages now: take pages from the back, and between pages answer requests
// for blocks the quick scan missed on the other thread's pages.
const highlight: Highlight = (lang, code) => highlighted.get(highlightKey(lang, code)) ?? highlightOne(lang, code);
const total = task.pages.length;
await renderClaimed(
  task,
  () => {
    answerRequests();
    return claimBack(claims, total);
  },
  (index, page) => send({ kind: 'page', index, page }),
  highlight,
);
send({ kind: 'pages-done' });

// Wait for jobs until the rendering thread ends this one.
for (let seen = Atomics.load(signal, 1); ; seen = Atomics.load(signal, 1)) {
  answerRequests();
  Atomics.wait(signal, 1, seen);
}
