// The rules for what a student's Dockerfile may make the grading host do,
// judged on text alone. The engine test (hostile-dockerfile.engine.test.ts)
// proves on a real engine that refused forms never reach the network.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDockerfilePolicy, expandVars, type PolicyContext } from '../../graders/dockerfile/policy';
import { canonicalRef } from '../../graders/dockerfile/image-ref';
import { LAB_DIR } from '../support/helpers';

const U = 'http://127.0.0.1:8765';
const SHA = 'ab'.repeat(32);
const ctx: PolicyContext = {
  images: ['golang:1.26-alpine', 'gcr.io/distroless/static:nonroot'].map((ref) => ({ ref, digests: ['gcr.io/distroless/static@sha256:' + 'cd'.repeat(32)] })),
  remoteSources: [{ url: `${U}/allowed.txt`, sha256: SHA }],
};
const judge = (text: string) => checkDockerfilePolicy(text, ctx).map((v) => `${v.line} ${v.rule}`);
const FROM = 'FROM golang:1.26-alpine AS build\n';

describe('accepted Dockerfiles', () => {
  it('the reference solution and its stage references', () => {
    expect(judge(readFileSync(join(LAB_DIR, 'solution/Dockerfile'), 'utf8'))).toEqual([]);
    expect(judge(`${FROM}RUN true\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /a /a\nCOPY --from=0 /b /b\nFROM build\nRUN true`)).toEqual([]);
  });
  it('the official frontend, scratch, cache and bind mounts, --network=none, fully qualified names', () => {
    expect(judge(`# syntax=docker/dockerfile:1.7-labs\n${FROM}RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=bind,target=/s --network=none go build\nFROM scratch\nFROM docker.io/library/golang:1.26-alpine`)).toEqual([]);
  });
  it('an allowed URL, with or without its checksum', () => {
    expect(judge(`${FROM}ADD ${U}/allowed.txt /a\nADD --checksum=sha256:${SHA} ${U}/allowed.txt /b`)).toEqual([]);
  });
  it('a lab image pinned by a digest the engine knows for it', () => {
    expect(judge(`FROM gcr.io/distroless/static:nonroot@sha256:${'cd'.repeat(32)}`)).toEqual([]);
    expect(judge(`FROM gcr.io/distroless/static@sha256:${'ef'.repeat(32)}`)).toEqual(['1 foreign-image']);
  });
});

describe('remote sources', () => {
  it.each([
    ['plain URL', `${FROM}ADD ${U}/secret.txt /secret.txt`, '2 remote-source'],
    ['JSON form, lower case', `${FROM}add ["${U}/a", "/z"]`, '2 remote-source'],
    ['keyword split by a line continuation', `${FROM}AD\\\nD ${U}/a /z`, '2 remote-source'],
    ['escape directive', `# escape=\`\n${FROM}ADD \`\n  ${U}/a /z`, '3 remote-source'],
    ['URL in a global ARG', `ARG X=${U}/a\n${FROM}ARG X\nADD $X /z`, '4 remote-source'],
    ['URL in ENV', `${FROM}ENV X=${U}/a\nADD \${X} /z`, '3 remote-source'],
    ['default of an unset variable', `${FROM}ADD \${NOPE:-${U}/a} /z`, '2 remote-source'],
    ['remote archive', `${FROM}ADD ${U}/x.tar.gz /x/`, '2 remote-source'],
    ['git over https', `${FROM}ADD https://example.org/repo.git /repo`, '2 remote-source'],
    ['git scp-style', `${FROM}ADD git@github.com:x/y.git /repo`, '2 remote-source'],
    ['COPY of a URL', `${FROM}COPY ${U}/a /a`, '2 remote-source'],
    ['ONBUILD trigger', `${FROM}ONBUILD ADD ${U}/h /h\nFROM build`, '2 remote-source'],
    ['hidden in a heredoc an old engine reads as instructions', `${FROM}COPY <<EOF /x\nADD ${U}/hidden /y\nEOF`, '3 remote-source'],
    ['allowed URL with a wrong checksum', `${FROM}ADD --checksum=sha256:${'00'.repeat(32)} ${U}/allowed.txt /a`, '2 remote-source'],
  ])('%s is refused with its line', (_, text, want) => {
    expect(judge(text)).toEqual([want]);
  });
  it('says why and how to fix it', () => {
    const [v] = checkDockerfilePolicy(`${FROM}ADD ${U}/secret.txt /secret.txt`, ctx);
    expect(v.message).toBe(`ADD fetches ${U}/secret.txt from the network`);
    expect(v.why).toMatch(/grading server/);
    expect(v.fix).toMatch(/COPY it/);
  });
});

