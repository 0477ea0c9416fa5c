import Docker from 'dockerode';
import { randomBytes } from 'node:crypto';

/** Label on everything Drydock creates in the engine. */
export const MANAGED_LABEL = 'io.drydock.managed';
/** Label carrying the id of the grading run that created an object. */
export const RUN_LABEL = 'io.drydock.run';
/** Label on base images Drydock built locally in place of registry images. */
export const STAND_IN_LABEL = 'io.drydock.stand-in';

export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
  storageDriver: string;
  /** Images live in containerd's content store and snapshotter (Docker's containerd image store). */
  containerdStore: boolean;
  cgroupVersion: string;
}

/** Raised when the engine itself misbehaves: never the student's fault. */
export class InfrastructureError extends Error {
  constructor(message: string, readonly cause?: unknown) {
    super(message);
    this.name = 'InfrastructureError';
  }
}

/** Connects through DOCKER_HOST when set, the default socket otherwise (dockerode's own rules). */
export function connect(): Docker {
  return new Docker();
}

/** Whether `docker info` says images live in containerd (DriverStatus `driver-type: io.containerd.snapshotter.v1`). */
export function usesContainerdStore(info: { DriverStatus?: [string, string][] }): boolean {
  return (info.DriverStatus ?? []).some(([k, v]) => k === 'driver-type' && v.startsWith('io.containerd.snapshotter'));
}

export async function engineInfo(docker: Docker): Promise<EngineInfo> {
  try {
    const [v, info] = await Promise.all([docker.version(), docker.info()]);
    return {
      version: v.Version,
      apiVersion: v.ApiVersion,
      os: `${v.Os}/${v.Arch}`,
      storageDriver: info.Driver,
      containerdStore: usesContainerdStore(info),
      cgroupVersion: info.CgroupVersion ?? 'unknown',
    };
  } catch (err) {
    throw new InfrastructureError(`the Docker engine does not answer (${describe(err)}); start it or set DOCKER_HOST`, err);
  }
}

export function newRunId(): string {
  return `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

export function runLabels(runId: string): Record<string, string> {
  return { [MANAGED_LABEL]: 'true', [RUN_LABEL]: runId };
}

/** The engine's message from a dockerode error, without the HTTP noise. */
export function describe(err: unknown): string {
  if (err && typeof err === 'object') {
    const e = err as { json?: { message?: string }; reason?: string; message?: string; statusCode?: number };
    if (e.json?.message) return e.json.message;
    if (e.message) return e.message.replace(/^\(HTTP code \d+\)\s*(\w+\s*-\s*)?/, '').trim();
  }
  return String(err);
}

/**
 * Removes every container and image that carries the run's label. Safe to call
 * more than once and after a partial failure; each removal is independent so
 * one stuck object does not keep the others alive.
 */
export async function removeRun(docker: Docker, runId: string): Promise<string[]> {
  return (await clearRun(docker, runId)).problems;
}

/**
 * Removes what interrupted runs created, and keeps looking until the engine
 * has been quiet for `quietMs` (at most `maxMs`): an engine told to stop a
 * build may still finish exporting its image a moment after the client left,
 * and a single pass would miss it.
 */
export async function sweepRuns(docker: Docker, runIds: readonly string[], { quietMs = 2000, maxMs = 20_000 } = {}): Promise<string[]> {
  const start = Date.now();
  let lastFound = start;
  for (;;) {
    const passes = await Promise.all(runIds.map((id) => clearRun(docker, id)));
    const now = Date.now();
    if (passes.some((p) => p.found)) lastFound = now;
    if (now - lastFound >= quietMs || now - start >= maxMs) return passes.flatMap((p) => p.problems);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function clearRun(docker: Docker, runId: string): Promise<{ found: number; problems: string[] }> {
  const problems: string[] = [];
  const filters = JSON.stringify({ label: [`${RUN_LABEL}=${runId}`] });
  const containers = await docker.listContainers({ all: true, filters }).catch(() => []);
  await Promise.all(
    containers.map((c) =>
      docker
        .getContainer(c.Id)
        .remove({ force: true, v: true })
        .catch((err) => {
          if ((err as { statusCode?: number }).statusCode !== 404) problems.push(`container ${c.Id.slice(0, 12)}: ${describe(err)}`);
        }),
    ),
  );
  const images = await docker.listImages({ all: true, filters }).catch(() => []);
  for (const img of images) {
    await docker
      .getImage(img.Id)
      .remove({ force: true, noprune: false })
      .catch((err) => {
        if ((err as { statusCode?: number }).statusCode !== 404) problems.push(`image ${img.Id.slice(7, 19)}: ${describe(err)}`);
      });
  }
  const volumes = await docker.listVolumes({ filters }).catch(() => ({ Volumes: [] as Docker.VolumeInspectInfo[] }));
  for (const v of volumes.Volumes ?? []) await docker.getVolume(v.Name).remove().catch(() => {});
  const networks = await docker.listNetworks({ filters }).catch(() => []);
  for (const n of networks) await docker.getNetwork(n.Id).remove().catch(() => {});
  return { found: containers.length + images.length + (volumes.Volumes ?? []).length + networks.length, problems };
}

export interface RunLeftovers {
  runId: string;
  /** When the run began, from its id (undefined for an id Drydock did not make). */
  started?: Date;
  containers: number;
  images: number;
}

/**
 * Runs whose labelled objects are still in the engine. A run removes its own at the
 * end, on failure and on Ctrl-C; what is listed here belongs to a run still going,
 * or to one killed outright (SIGKILL, a reboot), which nothing can clean up after.
 */
export async function runsInEngine(docker: Docker): Promise<RunLeftovers[]> {
  const filters = JSON.stringify({ label: [RUN_LABEL] });
  const [containers, images] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listImages({ all: true, filters })]);
  const runs = new Map<string, RunLeftovers>();
  const of = (runId: string) => {
    let r = runs.get(runId);
    if (!r) {
      const ms = parseInt(runId.split('-')[0], 36);
      r = { runId, started: /^[0-9a-z]+-[0-9a-f]+$/.test(runId) && ms > 0 ? new Date(ms) : undefined, containers: 0, images: 0 };
      runs.set(runId, r);
    }
    return r;
  };
  for (const c of containers) of(c.Labels[RUN_LABEL]).containers++;
  for (const i of images) of(i.Labels?.[RUN_LABEL] ?? '').images++;
  return [...runs.values()].sort((a, b) => (a.started?.getTime() ?? 0) - (b.started?.getTime() ?? 0));
}
