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
  return problems;
}
