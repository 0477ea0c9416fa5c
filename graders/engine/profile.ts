import type { EngineInfo } from './connect';

/**
 * What an engine is, for the checks: its image store, the BuildKit it bundles
 * and its cgroup version, and where a check's reading depends on them. Drydock
 * reads each through the same unit on every engine; these notes say what
 * differs underneath, so an instructor comparing engines knows what was
 * made equal and what could not be.
 */
export interface EngineProfile {
  /** `containerd (overlayfs snapshotter)` or `overlay2 (graph driver)`. */
  imageStore: string;
  containerdStore: boolean;
  /** The BuildKit generation the engine's release bundles, e.g. `0.25`; undefined for an unknown release. */
  buildkit?: string;
  cgroupVersion: string;
  /** One line per check whose reading depends on this engine. */
  differences: string[];
}

/**
 * BuildKit as moby vendors it, by engine release. The engine API does not
 * report it (only `docker buildx inspect`, over the session gRPC endpoint), so
 * it is read from the release: these are the versions moby's vendor.mod pins.
 */
const BUNDLED_BUILDKIT: [minVersion: [number, number], buildkit: string][] = [
  [[28, 5], '0.25'],
  [[28, 4], '0.24'],
  [[28, 3], '0.23'],
  [[28, 2], '0.22'],
  [[28, 1], '0.21'],
  [[28, 0], '0.20'],
  [[27, 4], '0.17'],
  [[27, 3], '0.16'],
  [[27, 0], '0.15'],
  [[26, 1], '0.14'],
  [[26, 0], '0.13'],
  [[25, 0], '0.12'],
  [[24, 0], '0.11'],
  [[23, 0], '0.10'],
  [[20, 10], '0.8'],
];

export function bundledBuildkit(engineVersion: string): string | undefined {
  const m = /^(\d+)\.(\d+)/.exec(engineVersion);
  if (!m) return undefined;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  if (major > 28) return undefined;
  return BUNDLED_BUILDKIT.find(([[a, b]]) => major > a || (major === a && minor >= b))?.[1];
}

export function engineProfile(info: EngineInfo, remote: boolean): EngineProfile {
  const containerdStore = info.containerdStore;
  const buildkit = bundledBuildkit(info.version);
  const bk = buildkit ? buildkit.split('.').map(Number) : undefined;
  const differences: string[] = [];
  if (containerdStore) {
    differences.push(
      "size: the engine's own image Size is the compressed content here (overlay2 engines report disk usage); Drydock judges the uncompressed layer bytes `docker save` carries, the same on every store",
      'no-secrets, size: `docker save` gives an OCI layout with gzip (or zstd) layer blobs here, read decompressed',
    );
  }
  if (bk && (bk[0] > 0 || bk[1] >= 20)) {
    differences.push("cache-hit: BuildKit 0.2x merges a probe's step into another build's with the same cache key and reports both; an instruction counts as cached when any of its records is (graders/observe/cache-probe.ts)");
  } else if (!buildkit) {
    differences.push(`cache-hit: the BuildKit in Docker ${info.version} is not known to Drydock; its cache verdicts were proven on 0.8 and 0.25`);
  }
  if (remote) differences.push('build limits: the process and memory cap on RUN steps is set on this machine\'s buildkit cgroup, so not for a remote engine (containers still get their own limits)');
  else if (info.cgroupVersion === '1') differences.push('build limits: cgroup v1: the cap on RUN steps is the docker/buildkit cgroup of this machine, shared by every engine on it that uses the "docker" cgroup parent');
  return { imageStore: containerdStore ? `containerd (${info.storageDriver} snapshotter)` : `${info.storageDriver} (graph driver)`, containerdStore, buildkit, cgroupVersion: info.cgroupVersion, differences };
}
