import type Docker from 'dockerode';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { listTree } from '../../lib/tree';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import tar from 'tar-stream';
import { describe, InfrastructureError, MANAGED_LABEL, STAND_IN_LABEL } from './connect';
import { splitTag, withDefaultTag } from './image-ref';

/** How a base image the lab needs came to be in the engine. */
export type ImageOrigin = 'present' | 'pulled' | 'stand-in';

export interface EnsuredImage {
  ref: string;
  origin: ImageOrigin;
  /** True when the image in the engine is a Drydock stand-in, made now or earlier. */
  standIn: boolean;
  id: string;
  /** Uncompressed layer digests (RootFS.Layers), for matching a built image against its base. */
  layers: string[];
  /** Registry digests the engine knows for the image (`name@sha256:…`); none for stand-ins. */
  repoDigests: string[];
}

const ensured = (ref: string, origin: ImageOrigin, info: Docker.ImageInspectInfo): EnsuredImage => ({
  ref,
  origin,
  standIn: origin === 'stand-in' || isStandIn(info),
  id: info.Id,
  layers: info.RootFS?.Layers ?? [],
  repoDigests: info.RepoDigests ?? [],
});

type Progress = (line: string) => void;

/** A recipe that builds a local look-alike of a registry image. */
interface StandInRecipe {
  kind: string;
  matches(ref: string): boolean;
  build(docker: Docker, ref: string, progress: Progress): Promise<void>;
}

const DEBIAN_MIRROR = process.env.DRYDOCK_DEBIAN_MIRROR ?? 'http://deb.debian.org/debian';
const CACHE_DIR = process.env.DRYDOCK_ROOTFS_CACHE_DIR ?? '/var/cache/drydock';

export const normalizeRef = withDefaultTag;

async function inspectImage(docker: Docker, ref: string): Promise<Docker.ImageInspectInfo | undefined> {
  try {
    return await docker.getImage(ref).inspect();
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return undefined;
    throw new InfrastructureError(`cannot inspect ${ref}: ${describe(err)}`, err);
  }
}

export function isStandIn(info: Docker.ImageInspectInfo | undefined): boolean {
  return Boolean(info?.Config?.Labels?.[STAND_IN_LABEL]);
}

async function tryPull(docker: Docker, ref: string, timeoutMs: number): Promise<string | undefined> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    const stream = (await docker.pull(ref, { abortSignal: abort.signal })) as Readable;
    await new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
    );
    return undefined;
  } catch (err) {
    return abort.signal.aborted ? `no answer within ${timeoutMs / 1000} s` : describe(err);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Makes sure each image exists: already present, else pulled when a registry
 * answers, else built locally from a stand-in recipe.
 */
export async function ensureImages(
  docker: Docker,
  refs: string[],
  progress: Progress = () => {},
  opts: { pullTimeoutMs?: number; pull?: boolean } = {},
): Promise<EnsuredImage[]> {
  const out: EnsuredImage[] = [];
  for (const raw of refs) {
    const ref = normalizeRef(raw);
    let info = await inspectImage(docker, ref);
    if (info) {
      out.push(ensured(ref, 'present', info));
      continue;
    }
    const pullError = opts.pull === false ? 'pulling disabled' : await tryPull(docker, ref, opts.pullTimeoutMs ?? 20_000);
    info = pullError ? undefined : await inspectImage(docker, ref);
    if (info) {
      progress(`pulled ${ref}`);
      out.push(ensured(ref, 'pulled', info));
      continue;
    }
    const recipe = RECIPES.find((r) => r.matches(ref));
    if (!recipe) {
      throw new InfrastructureError(`${ref} is not in the engine, cannot be pulled (${pullError}) and has no local stand-in recipe`);
    }
    progress(`${ref}: registry unreachable (${pullError}); building a local stand-in (${recipe.kind})`);
    await recipe.build(docker, ref, progress);
    info = await inspectImage(docker, ref);
    if (!info) throw new InfrastructureError(`stand-in for ${ref} was built but is not in the engine`);
    out.push(ensured(ref, 'stand-in', info));
  }
  return out;
}

/** Imports a tar stream as an image, with Dockerfile-style config changes. */
async function importTar(docker: Docker, source: Readable, ref: string, changes: string[]): Promise<void> {
  const { repo, tag } = splitTag(ref);
  const stream = (await docker.importImage(source as unknown as string, {
    repo,
    tag: tag ?? 'latest',
    changes,
  } as object)) as Readable;
  await new Promise<void>((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null) => (err ? reject(err) : resolve())),
  );
}

