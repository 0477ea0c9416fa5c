import { existsSync, readFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildBook } from '../build/site';
import { buildQueue, watchCourse } from './dev-session';
import { formatProblem } from '../lib/yaml-schema';
import { PACKAGE_ROOT } from '../lib/paths';

const REPO = PACKAGE_ROOT;

const BUILD_HELP = `Usage: drydock build [--root DIR] [--out DIR] [-j N] [-q]

Renders DIR/chapters/*.md and DIR/labs/*/README.md into a static book.
  --root DIR   course folder (default: this repository)
  --out DIR    where the site goes (default: ROOT/site)
  -j, --threads N
               threads the build may use (default: one per core but one, at most 8).
               Pages are rendered on page workers, each with its own shiki,
               one per 24 pages to render; 1 = render on this thread.
  -q, --quiet  print problems only
Environment: DRYDOCK_RENDER_THREADS sets the default for --threads.
Exit 0 on success; 1 with every problem as file:line:column message; 2 on a
wrong option.
`;

export async function buildCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { root: { type: 'string' }, out: { type: 'string' }, threads: { type: 'string', short: 'j' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write(BUILD_HELP);
    return 0;
  }
  const root = resolve(values.root ?? REPO);
  const out = resolve(values.out ?? join(root, 'site'));
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  if (threads !== undefined && !(Number.isInteger(threads) && threads > 0)) {
    process.stderr.write(`drydock build: --threads wants a whole number of 1 or more, not "${values.threads}"\n`);
    return 2;
  }
  const result = await buildBook({ root, out, threads, warn: (m) => process.stderr.write(`warning: ${m}\n`) });
  if (!result.ok) {
    for (const p of result.problems) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write(`drydock build: ${result.problems.length} problem(s); ${out} was left as it was\n`);
    return 1;
  }
  if (!values.quiet) {
    const what = result.upToDate ? 'up to date, nothing written' : `${result.rendered} rendered${result.threads > 1 ? ` on ${result.threads} threads` : ''}, ${result.pages - result.rendered} from cache`;
    process.stderr.write(`drydock build: ${result.pages} pages (${what}) in ${result.ms} ms → ${out}\n`);
  }
  return 0;
}

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.zip': 'application/zip', '.json': 'application/json' };
// Reloads the page after a good build; after a failed one, shows the problems over the last good page.
const LIVE_JS = `(function(){var s=new EventSource('/__drydock/events');
s.onmessage=function(e){if(e.data==='reload')location.reload()};
s.addEventListener('problems',function(e){var d=document.getElementById('drydock-problems');
if(!d){d=document.createElement('pre');d.id='drydock-problems';d.setAttribute('role','alert');
d.style.cssText='position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;margin:0;padding:1em;background:#5c0b0b;color:#fff;font:13px/1.45 ui-monospace,monospace;white-space:pre-wrap;z-index:2147483647';
document.body.appendChild(d)}
d.textContent='drydock dev: the build failed; this is the last good build.\\n\\n'+JSON.parse(e.data)});})();`;

export async function devCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { root: { type: 'string' }, out: { type: 'string' }, port: { type: 'string', default: '4000' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help) {
    process.stdout.write('Usage: drydock dev [--root DIR] [--out DIR] [--port N]\n\nBuilds the book, serves it on http://localhost:PORT and rebuilds on every change to chapters/, labs/ or course.yaml; open pages reload by themselves.\n');
    return 0;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`drydock dev: --port must be a whole number from 0 to 65535, not "${values.port}"\n`);
    return 2;
  }
  const root = resolve(values.root ?? REPO);
  const out = resolve(values.out ?? join(root, 'site'));
  const clients = new Set<ServerResponse>();
  // The problems of the last build, if it failed: shown to every page that connects until a build succeeds.
  let problems: string | undefined;
  const tell = (c: ServerResponse) => c.write(problems === undefined ? 'data: reload\n\n' : `event: problems\ndata: ${JSON.stringify(problems)}\n\n`);
  const rebuild = async (why: string) => {
    const t = Date.now();
    // One thread: every page renders here, so shiki and the pipeline are warm for the next save
    // (a helper thread would take that warmth away with it, ~2x on the first edits).
    let r: Awaited<ReturnType<typeof buildBook>>;
    try {
      r = await buildBook({ root, out, liveReload: true, incremental: true, threads: 1 });
    } catch (err) {
      // A crash in one build must not stop the server: the next save builds again.
      process.stderr.write(`drydock dev: the build crashed (${(err as Error).stack ?? err}); save again to retry\n`);
      return;
    }
    if (!r.ok) {
      problems = r.problems.map(formatProblem).join('\n');
      process.stderr.write(`${problems}\n(site unchanged)\n`);
    } else {
      problems = undefined;
      process.stderr.write(`rebuilt (${why}): ${r.rendered} page(s) rendered in ${Date.now() - t} ms\n`);
    }
    for (const c of clients) tell(c);
  };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname === '/__drydock/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.write(': connected\n\n');
      if (problems !== undefined) tell(res);
      clients.add(res);
      req.on('close', () => clients.delete(res));
      return;
    }
    if (url.pathname === '/__drydock/live.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' }).end(LIVE_JS);
      return;
    }
    const rel = normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, '');
    let file = join(out, rel);
    if (rel.endsWith('/')) file = join(file, 'index.html');
    if (!file.startsWith(out) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  // Listen before the first build, so a port in use is reported at once.
  const failed = await new Promise<NodeJS.ErrnoException | undefined>((done) => {
    server.once('error', done);
    server.listen(port, '127.0.0.1', () => done(undefined));
  });
  if (failed) {
    const why = failed.code === 'EADDRINUSE' ? 'another program is using it; pass --port with a free one' : failed.message;
    process.stderr.write(`drydock dev: cannot serve on port ${port}: ${why}\n`);
    return 2;
  }
  // The watchers are up before the first build starts, so an edit at any moment from here on is
  // built: one build at a time, and a change during a build makes another one after it.
  const queue = buildQueue(rebuild);
  const unwatch = watchCourse(root, (name) => queue.changed(name));
  queue.changed('start', true);
  await queue.idle();
  process.stderr.write(`drydock dev: http://localhost:${(server.address() as AddressInfo).port}/ (Ctrl-C to stop)\n`);
  // Stop on Ctrl-C or SIGTERM: close watchers and the open live-reload streams, or the process lingers.
  await new Promise<void>((r) => {
    const stop = () => {
      queue.stop();
      unwatch();
      for (const c of clients) c.end();
      server.closeAllConnections();
      server.close(() => r());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
}
