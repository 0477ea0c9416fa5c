// The Kubernetes job `drydock ci kubernetes` writes runs dockerd as a sidecar
// in the pod's network namespace and, once the lab's images are in, cuts the
// pod's route out with ENGINE_OFFLINE. Here a network namespace stands in for
// the pod: an `eth0` veth to the host with a default route through it, as a
// CNI gives. Before the cut the daemon fetches an `ADD <url>` from a server on
// the host (the check can fail); after it, neither the host's outside address
// (through the default route) nor the veth's own subnet answers, and the
// server sees no request.
import { spawnSync } from 'node:child_process';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENGINE_OFFLINE } from '../../graders/integrations/ci';
import { buildAddUrl, outsideAddress, recordingServer } from '../support/add-url';
import { PassThrough } from 'node:stream';
import tar from 'tar-stream';
import { connect, MANAGED_LABEL } from '../../graders/engine/connect';
import { runBuild } from '../../graders/observe/build';
import { ensureImages, normalizeRef } from '../../graders/engine/images';
import { labBaseImages } from '../../graders/lab/load';
import { fastLab } from '../support/helpers';
import { copyImages, startScratchEngine, type ScratchEngine } from '../support/scratch-engine';

const NS = 'ddpod-offline';
const HOST_SIDE = 'ddpodh0';
let requests: string[];
let server: Server;
let port: number;
let engine: ScratchEngine;

function ip(...args: string[]) {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
}
const build = (url: string) => buildAddUrl(engine.docker, url, 'drydock-test/pod-offline:x');

beforeAll(async () => {
  spawnSync('ip', ['netns', 'del', NS]);
  ip('netns', 'add', NS);
  ip('link', 'add', HOST_SIDE, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', NS);
  ip('addr', 'add', '10.203.77.1/24', 'dev', HOST_SIDE);
  ip('link', 'set', HOST_SIDE, 'up');
  for (const args of [['link', 'set', 'lo', 'up'], ['addr', 'add', '10.203.77.2/24', 'dev', 'eth0'], ['link', 'set', 'eth0', 'up'], ['route', 'add', 'default', 'via', '10.203.77.1']]) ip('netns', 'exec', NS, 'ip', ...args);
  ({ server, port, requests } = await recordingServer());
  engine = await startScratchEngine('pod-offline', { netns: NS });
}, 120_000);

afterAll(async () => {
  server?.close();
  await engine?.stop();
  spawnSync('ip', ['netns', 'del', NS]);
  spawnSync('ip', ['link', 'del', HOST_SIDE]);
});

describe("the Kubernetes sidecar's cut (ENGINE_OFFLINE)", () => {
  it('lets the daemon fetch before the cut and nothing after it', async () => {
    expect(outsideAddress, 'the host has an outside address').toBeDefined();
    const before = await build(`http://${outsideAddress}:${port}/before`);
    expect(before.status, before.error).toBe('built');
    expect(requests).toEqual(['/before']);

    const cut = spawnSync('ip', ['netns', 'exec', NS, 'sh', '-c', ENGINE_OFFLINE], { encoding: 'utf8' });
    expect(cut.status, cut.stderr).toBe(0);
    for (const url of [`http://${outsideAddress}:${port}/after-outside`, `http://10.203.77.1:${port}/after-subnet`]) {
      const r = await build(url);
      expect(r.status, url).not.toBe('built');
    }
    expect(requests).toEqual(['/before']);
  }, 300_000);

  it("still builds from the lab's images already in the engine after the cut", async () => {
    const main = connect();
    await ensureImages(main, labBaseImages(fastLab()).map(normalizeRef));
    await copyImages(main, engine.docker, ['golang:1.26-alpine']);
    const pack = tar.pack();
    pack.entry({ name: 'Dockerfile', mtime: new Date(0) }, 'FROM golang:1.26-alpine\nRUN go version\n');
    pack.finalize();
    const r = await runBuild(engine.docker, { context: pack.pipe(new PassThrough()), tag: 'drydock-test/pod-offline:go', labels: { [MANAGED_LABEL]: 'true' }, timeoutMs: 120_000 });
    expect(r.status, r.error).toBe('built');
  }, 900_000);
});
