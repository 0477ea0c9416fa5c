import Docker from 'dockerode';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A second, throwaway Docker engine on this machine: its own data root (so its
 * build cache starts empty), exec root, pid file, socket and bridge. Tests use
 * it to see what a fresh grading server sees without pruning the main
 * engine's cache, which other work on a shared engine may rely on.
 *
 * It must not use `--bridge=none`: that deletes the main engine's docker0.
 * It runs with `--iptables=false`: published ports go through docker-proxy on
 * the host, which needs no rules, and the two engines' DOCKER chains never meet.
 *
 * With DRYDOCK_SCRATCH_CHROOT set (the Docker 28 root scripts/engine28-up.sh
 * made and mounted), the throwaway engine is that root's dockerd, with its
 * daemon.json (the containerd image store), so tests run on the engine they
 * are about. That script binds /run/drydock-scratch into the root, so the
 * socket and exec root have one path inside and out.
 */
export interface ScratchEngine {
  docker: Docker;
  host: string;
  dir: string;
  /** Stops the engine; `keepData` leaves its data root for a later start. */
  stop(opts?: { keepData?: boolean }): Promise<void>;
  /** SIGKILLs dockerd (and its containerd), as a crashed server would go. */
  kill(): void;
}

const sh = (cmd: string, args: string[]) => spawnSync(cmd, args, { encoding: 'utf8' });

function ensureBridge(name: string, cidr: string) {
  if (sh('ip', ['link', 'show', name]).status === 0) return;
  for (const args of [['link', 'add', name, 'type', 'bridge'], ['addr', 'add', cidr, 'dev', name], ['link', 'set', name, 'up']]) {
    const r = sh('ip', args);
    if (r.status !== 0) throw new Error(`ip ${args.join(' ')}: ${r.stderr}`);
  }
}

const CLAIMS = '/run/drydock-scratch/bridges';

