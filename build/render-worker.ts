// A page worker: loads the renderer and shiki once, then renders each page it is sent.
import { parentPort, workerData } from 'node:worker_threads';
import { highlightWith, makeHighlighter } from './highlight';
import { renderMarkdown, type RenderContext } from './render';
import type { RenderTask } from './render-pool';

const task = workerData as Omit<RenderTask, 'pages' | 'texts'>;
const ctx: RenderContext = { course: task.course, labs: new Map(task.labs), highlight: highlightWith(await makeHighlighter(task.langs)), mermaid: new Map(task.mermaid) };
parentPort!.on('message', ({ index, page, text }) => parentPort!.postMessage({ index, page: renderMarkdown(ctx, page, text) }));