function run(cmd: string, args: string[], progress: Progress): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let tail = '';
    const keep = (b: Buffer) => {
      tail = (tail + b.toString()).slice(-4000);
      const last = b.toString().trim().split('\n').pop();
      if (last) progress(last);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new InfrastructureError(`${cmd} exited ${code}:\n${tail}`))));
  });
}

/**
 * A Debian trixie minbase root filesystem with some packages, imported as an
 * image: how toolchain images are stood in for when no registry answers.
 * The rootfs is kept in CACHE_DIR, so a second engine or a re-import costs no download.
 */
function debianRecipe(o: { kind: string; matches: RegExp; name: string; packages: string[]; marker: string; changes: string[] }): StandInRecipe {
  return {
    kind: o.kind,
    matches: (ref) => o.matches.test(ref),
    async build(docker, ref, progress) {
      const rootfs = join(CACHE_DIR, `rootfs-${o.name}`);
      if (!existsSync(join(rootfs, o.marker))) {
        rmSync(rootfs, { recursive: true, force: true });
        mkdirSync(rootfs, { recursive: true });
        progress(`debootstrap trixie (minbase) with ${o.packages.join(', ')}, about 30 s`);
        await run('debootstrap', ['--variant=minbase', `--include=${[...o.packages, 'ca-certificates'].join(',')}`, 'trixie', rootfs, DEBIAN_MIRROR], progress);
        // Package caches and docs only make the image bigger.
        for (const p of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/locale']) {
          rmSync(join(rootfs, p), { recursive: true, force: true });
        }
        mkdirSync(join(rootfs, 'var/cache/apt/archives/partial'), { recursive: true });
      }
      const tarProc = spawn('tar', ['--numeric-owner', '-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const done = new Promise<void>((resolve, reject) =>
        tarProc.on('close', (code) => (code === 0 ? resolve() : reject(new InfrastructureError(`tar of ${rootfs} exited ${code}`)))),
      );
      await importTar(docker, tarProc.stdout, ref, [
        `LABEL ${MANAGED_LABEL}=true ${STAND_IN_LABEL}=${o.name}`,
        `LABEL org.opencontainers.image.description="Drydock local stand-in: Debian trixie with ${o.packages.join(', ')}"`,
        ...o.changes,
      ]);
      await done;
    },
  };
}

/** Debian's Go toolchain (Go 1.24) for the official golang image. */
const golangRecipe = debianRecipe({
  kind: 'Debian trixie minbase + golang-go',
  matches: /^(docker\.io\/)?(library\/)?golang:/,
  name: 'golang',
  packages: ['golang-go'],
  marker: 'usr/lib/go/bin/go',
  changes: [
    'ENV PATH=/usr/lib/go/bin:/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'ENV GOTOOLCHAIN=local',
    'ENV GOPATH=/go',
    'ENV GOFLAGS=-buildvcs=false',
    'WORKDIR /go',
    'CMD ["bash"]',
  ],
});

/**
 * Debian's Python 3.13 with pip for the official python:3.13 images. pip may
 * install system-wide, as in the official image (Debian marks its Python
 * externally managed), and `python` names python3.
 */
const pythonRecipe = debianRecipe({
  kind: 'Debian trixie minbase + python3, pip',
  matches: /^(docker\.io\/)?(library\/)?python:3\.13(-slim)?(-trixie)?$/,
  name: 'python',
  packages: ['python3', 'python3-pip', 'python-is-python3'],
  marker: 'usr/bin/pip3',
  changes: [
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'ENV PIP_BREAK_SYSTEM_PACKAGES=1',
    'ENV PYTHONDONTWRITEBYTECODE=1',
    'ENV LANG=C.UTF-8',
    'CMD ["python3"]',
  ],
});

const PASSWD = [
  'root:x:0:0:root:/root:/sbin/nologin',
  'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin',
  'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin',
  '',
].join('\n');
const GROUP = ['root:x:0:', 'tty:x:5:', 'staff:x:50:', 'nobody:x:65534:', 'nonroot:x:65532:', ''].join('\n');

/** Writes a distroless-static look-alike root filesystem as a tar stream, byte-identical on every call. */
function distrolessTar(): tar.Pack {
  const pack = tar.pack();
  const mtime = new Date(0);
  const dir = (name: string, mode = 0o755, uid = 0) => pack.entry({ name, type: 'directory', mode, uid, gid: uid, mtime });
  const file = (name: string, content: string | Buffer, mode = 0o644) => pack.entry({ name, mode, uid: 0, gid: 0, mtime }, content);
  for (const d of ['bin', 'boot', 'dev', 'etc', 'etc/ssl', 'etc/ssl/certs', 'home', 'lib', 'proc', 'sbin', 'sys', 'usr', 'usr/bin', 'usr/lib', 'usr/sbin', 'usr/share', 'var', 'var/lib', 'var/lib/dpkg', 'var/lib/dpkg/status.d', 'run']) dir(d);
  dir('root', 0o700);
  dir('tmp', 0o1777);
  dir('home/nonroot', 0o700, 65532);
  file('etc/passwd', PASSWD);
  file('etc/group', GROUP);
  file('etc/nsswitch.conf', 'passwd: files\ngroup: files\nhosts: files dns\n');
  file('etc/os-release', 'PRETTY_NAME="Drydock stand-in for distroless static (Debian 12)"\nID=debian\nVERSION_ID="12"\n');
  for (const pkg of ['base-files', 'netbase', 'tzdata', 'media-types']) {
    file(`var/lib/dpkg/status.d/${pkg}`, `Package: ${pkg}\nStatus: install ok installed\nArchitecture: all\n`);
  }
  const certs = '/etc/ssl/certs/ca-certificates.crt';
  if (existsSync(certs)) file('etc/ssl/certs/ca-certificates.crt', readFileSync(certs));
  addTree(pack, '/usr/share/zoneinfo', 'usr/share/zoneinfo', mtime);
  pack.finalize();
  return pack;
}

/** Copies a host directory into the tar, keeping symlinks as symlinks, in sorted order for stable digests. */
function addTree(pack: tar.Pack, hostDir: string, name: string, mtime: Date): void {
  if (!existsSync(hostDir)) return;
  pack.entry({ name, type: 'directory', mode: 0o755, mtime });
  for (const { rel, path, entry } of listTree(hostDir)) {
    const inTar = `${name}/${rel}`;
    if (entry.isSymbolicLink()) pack.entry({ name: inTar, type: 'symlink', linkname: readlinkSync(path), mtime });
    else if (entry.isDirectory()) pack.entry({ name: inTar, type: 'directory', mode: 0o755, mtime });
    else if (entry.isFile()) pack.entry({ name: inTar, mode: 0o644, mtime }, readFileSync(path));
  }
}

const distrolessRecipe: StandInRecipe = {
  kind: 'distroless static look-alike from scratch',
  matches: (ref) => /^gcr\.io\/distroless\/static(-debian1[12])?:(nonroot|latest)$/.test(ref),
  async build(docker, ref, progress) {
    const nonroot = ref.endsWith(':nonroot');
    progress(`assembling ${ref} from scratch (${nonroot ? 'user 65532' : 'user root'})`);
    const source = new PassThrough();
    distrolessTar().pipe(source);
    await importTar(docker, source, ref, [
      `LABEL ${MANAGED_LABEL}=true ${STAND_IN_LABEL}=distroless-static`,
      'LABEL org.opencontainers.image.description="Drydock local stand-in: distroless static look-alike"',
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt',
      `USER ${nonroot ? '65532' : '0'}`,
      `WORKDIR ${nonroot ? '/home/nonroot' : '/'}`,
    ]);
  },
};

const RECIPES: StandInRecipe[] = [golangRecipe, pythonRecipe, distrolessRecipe];
