// A page worker: renders the pages it is sent with its own shiki (parsing ahead, and asking for
// more, while shiki loads) and sends each back as JSON; builds the search index when asked.
import { parentPort, workerData } from 'node:worker_threads';
import { pageRenderer } from './page-renderer';
import { loadSearchIndexer, type SearchDoc } from './search-index';

const PARSE_AHEAD = 8;
const port = parentPort!;
const render = pageRenderer(workerData);
let ahead = 0;
let rendering = Promise.resolve();
port.on('message', (m: { index: number; page: never; text: string; langs: string[] } | { warm: true } | { docs: SearchDoc[] }) => {
  if ('warm' in m) return void loadSearchIndexer();
  if ('docs' in m) return void loadSearchIndexer().then((index) => port.postMessage({ script: index(m.docs) }));
  const parsed = render.ready() ? undefined : render.parse(m.page, m.text);
  if (parsed && ahead++ < PARSE_AHEAD) port.postMessage({ more: true });
  rendering = rendering.then(async () => port.postMessage({ index: m.index, json: JSON.stringify(await render(m.page, m.text, m.langs, parsed)) }));
});
