// What Drydock reads from and sends to the engine, byte for byte: container
// logs demultiplexed by docker-modem, and the build context as a tar.
import Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { runBuild } from '../../graders/observe/build';
import { demuxLogs } from '../../graders/observe/runtime';
import { contextFiles, contextTar } from '../../graders/submission/context';

const frame = (stream: 1 | 2, text: string) => {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(8);
  head[0] = stream;
  head.writeUInt32BE(body.length, 4);
  return Buffer.concat([head, body]);
};
const { modem } = new Docker({ socketPath: '/nonexistent' });

describe('container logs', () => {
  it('are stdout and stderr frames in the order written, split into lines', async () => {
    const raw = Buffer.concat([frame(1, 'listening on :8080\n'), frame(2, 'warn: no cache\nsecond '), frame(1, 'half\r\n'), frame(2, 'ünïcode\n')]);
    expect(await demuxLogs(modem, raw)).toEqual(['listening on :8080', 'warn: no cache', 'second half', 'ünïcode']);
  });

  it('drop a frame the engine cut short, and pass a TTY container\'s unframed text through', async () => {
    const cut = Buffer.concat([frame(1, 'whole\n'), frame(1, 'cut short\n').subarray(0, 12)]);
    expect(await demuxLogs(modem, cut)).toEqual(['whole']);
    expect(await demuxLogs(modem, Buffer.from('plain tty line\nand another\n'))).toEqual(['plain tty line', 'and another']);
    expect(await demuxLogs(modem, Buffer.alloc(0))).toEqual([]);
  });
});

interface Sent {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname?: string;
  body: string;
}

async function unpack(stream: Readable): Promise<Sent[]> {
  const extract = tar.extract();
  const out: Sent[] = [];
  stream.on('error', (err) => extract.destroy(err));
  stream.pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    const h = entry.header;
    out.push({ name: h.name, type: h.type!, mode: h.mode!, uid: h.uid!, gid: h.gid!, mtime: h.mtime!.getTime(), ...(h.linkname ? { linkname: h.linkname } : {}), body: Buffer.concat(chunks).toString('utf8') });
  }
  return out;
}

/** A submission with links in and out, modes, deep and long names, and a .dockerignore with exceptions and nested patterns. */
function hostileFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-context-'));
  const put = (rel: string, body = rel, mode?: number) => {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), body);
    if (mode !== undefined) chmodSync(join(dir, rel), mode);
  };
  put('Dockerfile', 'FROM scratch\nCOPY . /\n');
  put('.dockerignore', 'secret\nlogs/\n!logs/keep.txt\nnested/**/*.tmp\n*.md\n!README.md\n');
  for (const f of ['secret', 'logs/a.log', 'logs/keep.txt', 'nested/x/y/z.tmp', 'nested/x/y/z.txt', 'notes.md', 'README.md', 'a-b', 'a/x', 'a.b']) put(f);
  put('run.sh', '#!/bin/sh\n', 0o755);
  put('open.txt', 'o', 0o777);
  put(`long/${'d'.repeat(90)}/${'f'.repeat(120)}.txt`, 'long');
  put('ünïcode/名前.txt');
  symlinkSync('run.sh', join(dir, 'link-in'));
  symlinkSync('/etc/passwd', join(dir, 'link-abs'));
  symlinkSync('../../outside', join(dir, 'link-out'));
  symlinkSync('a', join(dir, 'link-dir'));
  return dir;
}

