import Docker from 'dockerode';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Several Docker engines graded from one machine: `--engine URL` (repeatable)
 * or `--engines-file FILE`, one URL a line. A URL may end in `#jobs=N`
 * (students graded at once there; default 2) and, for TLS, `&certs=DIR`
 * (a folder with ca.pem, cert.pem and key.pem, as the Docker CLI's
 * DOCKER_CERT_PATH holds them).
 *
 *   unix:///var/run/docker.sock#jobs=2
 *   tcp://grader2.lab:2376#jobs=4&certs=/etc/drydock/grader2   (TLS; 2376 or certs= means TLS)
 *   tcp://10.0.0.7:2375                                          (plain TCP: a trusted network only)
 *   ssh://grader@grader3.lab#jobs=2                              (the ssh agent's keys, as docker's ssh:// does)
 */
export interface EngineSlot {
  name: string;
  /** The URL as given, without the `#` options: the engine's identity in files. */
  url: string;
  docker: Docker;
  jobs: number;
}

export class EngineSpecError extends Error {}

const DEFAULT_JOBS = 2;

export function parseEngineSpec(spec: string, env: NodeJS.ProcessEnv = process.env): EngineSlot {
  const hash = spec.indexOf('#');
  const url = (hash < 0 ? spec : spec.slice(0, hash)).trim();
  const params = new URLSearchParams(hash < 0 ? '' : spec.slice(hash + 1));
  let jobs = DEFAULT_JOBS;
  for (const [k, v] of params) {
    if (k === 'jobs') {
      if (!/^\d+$/.test(v) || Number(v) < 1) throw new EngineSpecError(`${spec}: jobs must be a whole number of at least 1`);
      jobs = Number(v);
    } else if (k !== 'certs' && k !== 'name') throw new EngineSpecError(`${spec}: unknown option "${k}" (known: jobs, certs, name)`);
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new EngineSpecError(`${spec}: not an engine URL (unix:///path, tcp://host:port or ssh://user@host)`);
  }
  const certs = params.get('certs') ?? (env.DOCKER_CERT_PATH || undefined);
  let docker: Docker;
  let name = params.get('name') ?? '';
  switch (parsed.protocol) {
    case 'unix:': {
      const socketPath = decodeURIComponent(parsed.pathname);
      if (!socketPath) throw new EngineSpecError(`${spec}: unix:// needs a socket path, e.g. unix:///var/run/docker.sock`);
      docker = new Docker({ socketPath });
      name ||= socketPath === '/var/run/docker.sock' ? 'local' : socketPath;
      break;
    }
    case 'tcp:':
    case 'http:':
    case 'https:': {
      const port = parsed.port || (parsed.protocol === 'http:' || parsed.protocol === 'tcp:' ? '2375' : '2376');
      const tls = parsed.protocol === 'https:' || port === '2376' || params.has('certs') || env.DOCKER_TLS_VERIFY === '1';
      if (tls) {
        const dir = certs ?? join(homedir(), '.docker');
        const file = (n: string) => {
          const f = join(dir, n);
          if (!existsSync(f)) throw new EngineSpecError(`${spec}: TLS needs ${f} (ca.pem, cert.pem and key.pem in one folder: give #certs=DIR or DOCKER_CERT_PATH)`);
          return readFileSync(f);
        };
        docker = new Docker({ protocol: 'https', host: parsed.hostname, port: Number(port), ca: file('ca.pem'), cert: file('cert.pem'), key: file('key.pem') });
      } else {
        docker = new Docker({ protocol: 'http', host: parsed.hostname, port: Number(port) });
      }
      name ||= `${parsed.hostname}:${port}`;
      break;
    }
    case 'ssh:': {
      if (!parsed.hostname) throw new EngineSpecError(`${spec}: ssh:// needs a host, e.g. ssh://grader@host`);
      docker = new Docker({
        protocol: 'ssh',
        host: parsed.hostname,
        port: parsed.port ? Number(parsed.port) : 22,
        username: decodeURIComponent(parsed.username) || undefined,
        sshOptions: { agent: env.SSH_AUTH_SOCK },
      } as Docker.DockerOptions);
      name ||= `${parsed.username ? `${parsed.username}@` : ''}${parsed.hostname}`;
      break;
    }
    default:
      throw new EngineSpecError(`${spec}: unsupported scheme ${parsed.protocol} (unix://, tcp:// or ssh://)`);
  }
  return { name, url, docker, jobs };
}

/** One engine spec a line; blank lines and lines starting with `#` are skipped. */
export function readEnginesFile(file: string): string[] {
  if (!existsSync(file)) throw new EngineSpecError(`${file}: no such engines file`);
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

/** The engines a command names, or an empty list for "the one DOCKER_HOST names". Names are made unique. */
export function engineSlots(specs: string[], file?: string, env: NodeJS.ProcessEnv = process.env): EngineSlot[] {
  const all = [...specs, ...(file ? readEnginesFile(file) : [])].map((s) => parseEngineSpec(s, env));
  const seen = new Map<string, number>();
  for (const e of all) {
    const n = (seen.get(e.name) ?? 0) + 1;
    seen.set(e.name, n);
    if (n > 1) e.name = `${e.name}#${n}`;
  }
  const urls = new Set<string>();
  for (const e of all) {
    if (urls.has(e.url)) throw new EngineSpecError(`${e.url} is named twice: give it once, with #jobs=N for more students at a time`);
    urls.add(e.url);
  }
  return all;
}

/** Whether the engine answers a ping within the time (a dead ssh or tcp host may otherwise hang). */
export async function answers(docker: Docker, timeoutMs = 5000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      docker.ping().then(() => true, () => false),
      new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