/** Leftover overlay mounts keep a data root busy: unmounted innermost first. */
function unmountUnder(dir: string): void {
  sh('sh', ['-c', `grep -o " ${dir}/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
}

/** Each running engine claims its own bridge and subnet, so engines started side by side never share addresses. */
function claimBridge(name: string): number {
  mkdirSync(CLAIMS, { recursive: true });
  for (let i = 1; i <= 14; i++) {
    const claim = join(CLAIMS, String(i));
    if (!existsSync(claim) || readFileSync(claim, 'utf8') === name) {
      writeFileSync(claim, name);
      return i;
    }
  }
  throw new Error(`no free scratch bridge: ${CLAIMS} holds 14 claims`);
}

export interface ScratchOptions {
  index?: number;
  /**
   * Takes the engine's route out: dockerd runs in a network namespace of its
   * own holding only a loopback (`unshare --net`), so what the daemon itself
   * fetches (`ADD <url>`, image pulls, a `# syntax` frontend), which the
   * build's `networkmode: none` does not cover, fails, and the host's loopback
   * services are out of its reach. Its API socket is a file, so the tests
   * still reach it; images come in by `copyImages`. Not the default: a build
   * `FROM` a registry image on Docker 20.10 waited out the build timeout on
   * such an engine (BuildKit resolving the image's metadata), so grading the
   * lab there does not work yet.
   */
  offline?: boolean;
  /** Runs dockerd in this existing network namespace (`ip netns exec`) instead, as a pod's sidecar shares the pod's. */
  netns?: string;
  /**
   * Puts the engine's containers and BuildKit steps under their own cgroup
   * (`/sys/fs/cgroup/<controller>/<cgroupParent>/…`), so a test can starve this
   * engine's builds of CPU without touching the main engine's.
   */
  cgroupParent?: string;
  /**
   * Starts on the data root an earlier `stop({ keepData: true })` left (a
   * daemon coming back). Otherwise a data root left by a run that was killed
   * before it could stop its engine is removed first: a scratch engine is
   * cold, or a "cold" measurement is a warm one.
   */
  reuseData?: boolean;
}

export async function startScratchEngine(name: string, opts: ScratchOptions = {}): Promise<ScratchEngine> {
  const online = !opts.offline && !opts.netns;
  // Offline, the engine's bridge lives in its own namespace: no host bridge to claim.
  const index = online ? opts.index ?? claimBridge(name) : -1;
  const chroot = process.env.DRYDOCK_SCRATCH_CHROOT || '';
  if (chroot && !existsSync(join(chroot, 'run/drydock-scratch'))) throw new Error(`${chroot} is not mounted for scratch engines: run scripts/engine28-up.sh`);
  /** The data root as dockerd sees it, and as this process does. */
  const dataRoot = `/var/lib/drydock-scratch/${name}`;
  const dir = join(chroot || '/', dataRoot);
  const run = `/run/drydock-scratch/${name}`;
  mkdirSync(dir, { recursive: true });
  mkdirSync(run, { recursive: true });
  const bridge = `ddscratch${index}`;
  if (online) ensureBridge(bridge, `172.31.${240 + index}.1/24`);
  const sock = join(run, 'docker.sock');
  const pidfile = join(run, 'docker.pid');
  if (existsSync(pidfile)) {
    const pid = Number(readFileSync(pidfile, 'utf8'));
    try {
      process.kill(pid, 0);
      process.kill(pid, 'SIGTERM');
    } catch {
      /* stale */
    }
    rmSync(pidfile, { force: true });
  }
  if (!opts.reuseData) {
    unmountUnder(dir);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
  }
  const log = openSync(join(run, 'dockerd.log'), 'a');
  // Scratch engines run the Docker 28 root's dockerd when DRYDOCK_SCRATCH_CHROOT names it (see scripts/engine28-up.sh).
  const dockerd = chroot ? ['chroot', chroot, 'env', '-i', 'PATH=/usr/sbin:/usr/bin:/sbin:/bin', 'dockerd'] : ['dockerd'];
  const args = [
    ...dockerd,
    `--data-root=${join(dataRoot, 'data')}`,
    `--exec-root=${join(run, 'exec')}`,
    `--pidfile=${pidfile}`,
    `--host=unix://${sock}`,
    ...(online ? [`--bridge=${bridge}`] : []),
    '--iptables=false',
    '--ip-masq=false',
    '--log-level=warn',
    ...(opts.cgroupParent ? [`--cgroup-parent=${opts.cgroupParent}`] : []),
  ];
  // ip netns exec, unshare, sh, chroot and env each exec the next: the child's pid is dockerd's.
  const child: ChildProcess = opts.netns
    ? spawn('ip', ['netns', 'exec', opts.netns, ...args], { detached: true, stdio: ['ignore', log, log] })
    : online
    ? spawn(args[0], args.slice(1), { detached: true, stdio: ['ignore', log, log] })
    : spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec "$@"', 'sh', ...args], { detached: true, stdio: ['ignore', log, log] });
  child.unref();
  const host = `unix://${sock}`;
  const docker = new Docker({ socketPath: sock });
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      await docker.version();
      break;
    } catch {
      if (child.exitCode !== null || Date.now() > deadline) {
        throw new Error(`scratch engine ${name} did not start: ${readFileSync(join(run, 'dockerd.log'), 'utf8').slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  const kill = () => {
    try {
      process.kill(child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
    // dockerd's managed containerd lives on without its parent.
    sh('pkill', ['-KILL', '-f', `${join(run, 'exec')}/containerd`]);
  };
  const stop = async ({ keepData = false } = {}) => {
    try {
      process.kill(child.pid!, 'SIGTERM');
    } catch {
      /* already gone */
    }
    const until = Date.now() + 30_000;
    while (child.exitCode === null && child.signalCode === null && Date.now() < until) await new Promise((r) => setTimeout(r, 200));
    if (child.exitCode === null && child.signalCode === null) kill();
    sh('pkill', ['-KILL', '-f', `${join(run, 'exec')}/containerd`]);
    unmountUnder(dir);
    if (!keepData) rmSync(dir, { recursive: true, force: true });
    // A killed dockerd leaves its containers' network namespaces bound under the exec root (seen
    // through the chroot's path too): unbound, or removing the exec root fails with EBUSY.
    sh('sh', ['-c', `grep -o " [^ ]*${run}/[^ ]*" /proc/mounts | sort -r | xargs -r -n1 umount -l`]);
    rmSync(run, { recursive: true, force: true });
    if (online) rmSync(join(CLAIMS, String(index)), { force: true });
  };
  return { docker, host, dir, stop, kill };
}

/** Copies images from one engine to another (`docker save | docker load`), keeping their ids and labels. */
export async function copyImages(from: Docker, to: Docker, refs: string[]): Promise<void> {
  const tar = (await (from as unknown as { getImages(o: object): Promise<NodeJS.ReadableStream> }).getImages({ names: refs }));
  const res = (await to.loadImage(tar)) as unknown as NodeJS.ReadableStream;
  await new Promise<void>((resolve, reject) => {
    res.on('data', () => {});
    res.on('end', resolve);
    res.on('error', reject);
  });
}
