import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize } from 'node:path';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.svg': 'image/svg+xml', '.png': 'image/png', '.jpg': 'image/jpeg', '.zip': 'application/zip', '.json': 'application/json' };

// Reloads the page after a good build; after a failed one, shows the problems over the last good page.
const LIVE_JS = `(function(){var s=new EventSource('/__drydock/events');
s.onmessage=function(e){if(e.data==='reload')location.reload()};
s.addEventListener('problems',function(e){var d=document.getElementById('drydock-problems');
if(!d){d=document.createElement('pre');d.id='drydock-problems';d.setAttribute('role','alert');
d.style.cssText='position:fixed;left:0;right:0;bottom:0;max-height:50vh;overflow:auto;margin:0;padding:1em;background:#5c0b0b;color:#fff;font:13px/1.45 ui-monospace,monospace;white-space:pre-wrap;z-index:2147483647';
document.body.appendChild(d)}
d.textContent='drydock dev: the build failed; this is the last good build.\\n\\n'+JSON.parse(e.data)});})();`;

/** A static server for a built book, with the live-reload channel `drydock dev` pages listen on. */
export interface LiveServer {
  server: Server;
  /** Tells every open page the build succeeded (reload) or failed (`problems`, shown over the page until the next good build). */
  announce(problems: string | undefined): void;
  close(): Promise<void>;
}

export function serveSite(dir: string): LiveServer {
  const clients = new Set<ServerResponse>();
  let problems: string | undefined;
  const tell = (c: ServerResponse) => c.write(problems === undefined ? 'data: reload\n\n' : `event: problems\ndata: ${JSON.stringify(problems)}\n\n`);
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
    let file = join(dir, rel);
    if (rel.endsWith('/')) file = join(file, 'index.html');
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' }).end(readFileSync(file));
  });
  return {
    server,
    announce(p) {
      problems = p;
      for (const c of clients) tell(c);
    },
    close: () =>
      new Promise<void>((r) => {
        for (const c of clients) c.end();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