describe('images', () => {
  it.each([
    ['FROM an image not in the lab', 'FROM drydock-grade/someone-else:build', '1 foreign-image'],
    ['FROM through a global ARG', 'ARG B=instructor/solution:1\nFROM ${B}', '2 foreign-image'],
    ['FROM another tag of a lab image', 'FROM golang:latest', '1 foreign-image'],
    ['COPY --from an image', `${FROM}COPY --from=instructor/solution /x /y`, '2 foreign-image'],
    ['COPY --from a stage defined later', `${FROM}COPY --from=later /x /y\nFROM golang:1.26-alpine AS later`, '2 foreign-image'],
    ['RUN --mount from an image', `${FROM}RUN --mount=type=bind,from=other/img,target=/d ls`, '2 foreign-image'],
    ['an image id', 'FROM sha256:' + 'aa'.repeat(32), '1 foreign-image'],
  ])('%s is refused', (_, text, want) => {
    expect(judge(text)).toEqual([want]);
  });
});

describe('network, credentials, sandbox, frontends, flags', () => {
  it.each([
    ['RUN --network=host', `${FROM}RUN --network=host true`, '2 network'],
    ['RUN --network=default', `${FROM}RUN --network=default true`, '2 network'],
    ['an SSH agent mount', `${FROM}RUN --mount=type=ssh true`, '2 mount'],
    ['a secret mount', `${FROM}RUN --mount=type=secret,id=aws true`, '2 mount'],
    ['an unknown mount type', `${FROM}RUN --mount=type=device,target=/d true`, '2 mount'],
    ['--security=insecure', `${FROM}RUN --security=insecure true`, '2 security'],
    ['a third-party frontend', `# syntax=evil/frontend:1\n${FROM}`, '1 frontend'],
    ['a local image as frontend', `#syntax = golang:1.26-alpine\n${FROM}`, '1 frontend'],
    ['an unknown COPY flag', `${FROM}COPY --frobnicate=1 . .`, '2 unknown-flag'],
    ['an unknown FROM flag', 'FROM --foo=bar golang:1.26-alpine', '1 unknown-flag'],
    ['an unknown mount option', `${FROM}RUN --mount=type=cache,target=/c,evil=1 true`, '2 unknown-flag'],
  ])('%s is refused', (_, text, want) => {
    expect(judge(text)).toEqual([want]);
  });
});

describe('helpers', () => {
  it('expands variables as BuildKit does', () => {
    const vars = new Map([['A', 'x'], ['E', '']]);
    expect(expandVars('$A/${A}/${B:-d}/${E:-d}/${E-d}/${A:+set}/${B:+set}/\\$A', vars)).toBe('x/x/d/d//set//$A');
  });
  it('canonical image names', () => {
    expect(canonicalRef('golang:1.26-alpine')).toBe('docker.io/library/golang:1.26-alpine');
    expect(canonicalRef('index.docker.io/library/golang')).toBe('docker.io/library/golang:latest');
    expect(canonicalRef('localhost:5000/a/b')).toBe('localhost:5000/a/b:latest');
    expect(canonicalRef('$X')).toBeUndefined();
  });
});
