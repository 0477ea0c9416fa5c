// Defence in depth: `ADD <url>` is fetched by the daemon, outside the build's
// `networkmode: none`, so the Dockerfile rules are the only gate on an engine
// with a route out. A scratch engine has none (dockerd in its own network
// namespace, loopback only): an ADD the rules would have accepted fails there,
// and neither a server on the host's loopback nor one on its outside address
// sees a request. The same build on the main engine reaches the server, which
// is what makes this test able to fail.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { PassThrough } from 'node:stream';
import { connect, MANAGED_LABEL } from '../../graders/engine/connect';
import { runBuild } from '../../graders/observe/build';
import { startScratchEngine, type ScratchEngine } from '../support/scratch-engine';

const requests: string[] = [];
let server: Server;
let port: number;
let engine: ScratchEngine;
const main = connect();
/** The host's own address on its outside interface (not loopback, not a bridge). */
const outside = Object.entries(networkInterfaces())
  .filter(([name]) => !/^(lo|docker|br-|veth|dd)/.test(name))
  .flatMap(([, addrs]) => addrs ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address;

function context(dockerfile: string) {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile', mtime: new Date(0) }, dockerfile);
  pack.finalize();
  return pack.pipe(new PassThrough());
}
const build = (docker: typeof main, url: string, tag: string) =>
  runBuild(docker, { context: context(`FROM scratch\nADD ${url} /fetched\n`), tag, labels: { [MANAGED_LABEL]: 'true' }, timeoutMs: 120_000 });

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.end('secret\n');
  });
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  port = (server.address() as AddressInfo).port;
  engine = await startScratchEngine('offline-add');
}, 120_000);

afterAll(async () => {
  server.close();
  await engine?.stop();
});

describe('a scratch engine has no route out', () => {
  it('fails an ADD of a URL on the host loopback and on the host outside address, with no request seen', async () => {
    const urls = [`http://127.0.0.1:${port}/loopback`, ...(outside ? [`http://${outside}:${port}/outside`] : [])];
    for (const url of urls) {
      const r = await build(engine.docker, url, 'drydock-test/offline-add:x');
      expect(r.status, `${url}: ${r.error}`).not.toBe('built');
      expect(r.error ?? '').toMatch(/connect|unreachable|refused|no route|dial/i);
    }
    expect(requests).toEqual([]);
    expect(outside, 'the host has an outside address to try').toBeDefined();
  }, 300_000);

  it('the same ADD on the main engine reaches the server (the check can fail)', async () => {
    const tag = 'drydock-test/offline-add-control:x';
    const r = await build(main, `http://127.0.0.1:${port}/control`, tag);
    try {
      expect(r.status).toBe('built');
      expect(requests).toContain('/control');
    } finally {
      await main.getImage(tag).remove({ force: true }).catch(() => {});
    }
  }, 300_000);
});
