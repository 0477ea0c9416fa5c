import { parseImageRef } from '../engine/image-ref';
import { defineCheck } from './types';

/**
 * The rule: a base is pinned when it names a digest (`@sha256:` and 64 hex
 * digits), or when its tag holds a version with at least a major and a minor
 * number (`1.26-alpine`, `3.20.1`, `12.7-slim`). `latest`, no tag, and names
 * such as `nonroot`, `alpine`, `bookworm` or a bare major (`12`) are not
 * versions: the publisher moves them to new bytes.
 */
export function pinVerdict(raw: string): { pinned: boolean; why: string } {
  const ref = parseImageRef(raw);
  if (!ref) return { pinned: false, why: raw.includes('@') ? 'the digest is not a full sha256 digest' : 'not an image reference' };
  if (ref.digest) return /^sha256:[a-f0-9]{64}$/.test(ref.digest) ? { pinned: true, why: `digest ${ref.digest.slice(0, 19)}…` } : { pinned: false, why: 'the digest is not a full sha256 digest' };
  if (!ref.tagWritten) return { pinned: false, why: 'no tag, so `:latest`' };
  if (ref.tag === 'latest') return { pinned: false, why: '`:latest` moves with every release' };
  const version = /(?:^|[^0-9.])(v?\d+\.\d+(?:\.\d+)*)/.exec(ref.tag ?? '');
  if (version) return { pinned: true, why: `version ${version[1]}` };
  return { pinned: false, why: `the tag "${ref.tag}" names no version` };
}

export const pinnedBaseCheck = defineCheck({
  id: 'pinned-base',
  title: 'Every base image is pinned to a version or a digest',
  anchor: 'tags-and-digests',
  needs: [],
  evaluate(obs) {
    const df = obs.dockerfile;
    if (!df || df.stages.length === 0) return { status: 'error', summary: 'the Dockerfile could not be read', evidence: [] };
    const evidence: string[] = [];
    const loose: string[] = [];
    for (const stage of df.stages) {
      // The reader refuses variables in FROM, so the base is the image BuildKit uses.
      const head = `line ${stage.line}: FROM ${stage.base}`;
      if (stage.baseStage !== undefined) {
        evidence.push(`${head}: an earlier stage, not an image`);
        continue;
      }
      if (stage.base.toLowerCase() === 'scratch') {
        evidence.push(`${head}: scratch, the empty image`);
        continue;
      }
      const v = pinVerdict(stage.base);
      evidence.push(`${head}: ${v.pinned ? 'pinned' : 'NOT PINNED'}, ${v.why}`);
      if (!v.pinned) loose.push(`line ${stage.line}: ${stage.base} (${v.why})`);
    }
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
