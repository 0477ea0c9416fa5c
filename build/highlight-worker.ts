// The highlighting thread: highlights the blocks it was given in page order, and
// answers the rendering thread's requests for any other block first.
import { parentPort, receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { highlightWith, makeHighlighter } from './highlight';
import type { HighlightReply, HighlightRequest } from './highlight-thread';

const { port, signal, blocks, langs } = workerData as { port: MessagePort; signal: Int32Array; blocks: HighlightRequest[]; langs: string[] };
const highlight = highlightWith(await makeHighlighter(langs));
// Every module is loaded now: from here on this thread never needs the other one's event loop.
parentPort!.postMessage('ready');

function answer({ key, lang, code }: HighlightRequest): void {
  let reply: HighlightReply;
  try {
    reply = { key, html: highlight(lang, code) };
  } catch (err) {
    reply = { key, error: String((err as Error).message ?? err) };
  }
  port.postMessage(reply);
  // Wakes the rendering thread if it waits for this block.
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

function answerRequests(): void {
  for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) answer(m.message as HighlightRequest);
}

for (const block of blocks) {
  answerRequests();
  answer(block);
}
// Ahead of the pages now: wait for requests until the rendering thread ends this one.
for (let seen = Atomics.load(signal, 1); ; seen = Atomics.load(signal, 1)) {
  answerRequests();
  Atomics.wait(signal, 1, seen);
}
