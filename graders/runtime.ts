import type Docker from 'dockerode';
import { request } from 'node:http';
import type { Readable } from 'node:stream';
import tar from 'tar-stream';
import type { ImageFiles, RunObservation } from './checks/types';
import { describe, InfrastructureError } from './engine';
import type { LabDefinition } from './lab';

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
export async function createProbeContainer(docker: Docker, image: Docker.ImageInspectInfo, lab: LabDefinition, labels: Record<string, string>, limits: RunLimits): Promise<Docker.Container> {
  const port = `${lab.thresholds.readiness.port}/tcp`;
  const needsCommand = !(image.Config?.Entrypoint?.length || image.Config?.Cmd?.length);
  return docker.createContainer({
    Image: image.Id,
    Labels: labels,
    // An image with neither ENTRYPOINT nor CMD cannot be created; give it a
    // command that fails at start so the checks can still read the image.
    ...(needsCommand ? { Cmd: ['/drydock-no-command-given'] } : {}),
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
    },
  });
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

/** Splits Docker's multiplexed log stream (8-byte frame headers) into lines. */
export function demuxLogs(buf: Buffer): string[] {
  const out: string[] = [];
  let i = 0;
  while (i + 8 <= buf.length && (buf[i] === 1 || buf[i] === 2) && buf[i + 1] === 0) {
    const len = buf.readUInt32BE(i + 4);
    out.push(buf.subarray(i + 8, i + 8 + len).toString('utf8'));
    i += 8 + len;
  }
  const text = i === 0 ? buf.toString('utf8') : out.join('');
  return text.split(/\r?\n/).filter((l) => l !== '');
}

async function logTail(container: Docker.Container, n = 15): Promise<string[]> {
  const raw = (await container.logs({ stdout: true, stderr: true, tail: n, follow: false })) as unknown as Buffer;
  return demuxLogs(raw).map((l) => l.slice(0, 300));
}

/** Start failures caused by the image (missing shell, missing binary) rather than by the engine. */
const IMAGE_FAULT = /exec|no such file or directory|not found|permission denied|executable file|exec format error/i;

/**
 * Starts the container, waits for readiness, reads PID 1, then stops it with
 * the lab's grace period and times the stop.
 */
export async function observeRun(docker: Docker, container: Docker.Container, lab: LabDefinition): Promise<RunObservation> {
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
  if (obs.ready && state.Running) {
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
