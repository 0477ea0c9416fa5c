import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { dirname, join } from 'node:path/posix';
import { pipeline, Readable, Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import tar from 'tar-stream';
import { CONTENT_MARKERS, matchContent, matchPath } from './secret-patterns';
import { describe, InfrastructureError } from '../engine/connect';
import type { LabDefinition } from '../model/lab';

/** Everything the grader saw of the filesystem of the built image. */
export interface ImageFiles {
  paths: Set<string>;
  passwd?: string;
  group?: string;
}

/** The running container, as observed. */
export interface RunObservation {
  /** Set when the engine would not start the container; the student's image is the cause. */
  startError?: string;
  exitedEarly?: { exitCode: number; oomKilled: boolean };
  ready: boolean;
  readyAfterMs?: number;
  pid1?: { uid: number; args: string };
  processes: { pid: number; uid: number; args: string }[];
  stop?: { elapsedMs: number; exitCode: number; oomKilled: boolean };
  logTail: string[];
}

/** One thing in a layer of the final image that looks like a credential. Never holds the secret itself. */
export interface SecretFinding {
  /** 0-based index into `LayerScan.layers`. */
  layer: number;
  /** Path inside the layer, without a leading slash. */
  path: string;
  /** What it looks like: `private key (PEM)`, `.env file`, `GitHub token`… */
  kind: string;
  /** A redacted sample (`ghp_…(40 chars)`), when the finding is in the content. */
  sample?: string;
  /** A later layer deletes this path: gone from the container, still in the image. */
  deletedLater?: boolean;
}

/** What `docker save` of the final image showed, layer by layer (bottom first). */
export interface LayerScan {
  layers: {
    diffId: string;
    /** The history step (CreatedBy) that made the layer, when the config says. */
    step?: string;
    /** The layer is one of the lab's own images (a toolchain or an allowed base): not the student's. */
    fromLab: boolean;
    /**
     * The layer's uncompressed tar bytes as `docker save` carries it: the size
     * unit that reads the same on every engine and image store (overlay2 saves
     * plain tars, the containerd store gzip blobs, and each reports a different
     * `Size`).
     */
    bytes: number;
  }[];
  /** The config's history, every entry in order, empty layers included. */
  history: { createdBy: string; emptyLayer: boolean }[];
  findings: SecretFinding[];
  /** File content bytes read and matched. */
  scannedBytes: number;
  /** Files only partly read because of the per-file bound. */
  truncatedFiles: number;
  /** Set when the total bound was reached: later files were judged by their path alone. */
  totalCapReached?: boolean;
  limits: { perFileBytes: number; totalBytes: number };
}

export interface RunLimits {
  memoryBytes: number;
  nanoCpus: number;
  pids: number;
  logBytes: number;
}

export function limitsOf(lab: LabDefinition): RunLimits {
  return {
    memoryBytes: lab.limits.memoryMB * 1024 * 1024,
    nanoCpus: Math.round(lab.limits.cpus * 1e9),
    pids: lab.limits.pids,
    logBytes: lab.limits.logBytes,
  };
}

/**
 * Creates the container that every runtime check observes. Untrusted code:
 * no capabilities, no privilege escalation, no mounts, no socket, capped
 * memory, CPU, processes and log size, the port published on loopback only.
 */
export async function createProbeContainer(
  docker: Docker,
  image: Docker.ImageInspectInfo,
  lab: LabDefinition,
  labels: Record<string, string>,
  limits: RunLimits,
  variant: ProbeVariant = {},
): Promise<Docker.Container> {
  const port = `${lab.thresholds.readiness.port}/tcp`;
  const needsCommand = !(image.Config?.Entrypoint?.length || image.Config?.Cmd?.length);
  return docker.createContainer({
    Image: image.Id,
    Labels: labels,
    // An image with neither ENTRYPOINT nor CMD cannot be created; give it a
    // command that fails at start so the checks can still read the image.
    // Extra arguments replace CMD, as `docker run IMAGE ARG…` does.
    ...(variant.args ? { Cmd: variant.args } : needsCommand ? { Cmd: ['/drydock-no-command-given'] } : {}),
    ExposedPorts: { [port]: {} },
    StopTimeout: lab.thresholds.gracePeriodSeconds,
    HostConfig: {
      PortBindings: { [port]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: limits.nanoCpus,
      PidsLimit: limits.pids,
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 1024 }],
      LogConfig: { Type: 'json-file', Config: { 'max-size': String(limits.logBytes), 'max-file': '1' } },
      AutoRemove: false,
      Privileged: false,
      ...(variant.readOnly ? { ReadonlyRootfs: true } : {}),
      // A tmpfs counts against the container's memory limit; its size is capped too.
      ...(variant.tmpfs?.length ? { Tmpfs: Object.fromEntries(variant.tmpfs.map((p) => [p, 'rw,nosuid,nodev,noexec,size=64m'])) } : {}),
    },
  });
}

