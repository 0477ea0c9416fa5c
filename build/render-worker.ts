// A page thread: claims pages from the front of the book and sends each one back.
import { parentPort, workerData } from 'node:worker_threads';
import { claimFront, type PageClaims } from './page-claims';
import { renderClaimed, type RenderTask } from './render-pool';

const { task, claims } = workerData as { task: RenderTask; claims: PageClaims };
await renderClaimed(task, () => claimFront(claims, task.pages.length), (index, page) => parentPort!.postMessage({ index, page }));
