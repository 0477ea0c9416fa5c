import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BuildLimits {
  pids: number;
  memoryBytes: number;
}

const ROOT = '/sys/fs/cgroup';

/** The buildkit cgroup's limit files and the values they take, for this host's cgroup version (v2 when cgroup.controllers exists). */
export function buildLimitFiles(limits: BuildLimits): [dir: string, file: string, value: string][] {
  return existsSync(join(ROOT, 'cgroup.controllers'))
    ? [[join(ROOT, 'docker/buildkit'), 'pids.max', String(limits.pids)], [join(ROOT, 'docker/buildkit'), 'memory.max', String(limits.memoryBytes)]]
    : [[join(ROOT, 'pids/docker/buildkit'), 'pids.max', String(limits.pids)], [join(ROOT, 'memory/docker/buildkit'), 'memory.limit_in_bytes', String(limits.memoryBytes)]];
}

/**
 * Whether an engine's host is this machine, judged from how it is reached:
 * only a unix socket is surely local. A tcp:// or ssh:// engine may be on
 * another host even when its name resolves here (a tunnel, a VM's port), and
 * writing this machine's cgroup would cap nothing of it.
 */
export function engineOnThisMachine(url: string): boolean {
  return url === '' || url.startsWith('unix://') || url.startsWith('/');
}

/**
 * Caps the processes and memory of BuildKit's RUN steps on the engine's
 * host. The engine API of Docker 20.10 takes no per-build limits, but
 * dockerd runs every BuildKit step under the `docker/buildkit` cgroup; on an
 * engine on this machine the cap goes there. It is shared by all builds
 * running at once, so it is set once per engine, not per student. `engineUrl`
 * is how the engine is reached (the `--engine` URL, or DOCKER_HOST when
 * absent). Returns a note for every report when the cap cannot be applied,
 * and for a remote engine, whose builds then run uncapped.
 */
export function applyBuildLimits(limits: BuildLimits, engineUrl: string = process.env.DOCKER_HOST ?? ''): string | undefined {
  if (!engineOnThisMachine(engineUrl)) return `build steps ran without a process or memory cap: the engine at ${engineUrl} is not on this machine, and Docker's build API takes no per-build limits`;
  const targets = buildLimitFiles(limits);
  try {
    for (const [dir, file, value] of targets) {
      if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
      const path = join(dir, file);
      if (existsSync(path) && readFileSync(path, 'utf8').trim() !== value) writeFileSync(path, value);
    }
    return undefined;
  } catch (err) {
    return `build steps ran without a process cap (${(err as NodeJS.ErrnoException).code ?? (err as Error).message} on the buildkit cgroup)`;
  }
}