/** How a second probe container differs from the first: same limits and labels, one setting changed. */
export interface ProbeVariant {
  /** `--read-only`. */
  readOnly?: boolean;
  /** `--tmpfs PATH` for each path. */
  tmpfs?: string[];
  /** Arguments after the image name; they replace CMD. */
  args?: string[];
}

/** The variant as `docker run` flags, for evidence. */
export function describeVariant(v: ProbeVariant): string {
  const flags = [v.readOnly ? '--read-only' : '', ...(v.tmpfs ?? []).map((p) => `--tmpfs ${p}`)].filter(Boolean);
  const args = (v.args ?? []).map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`));
  return ['docker run', ...flags, 'IMAGE', ...args].join(' ');
}

/** Reads the container's filesystem listing and its account files from `docker export`. */
export async function readImageFiles(container: Docker.Container): Promise<ImageFiles> {
  const stream = (await container.export()) as unknown as Readable;
  const extract = tar.extract();
  const files: ImageFiles = { paths: new Set() };
  const done = (async () => {
    for await (const entry of extract) {
      const name = entry.header.name.replace(/^\.?\//, '').replace(/\/$/, '');
      files.paths.add(name);
      if (name === 'etc/passwd' || name === 'etc/group') {
        const chunks: Buffer[] = [];
        for await (const c of entry) chunks.push(c as Buffer);
        files[name === 'etc/passwd' ? 'passwd' : 'group'] = Buffer.concat(chunks).toString('utf8');
      } else entry.resume();
    }
  })();
  stream.pipe(extract);
  await done;
  return files;
}

function probeOnce(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 400);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The lines of Docker's multiplexed log stream (8-byte frame headers), stdout
 * and stderr in the order written: docker-modem's demuxer, both streams into
 * one sink. Unframed text (a TTY container) passes through as it is.
 */
export async function demuxLogs(modem: Docker['modem'], raw: Buffer): Promise<string[]> {
  const chunks: Buffer[] = [];
  const sink = new Writable({ write: (chunk: Buffer, _encoding, done) => (chunks.push(chunk), done()) });
  const source = Readable.from([raw]);
  modem.demuxStream(source, sink, sink);
  await finished(source);
  await new Promise((flushed) => sink.end(flushed));
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/).filter((l) => l !== '');
}

async function logTail(container: Docker.Container, n = 15): Promise<string[]> {
  const raw = (await container.logs({ stdout: true, stderr: true, tail: n, follow: false })) as unknown as Buffer;
  return (await demuxLogs(container.modem, raw)).map((l) => l.slice(0, 300));
}

/** Start failures caused by the image (missing shell, missing binary) rather than by the engine. */
const IMAGE_FAULT = /exec|no such file or directory|not found|permission denied|executable file|exec format error/i;

/**
 * Starts the container, waits for readiness, reads PID 1, then stops it with
 * the lab's grace period and times the stop.
 */
export async function observeRun(docker: Docker, container: Docker.Container, lab: LabDefinition, opts: { stop?: 'graceful' | 'kill' } = {}): Promise<RunObservation> {
  const obs: RunObservation = { ready: false, processes: [], logTail: [] };
  const { path, port, timeoutSeconds } = lab.thresholds.readiness;
  try {
    await container.start();
  } catch (err) {
    const msg = describe(err);
    if (IMAGE_FAULT.test(msg)) {
      obs.startError = msg.replace(/^.*?starting container process caused: /, '');
      return obs;
    }
    throw new InfrastructureError(`the engine could not start the container: ${msg}`, err);
  }
  const info = await container.inspect();
  const hostPort = Number(info.NetworkSettings.Ports?.[`${port}/tcp`]?.[0]?.HostPort);
  const t0 = Date.now();
  const deadline = t0 + timeoutSeconds * 1000;
  while (Date.now() < deadline) {
    if (hostPort && (await probeOnce(hostPort, path))) {
      obs.ready = true;
      obs.readyAfterMs = Date.now() - t0;
      break;
    }
    const state = (await container.inspect()).State;
    if (!state.Running) {
      obs.exitedEarly = { exitCode: state.ExitCode, oomKilled: state.OOMKilled };
      break;
    }
    await sleep(50);
  }
  const state = (await container.inspect()).State;
  if (state.Running) {
    const top = await container.top({ ps_args: '-o pid,uid,args' });
    const titles = top.Titles.map((t: string) => t.toUpperCase());
    const [pidCol, uidCol, argsCol] = ['PID', 'UID', 'COMMAND'].map((t) => titles.indexOf(t));
    obs.processes = top.Processes.map((p: string[]) => ({ pid: Number(p[pidCol]), uid: Number(p[uidCol]), args: p[argsCol] ?? p.at(-1) ?? '' }));
    const pid1 = obs.processes.find((p) => p.pid === state.Pid);
    if (pid1) obs.pid1 = { uid: pid1.uid, args: pid1.args };
  } else if (!obs.exitedEarly) {
    obs.exitedEarly = { exitCode: state.ExitCode, oomKilled: state.OOMKilled };
  }
  if (opts.stop === 'kill' && state.Running) {
    // A variant run is judged on readiness and PID 1 alone; the graceful stop is the first probe's to time.
    await container.kill().catch((err) => {
      if (![304, 409].includes((err as { statusCode?: number }).statusCode ?? 0)) throw err;
    });
  } else if (obs.ready && state.Running) {
    const grace = lab.thresholds.gracePeriodSeconds;
    const s0 = Date.now();
    await container.stop({ t: grace }).catch((err) => {
      if ((err as { statusCode?: number }).statusCode !== 304) throw err;
    });
    const elapsedMs = Date.now() - s0;
    const after = (await container.inspect()).State;
    obs.stop = { elapsedMs, exitCode: after.ExitCode, oomKilled: after.OOMKilled };
  }
  obs.logTail = await logTail(container);
  return obs;
}

/** Bounds on what the layer scan reads: credentials are small, images need not be. */
export const LAYER_SCAN_LIMITS = { perFileBytes: 1024 * 1024, totalBytes: 512 * 1024 * 1024 };
/** Findings kept per layer: enough to name the problem, bounded however many files match. */
const FINDINGS_PER_LAYER = 20;

interface ScannedLayer {
  diffId: string;
  /** Uncompressed tar bytes. */
  bytes: number;
  findings: { path: string; kind: string; sample?: string }[];
  /** Paths a whiteout deletes; a trailing `/` deletes everything below (opaque directory). */
  deletes: string[];
}

/**
 * How an OCI blob in `docker save` is compressed. Docker 25+ with the
 * containerd image store saves layers as the content store holds them: gzip
 * (BuildKit's default) or zstd; overlay2 engines save plain tars.
 */
function blobCompression(head: Buffer): 'gzip' | 'zstd' | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  return undefined;
}

/** The decompressed bytes of a blob whose first bytes were already read. */
function decompressed(kind: 'gzip' | 'zstd', head: Buffer, rest: AsyncIterator<Buffer>): AsyncIterable<Buffer> {
  const zstd = (zlib as unknown as { createZstdDecompress?: () => NodeJS.ReadWriteStream }).createZstdDecompress;
  if (kind === 'zstd' && !zstd) throw new InfrastructureError(`docker save gave a zstd-compressed layer, which Node ${process.versions.node} cannot read (Node 22.15 or later can)`);
  const inflate = kind === 'gzip' ? zlib.createGunzip() : zstd!();
  const source = Readable.from(
    (async function* () {
      yield head;
      for (let n = await rest.next(); !n.done; n = await rest.next()) yield n.value as Buffer;
    })(),
  );
  // pipeline destroys the inflater on a source or data error, which ends the reader's loop with it.
  pipeline(source, inflate, () => {});
  return inflate as unknown as AsyncIterable<Buffer>;
}

const isTarHeader = (b: Buffer) => b.length >= 512 && (b.subarray(257, 262).toString('latin1') === 'ustar' || b.subarray(0, 512).every((x) => x === 0));

/** What to read of one regular file in a layer: its first `want` bytes, handed to `done`. */
export type FileWant = { want: number; done: (content: Buffer) => void } | undefined;

/**
 * A small synchronous reader of one layer tar (ustar, pax and GNU long names),
 * fed chunk by chunk: a nested stream parser costs more than docker save
 * itself on a toolchain image. Only regular files reach `onFile`.
 */
export class LayerTarReader {
  private header = Buffer.alloc(512);
  private headerFill = 0;
  /** Bytes of the current entry's body still to come, then its padding. */
  private remaining = 0;
  private padding = 0;
  private kind: 'file' | 'meta' | 'skip' = 'skip';
  private file: FileWant;
  private parts: Buffer[] = [];
  private got = 0;
  private longName?: string;

  constructor(private readonly onFile: (name: string, size: number) => FileWant) {}

  push(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.remaining > 0) {
        const n = Math.min(this.remaining, chunk.length - i);
        const piece = chunk.subarray(i, i + n);
        if (this.kind === 'meta' || (this.kind === 'file' && this.file && this.got < this.file.want)) {
          const cap = this.kind === 'meta' ? 1024 * 1024 : this.file!.want;
          if (this.got < cap) this.parts.push(piece.subarray(0, Math.min(piece.length, cap - this.got)));
          this.got += piece.length;
        }
        this.remaining -= n;
        i += n;
        if (this.remaining === 0) this.finishEntry();
        continue;
      }
      if (this.padding > 0) {
        const n = Math.min(this.padding, chunk.length - i);
        this.padding -= n;
        i += n;
        continue;
      }
      const n = Math.min(512 - this.headerFill, chunk.length - i);
      chunk.copy(this.header, this.headerFill, i, i + n);
      this.headerFill += n;
      i += n;
      if (this.headerFill === 512) {
        this.headerFill = 0;
        this.startEntry();
      }
    }
  }

  private startEntry(): void {
    const h = this.header;
    if (h.every((b) => b === 0)) return;
    const str = (off: number, len: number) => {
      const s = h.subarray(off, off + len);
      const z = s.indexOf(0);
      return s.subarray(0, z < 0 ? len : z).toString('utf8');
    };
    let size: number;
    if (h[124] & 0x80) {
      size = 0;
      for (let k = 125; k < 136; k++) size = size * 256 + h[k];
    } else size = parseInt(str(124, 12).trim() || '0', 8) || 0;
    const type = String.fromCharCode(h[156] || 48);
    const prefix = str(257, 6).startsWith('ustar') ? str(345, 155) : '';
    const name = (this.longName ?? (prefix ? `${prefix}/${str(0, 100)}` : str(0, 100))).replace(/^\.?\/+/, '').replace(/\/$/, '');
    this.remaining = size;
    this.padding = (512 - (size % 512)) % 512;
    this.parts = [];
    this.got = 0;
    this.file = undefined;
    if (type === 'x' || type === 'L') this.kind = 'meta';
    else {
      this.kind = type === '0' || type === '7' ? 'file' : 'skip';
      if (type !== 'g') this.longName = undefined;
      if (this.kind === 'file') this.file = this.onFile(name, size);
    }
    this.metaType = type;
    if (size === 0) this.finishEntry();
  }

  private metaType = '';

  private finishEntry(): void {
    if (this.kind === 'meta') {
      const text = Buffer.concat(this.parts).toString('utf8');
      if (this.metaType === 'L') this.longName = text.replace(/\0+$/, '');
      else {
        const m = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(text);
        if (m) this.longName = m[1];
      }
    } else if (this.kind === 'file' && this.file) this.file.done(Buffer.concat(this.parts));
    this.kind = 'skip';
    this.parts = [];
  }
}

/**
 * Reads `docker save` of an image once, as a stream, in either format (the
 * classic one of overlay2 engines, or the OCI layout with compressed blobs of
 * the containerd store): each layer's uncompressed bytes are counted and,
 * with `contents`, its files judged by path and by their first bytes (see
 * observe/secret-patterns.ts), each
 * layer is hashed to its diff id, and the manifest and config put the layers
 * in order and name the step that made each. Layers of the lab's own images
 * are marked, not skipped: the tar names a layer by an id that only the
 * manifest, which comes last, ties to its place in the image.
 */
export async function scanImageLayers(
  docker: Docker,
  imageId: string,
  labLayers: Set<string>,
  { limits = LAYER_SCAN_LIMITS, contents = true }: { limits?: typeof LAYER_SCAN_LIMITS; contents?: boolean } = {},
): Promise<LayerScan> {
  const stream = (await docker.getImage(imageId).get()) as unknown as Readable;
  const outer = tar.extract();
  const layers = new Map<string, ScannedLayer>();
  const aliases = new Map<string, string>();
  const small = new Map<string, Buffer>();
  let scannedBytes = 0;
  let truncatedFiles = 0;
  let totalCapReached = false;

  const scanLayer = async (entry: AsyncIterable<Buffer>, first: Buffer | undefined): Promise<ScannedLayer> => {
    const hash = createHash('sha256');
    const layer: ScannedLayer = { diffId: '', bytes: 0, findings: [], deletes: [] };
    const parser = new LayerTarReader((name, size) => {
      if (!contents) return undefined;
      const slash = name.lastIndexOf('/');
      const dir = slash < 0 ? '' : name.slice(0, slash + 1);
      const base = name.slice(slash + 1);
      if (base === '.wh..wh..opq') layer.deletes.push(dir);
      else if (base.startsWith('.wh.')) layer.deletes.push(dir + base.slice(4));
      if (base.startsWith('.wh.')) return undefined;
      const add = (kind: string, sample?: string) => {
        if (layer.findings.length < FINDINGS_PER_LAYER) layer.findings.push({ path: name, kind, ...(sample ? { sample } : {}) });
      };
      const byPath = matchPath(name);
      if (byPath) add(byPath);
      const want = Math.min(limits.perFileBytes, limits.totalBytes - scannedBytes, size);
      if (size > 0 && limits.totalBytes - scannedBytes <= 0) totalCapReached = true;
      if (want <= 0) return undefined;
      if (size > limits.perFileBytes) truncatedFiles++;
      scannedBytes += want;
      return {
        want,
        done: (content) => {
          if (CONTENT_MARKERS.some((m) => content.includes(m))) for (const m of matchContent(content.toString('latin1'))) add(m.kind, m.sample);
        },
      };
    });
    if (first) {
      hash.update(first);
      parser.push(first);
      layer.bytes += first.length;
    }
    for await (const c of entry) {
      hash.update(c);
      parser.push(c);
      layer.bytes += c.length;
    }
    layer.diffId = `sha256:${hash.digest('hex')}`;
    return layer;
  };

  const done = (async () => {
    for await (const entry of outer) {
      const name = entry.header.name.replace(/^\.?\//, '');
      const isLayerTar = /\/layer\.tar$/.test(name);
      const isBlob = /^blobs\/sha256\/[0-9a-f]{64}$/.test(name);
      if ((isLayerTar || isBlob) && entry.header.type === 'symlink' && entry.header.linkname) {
        aliases.set(name, join(dirname(name), entry.header.linkname).replace(/\\/g, '/'));
        entry.resume();
        continue;
      }
      if (isLayerTar) {
        layers.set(name, await scanLayer(entry as unknown as AsyncIterable<Buffer>, undefined));
        continue;
      }
      if (isBlob || name.endsWith('.json')) {
        // An OCI blob is a layer when it starts with a tar header, otherwise a small JSON document.
        const it = (entry as unknown as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
        let head: Buffer = Buffer.alloc(0);
        while (head.length < 512) {
          const n = await it.next();
          if (n.done) break;
          head = Buffer.concat([head, n.value as Buffer]);
        }
        if (isBlob && isTarHeader(head)) {
          const rest = { [Symbol.asyncIterator]: () => it } as AsyncIterable<Buffer>;
          layers.set(name, await scanLayer(rest, head));
          continue;
        }
        const compression = isBlob ? blobCompression(head) : undefined;
        if (compression) {
          layers.set(name, await scanLayer(decompressed(compression, head, it as AsyncIterator<Buffer>), undefined));
          continue;
        }
        const parts = [head];
        let size = head.length;
        for (let n = await it.next(); !n.done; n = await it.next()) {
          if (size < 8 * 1024 * 1024) parts.push(n.value);
          size += n.value.length;
        }
        if (size < 8 * 1024 * 1024) small.set(name, Buffer.concat(parts));
        continue;
      }
      entry.resume();
    }
  })();
  stream.on('error', (err) => outer.destroy(err));
  stream.pipe(outer);
  await done;

  const read = (name: string) => {
    const b = small.get(name);
    return b ? JSON.parse(b.toString('utf8')) : undefined;
  };
  const manifest = read('manifest.json') as { Config: string; Layers: string[] }[] | undefined;
  if (!manifest?.[0]) throw new InfrastructureError('docker save returned no manifest.json');
  const config = read(manifest[0].Config) as { history?: { created_by?: string; empty_layer?: boolean }[]; rootfs?: { diff_ids?: string[] } } | undefined;
  const history = (config?.history ?? []).map((h) => ({ createdBy: h.created_by ?? '', emptyLayer: !!h.empty_layer }));
  const steps = history.filter((h) => !h.emptyLayer).map((h) => h.createdBy);
  const ordered = manifest[0].Layers.map((l) => layers.get(aliases.get(l) ?? l));
  // A layer the manifest names but the scan could not read would make every verdict on it a silent pass.
  const unread = manifest[0].Layers.filter((_, i) => !ordered[i]);
  if (unread.length) throw new InfrastructureError(`docker save named ${unread.length} layer(s) it carried in no form the grader reads (${unread[0]})`);
  const findings: SecretFinding[] = [];
  ordered.forEach((layer, i) => {
    for (const f of layer?.findings ?? []) {
      const deletedLater = ordered.slice(i + 1).some((later) => later?.deletes.some((d) => (d.endsWith('/') || d === '' ? f.path.startsWith(d) : f.path === d || f.path.startsWith(`${d}/`))));
      findings.push({ layer: i, ...f, ...(deletedLater ? { deletedLater } : {}) });
    }
  });
  return {
    layers: ordered.map((layer, i) => {
      const diffId = config?.rootfs?.diff_ids?.[i] ?? layer?.diffId ?? '';
      return { diffId, ...(steps[i] !== undefined ? { step: steps[i] } : {}), fromLab: labLayers.has(diffId), bytes: layer?.bytes ?? 0 };
    }),
    history,
    findings,
    scannedBytes,
    truncatedFiles,
    ...(totalCapReached ? { totalCapReached } : {}),
    limits,
  };
}
