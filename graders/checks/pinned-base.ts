import type { ParsedDockerfile } from '../dockerfile/parse';
import { defineCheck } from './types';

/**
 * The rule: a base is pinned when it names a digest (`@sha256:` and 64 hex
 * digits), or when its tag holds a version with at least a major and a minor
 * number (`1.26-alpine`, `3.20.1`, `12.7-slim`). `latest`, no tag, and names
 * such as `nonroot`, `alpine`, `bookworm` or a bare major (`12`) are not
 * versions: the publisher moves them to new bytes.
 */
export function pinVerdict(ref: string): { pinned: boolean; why: string } {
  const digest = /@(sha256:[a-f0-9]{64})$/.exec(ref);
  if (digest) return { pinned: true, why: `digest ${digest[1].slice(0, 19)}…` };
  if (ref.includes('@')) return { pinned: false, why: 'the digest is not a full sha256 digest' };
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.indexOf(':', lastSlash + 1);
  const tag = colon < 0 ? undefined : ref.slice(colon + 1);
  if (tag === undefined) return { pinned: false, why: 'no tag, so `:latest`' };
  if (tag === 'latest') return { pinned: false, why: '`:latest` moves with every release' };
  const version = /(?:^|[^0-9.])(v?\d+\.\d+(?:\.\d+)*)/.exec(tag);
  if (version) return { pinned: true, why: `version ${version[1]}` };
  return { pinned: false, why: `the tag "${tag}" names no version` };
}

/** Defaults of the ARGs declared before the first FROM, which FROM lines may use. */
function globalArgs(df: ParsedDockerfile): Map<string, string> {
  const args = new Map<string, string>();
  const firstFrom = df.stages[0]?.line ?? Infinity;
  df.text.split('\n').forEach((line, i) => {
    if (i + 1 >= firstFrom) return;
    const m = /^\s*ARG\s+([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/i.exec(line);
    if (m) args.set(m[1], (m[2] ?? '').trim().replace(/^(["'])(.*)\1$/, '$2'));
  });
  return args;
}

/** A FROM reference with `$VAR`, `${VAR}` and `${VAR:-default}` replaced; undefined when a variable has no value. */
export function expandFrom(base: string, args: Map<string, string>): string | undefined {
  let unresolved = false;
  const out = base.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a: string, def: string | undefined, b: string) => {
    const v = args.get(a ?? b) || def;
    if (!v) unresolved = true;
    return v ?? '';
  });
  return unresolved ? undefined : out;
}

export const pinnedBaseCheck = defineCheck({
  id: 'pinned-base',
  title: 'Every base image is pinned to a version or a digest',
  anchor: 'tags-and-digests',
  needs: [],
  evaluate(obs) {
    const df = obs.dockerfile;
    if (!df || df.stages.length === 0) return { status: 'error', summary: 'the Dockerfile could not be read', evidence: [] };
    const args = globalArgs(df);
    const evidence: string[] = [];
    const loose: string[] = [];
    df.stages.forEach((stage, i) => {
      const head = `line ${stage.line}: FROM ${stage.base}`;
      if (df.stages.slice(0, i).some((s) => s.name.toLowerCase() === stage.base.toLowerCase())) {
        evidence.push(`${head}: an earlier stage, not an image`);
        return;
      }
      if (stage.base.toLowerCase() === 'scratch') {
        evidence.push(`${head}: scratch, the empty image`);
        return;
      }
      const ref = expandFrom(stage.base, args);
      if (ref === undefined) {
        evidence.push(`${head}: NOT PINNED, a build argument without a default chooses the image`);
        loose.push(`line ${stage.line}`);
        return;
      }
      const v = pinVerdict(ref);
      evidence.push(`${head}${ref !== stage.base ? ` (= ${ref})` : ''}: ${v.pinned ? 'pinned' : 'NOT PINNED'}, ${v.why}`);
      if (!v.pinned) loose.push(`line ${stage.line}: ${ref} (${v.why})`);
    });
    evidence.push('rule: a digest (@sha256:…), or a tag holding a major.minor version such as 1.26-alpine');
    if (loose.length === 0) return { status: 'pass', summary: 'every FROM names a version or a digest', evidence };
    return {
      status: 'fail',
      summary: `${loose.length === 1 ? 'a base image is' : `${loose.length} base images are`} not pinned: ${loose[0]}`,
      evidence,
      fix:
        'Name each base by an exact version (`golang:1.26-alpine`) or by digest (`gcr.io/distroless/static@sha256:…`; `docker image inspect --format \'{{index .RepoDigests 0}}\' IMAGE` prints it). ' +
        'A tag such as `latest` or `nonroot` moves when the publisher pushes, so two builds of the same Dockerfile can ship different bytes.',
    };
  },
});
