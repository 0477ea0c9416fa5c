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
 * Caps the processes and memory of BuildKit's RUN steps. The engine API of
 * Docker 20.10 takes no per-build limits, but dockerd runs every BuildKit
 * step under the `docker/buildkit` cgroup; on a local engine that Drydock may
 * configure, the cap goes there. It is shared by all builds running at once,
 * so it is set for the whole batch, not per student. Returns a note for the
 * report when the cap cannot be applied.
 */
export function applyBuildLimits(limits: BuildLimits): string | undefined {
  const host = process.env.DOCKER_HOST;
  if (host && host !== 'unix:///var/run/docker.sock') return `build steps ran without a process cap: the engine at ${host} is not on this machine`;
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
