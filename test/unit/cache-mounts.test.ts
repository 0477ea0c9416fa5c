// The cache mount rewrite's own logic; BuildKit's reading of its output is test/reference/cache-mount-isolation.test.ts.
import { describe, expect, it } from 'vitest';
import { isolateCacheMounts } from '../../graders/dockerfile/cache-mounts';
import { instructionForStep, parseDockerfile } from '../../graders/dockerfile/parse';

const TEXT = [
  'FROM golang:1.26-alpine AS build',
  'RUN --mount=type=cache,target=/go/pkg/mod go mod download',
  'RUN --mount=type=cache,target=/go/pkg/mod \\',
  '    --mount=type=cache,id=gb,target=/root/.cache/go-build \\',
  '    go build -o /app . # --mount=type=cache,target=/go/pkg/mod',
  'FROM scratch',
  'COPY --from=build /app /app',
].join('\n');

describe('isolateCacheMounts', () => {
  const df = parseDockerfile(TEXT);
  const { text, mounts } = isolateCacheMounts(df, TEXT, 'r1');

  it('gives each mount an id of the run, keeps lines and the command, and leaves the command text alone', () => {
    expect(text.split('\n')).toHaveLength(TEXT.split('\n').length);
    expect(text.split('\n')[1]).toBe('RUN --mount=type=cache,target=/go/pkg/mod,id=drydock-r1-/go/pkg/mod go mod download');
    expect(text.split('\n')[3]).toBe('    --mount=type=cache,target=/root/.cache/go-build,id=drydock-r1-gb \\');
    expect(text.split('\n')[4]).toBe(TEXT.split('\n')[4]);
    expect(mounts.map((m) => [m.line, m.id, m.target])).toEqual([
      [2, '/go/pkg/mod', '/go/pkg/mod'],
      [3, '/go/pkg/mod', '/go/pkg/mod'],
      [3, 'gb', '/root/.cache/go-build'],
    ]);
  });

  it('a build step named with the rewritten flags is still matched to its own instruction', () => {
    const second = text.split('\n').slice(2, 5).join(' ').replace(/\\/g, ' ').replace(/\s+/g, ' ');
    expect(instructionForStep(df, `[build 3/3] ${second}`)?.line).toBe(3);
    expect(instructionForStep(df, `[build 2/3] ${text.split('\n')[1]}`)?.line).toBe(2);
  });

  it('leaves a file without cache mounts as it is', () => {
    const plain = 'FROM scratch\nRUN --mount=type=tmpfs,target=/t true\n';
    expect(isolateCacheMounts(parseDockerfile(plain), plain, 'r1')).toEqual({ text: plain, mounts: [] });
  });
});
