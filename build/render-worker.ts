// A rendering thread: claims pages from the shared counter and sends each one back.
import { parentPort, workerData } from 'node:worker_threads';
import { renderClaimed, type RenderTask } from './render-pool';

const { task, next } = workerData as { task: RenderTask; next: Int32Array };
await renderClaimed(task, next, (index, page) => parentPort!.postMessage({ index, page }));
