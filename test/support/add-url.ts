import type Docker from 'dockerode';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces } from 'node:os';
import { PassThrough } from 'node:stream';
import tar from 'tar-stream';
import { MANAGED_LABEL } from '../../graders/engine/connect';
import { runBuild } from '../../graders/observe/build';

/** The host's own IPv4 address on its outside interface (not loopback, not a bridge or veth). */
export const outsideAddress = Object.entries(networkInterfaces())
  .filter(([name]) => !/^(lo|docker|br-|veth|dd)/.test(name))
  .flatMap(([, addrs]) => addrs ?? [])
  .find((a) => a.family === 'IPv4' && !a.internal)?.address;

/** An HTTP server on every host address that records each path asked for. */
export async function recordingServer(): Promise<{ server: Server; port: number; requests: string[] }> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.end('secret\n');
  });
  await new Promise<void>((r) => server.listen(0, '0.0.0.0', r));
  return { server, port: (server.address() as AddressInfo).port, requests };
}

/**
 * Builds `FROM scratch` + `ADD <url>` straight on an engine, with no Dockerfile
 * rules in front: what the daemon itself fetches, the build's `networkmode:
 * none` does not cover.
 */
export function buildAddUrl(docker: Docker, url: string, tag: string) {
  const pack = tar.pack();
  pack.entry({ name: 'Dockerfile', mtime: new Date(0) }, `FROM scratch\nADD ${url} /fetched\n`);
  pack.finalize();
  return runBuild(docker, { context: pack.pipe(new PassThrough()), tag, labels: { [MANAGED_LABEL]: 'true' }, timeoutMs: 60_000 });
}
