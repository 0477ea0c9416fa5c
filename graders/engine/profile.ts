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
  /** The BuildKit the engine's release pins (see bundledBuildkit); undefined for a release older than any read. */
  buildkit?: BundledBuildkit;
  cgroupVersion: string;
  /** One line per check whose reading depends on this engine. */
  differences: string[];
}

/**
 * BuildKit as the engine's source pins it, for the releases whose source was read:
 * Debian's docker.io source packages, `engine/vendor.mod` (20.10: `engine/vendor.conf`),
 * which Debian's packaging also uses to fetch the BuildKit it builds in (its
 * get-orig-source.sh). The engine API does not report it, and Debian's build leaves
 * `docker buildx inspect`'s "BuildKit version" at v0.0.0+unknown, so the source is the
 * only reading. Releases between two rows are reported as between them, not guessed.
 */
const PINNED_BUILDKIT: [engine: [number, number, number], buildkit: string][] = [
  [[20, 10, 24], '0.8.4-pre'], // eeb7b65, "v0.8.4-0.20221020190723" (bookworm 20.10.24+dfsg1)
  [[26, 1, 5], '0.13.2'], // trixie 26.1.5+dfsg1
  [[27, 5, 1], '0.18.2'], // unstable 27.5.1+dfsg4
  [[28, 5, 2], '0.25.2'], // unstable 28.5.2+dfsg4
];

export interface BundledBuildkit {
  /** The pinned version when this exact release was read; otherwise the nearest rows' bounds. */
  text: string;
  exact: boolean;
  /** At least this version (the pin of the nearest release read below), when any. */
  atLeast?: string;
}

const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
const name = (v: number[]) => v.join('.');

export function bundledBuildkit(engineVersion: string): BundledBuildkit | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)/.exec(engineVersion);
  if (!m) return undefined;
  const v = [Number(m[1]), Number(m[2]), Number(m[3])];
  const exact = PINNED_BUILDKIT.find(([e]) => cmp(e, v) === 0);
  if (exact) return { text: exact[1], exact: true, atLeast: exact[1] };
  const below = PINNED_BUILDKIT.filter(([e]) => cmp(e, v) < 0).at(-1);
  const above = PINNED_BUILDKIT.find(([e]) => cmp(e, v) > 0);
  if (!below) return undefined;
  const text = above
    ? `between ${below[1]} (Docker ${name(below[0])}) and ${above[1]} (Docker ${name(above[0])})`
    : `${below[1]} or newer (Docker ${name(below[0])} pins ${below[1]})`;
  return { text, exact: false, atLeast: below[1] };
}

/** The engines Drydock's test suite runs on: their BuildKit's cache verdicts are proven. */
const SUITE_ENGINES = ['20.10.24', '28.5.2'];
const PROVEN = SUITE_ENGINES.map((v) => bundledBuildkit(v)!.text);

export function engineProfile(info: EngineInfo, remote: boolean): EngineProfile {
  const containerdStore = info.containerdStore;
  const buildkit = bundledBuildkit(info.version);
  const differences: string[] = [];
  if (containerdStore) {
    differences.push(
      "size: the engine's own image Size is the compressed content here (overlay2 engines report disk usage); Drydock judges the uncompressed layer bytes `docker save` carries, the same on every store",
      'no-secrets, size: `docker save` gives an OCI layout with gzip (or zstd) layer blobs here, read decompressed',
    );
  }
  if (buildkit?.atLeast && buildkit.atLeast !== '0.8.4-pre') {
    differences.push("cache-hit: BuildKit after 0.8 may merge a probe's step into another build's with the same cache key and report both (0.25.2 does); an instruction counts as cached when any of its records is (graders/observe/cache-probe.ts)");
  }
  if (!buildkit?.exact || !PROVEN.includes(buildkit.text)) {
    differences.push(`cache-hit: Drydock's cache verdicts are proven on BuildKit ${PROVEN.join(' and ')}; Docker ${info.version} bundles ${buildkit ? buildkit.text : 'a BuildKit older than any release read'}`);
  }
  if (remote) differences.push('build limits: the process and memory cap on RUN steps is set on this machine\'s buildkit cgroup, so not for a remote engine (containers still get their own limits)');
  else if (info.cgroupVersion === '1') differences.push('build limits: cgroup v1: the cap on RUN steps is the docker/buildkit cgroup of this machine, shared by every engine on it that uses the "docker" cgroup parent');
  return { imageStore: containerdStore ? `containerd (${info.storageDriver} snapshotter)` : `${info.storageDriver} (graph driver)`, containerdStore, buildkit, cgroupVersion: info.cgroupVersion, differences };
}