describe('the build context', () => {
  it('is the listed files in walk order, each with its own bytes and mode, links as links, a fixed time and no owner', async () => {
    const dir = hostileFolder();
    const files = contextFiles(dir);
    expect(files).toEqual(['.dockerignore', 'Dockerfile', 'README.md', 'a/x', 'a-b', 'a.b', 'link-abs', 'link-dir', 'link-in', 'link-out', `long/${'d'.repeat(90)}/${'f'.repeat(120)}.txt`, 'nested/x/y/z.txt', 'open.txt', 'run.sh', 'ünïcode/名前.txt']);
    const sent = await unpack(contextTar(dir));
    expect(sent.map((e) => e.name)).toEqual(files);
    for (const e of sent) {
      const st = lstatSync(join(dir, e.name));
      expect({ uid: e.uid, gid: e.gid, mtime: e.mtime }, e.name).toEqual({ uid: 0, gid: 0, mtime: 0 });
      if (st.isSymbolicLink()) expect({ type: e.type, linkname: e.linkname, body: e.body, mode: e.mode }).toEqual({ type: 'symlink', linkname: readlinkSync(join(dir, e.name)), body: '', mode: 0o644 });
      else expect({ type: e.type, body: e.body, mode: e.mode }, e.name).toEqual({ type: 'file', body: readFileSync(join(dir, e.name), 'utf8'), mode: st.mode & 0o777 });
    }
    // The same files make the same bytes, run after run.
    const bytes = async () => Buffer.concat(await contextTar(dir).toArray());
    expect((await bytes()).equals(await bytes())).toBe(true);
    rmSync(dir, { recursive: true });
  });

  it('carries substitutes in place of the files, and after them those the folder lacks', async () => {
    const dir = hostileFolder();
    const sent = await unpack(contextTar(dir, { Dockerfile: 'FROM scratch\n', 'a/x': 'probed\n', 'new/probe.go': 'package x\n' }));
    expect(sent.map((e) => e.name)).toEqual([...contextFiles(dir), 'new/probe.go']);
    expect(sent.find((e) => e.name === 'Dockerfile')).toMatchObject({ body: 'FROM scratch\n', mode: 0o644, type: 'file' });
    expect(sent.find((e) => e.name === 'a/x')).toMatchObject({ body: 'probed\n', mode: 0o644 });
    expect(sent.at(-1)).toMatchObject({ name: 'new/probe.go', body: 'package x\n', mode: 0o644 });
    rmSync(dir, { recursive: true });
  });

  it('never reads through a link that appears after the listing, and fails rather than hangs on a FIFO', async () => {
    const dir = hostileFolder();
    const swapped = contextTar(dir);
    rmSync(join(dir, 'a-b'));
    symlinkSync('/etc/passwd', join(dir, 'a-b'));
    const sent = await unpack(swapped);
    expect(sent.find((e) => e.name === 'a-b')).toMatchObject({ type: 'symlink', linkname: '/etc/passwd', body: '' });
    expect(sent.some((e) => e.body.includes('root:'))).toBe(false);

    const piped = contextTar(dir);
    rmSync(join(dir, 'a.b'));
    execFileSync('mkfifo', [join(dir, 'a.b')]);
    await expect(unpack(piped)).rejects.toThrow(/unsupported type|not a regular file/);
    rmSync(dir, { recursive: true });
  });

  it('that cannot be read ends the build as an infrastructure error at once, not as the student\'s timeout', async () => {
    const dir = hostileFolder();
    const context = contextTar(dir);
    rmSync(join(dir, 'a.b'));
    execFileSync('mkfifo', [join(dir, 'a.b')]);
    // An engine that waits for the rest of the context, as a real one does, until the request is aborted.
    const engine = {
      buildImage: (_ctx: unknown, opts: { abortSignal: AbortSignal }) =>
        new Promise((_resolve, reject) => opts.abortSignal.addEventListener('abort', () => reject(new Error('The operation was aborted')))),
    } as unknown as Docker;
    const t0 = Date.now();
    await expect(runBuild(engine, { context, tag: 't', labels: {}, timeoutMs: 60_000 })).rejects.toThrow(/^the build context could not be sent: .*a\.b/);
    expect(Date.now() - t0).toBeLessThan(5_000);
    rmSync(dir, { recursive: true });
  });
});
