// Defence in depth: `ADD <url>` is fetched by the daemon, outside the build's
// `networkmode: none`, so the Dockerfile rules are the only gate on an engine
// with a route out. A scratch engine started offline has none (dockerd in its
// own network namespace, loopback only): an ADD the rules would have refused, sent
// straight to the engine, fails there, and neither a server on the host's
// loopback nor one on its outside address sees a request. The same build on
// the main engine reaches the server, which is what makes this test able to fail.
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../graders/engine/connect';
import { buildAddUrl, outsideAddress, recordingServer } from '../support/add-url';
import { startScratchEngine, type ScratchEngine } from '../support/scratch-engine';

let requests: string[];
let server: Server;
let port: number;
let engine: ScratchEngine;
const main = connect();

beforeAll(async () => {
  ({ server, port, requests } = await recordingServer());
  engine = await startScratchEngine('offline-add', { offline: true });
}, 120_000);

afterAll(async () => {
  server?.close();
  await engine?.stop();
});

describe('a scratch engine has no route out', () => {
  it('fails an ADD of a URL on the host loopback and on the host outside address, with no request seen', async () => {
    expect(outsideAddress, 'the host has an outside address to try').toBeDefined();
    for (const url of [`http://127.0.0.1:${port}/loopback`, `http://${outsideAddress}:${port}/outside`]) {
      const r = await buildAddUrl(engine.docker, url, 'drydock-test/offline-add:x');
      expect(r.status, `${url}: ${r.error}`).not.toBe('built');
      expect(r.error ?? '').toMatch(/connect|unreachable|refused|no route|dial/i);
    }
    expect(requests).toEqual([]);
  }, 300_000);

  it('the same ADD on the main engine reaches the server (the check can fail)', async () => {
    const tag = 'drydock-test/offline-add-control:x';
    const r = await buildAddUrl(main, `http://127.0.0.1:${port}/control`, tag);
    try {
      expect(r.status).toBe('built');
      expect(requests).toContain('/control');
    } finally {
      await main.getImage(tag).remove({ force: true }).catch(() => {});
    }
  }, 300_000);
});
