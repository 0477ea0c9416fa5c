// The rules for what a student's Dockerfile may make the grading host do,
// judged on the one parsed model. The engine test (test/engine/hostile-dockerfile.test.ts)
// proves on a real engine that refused forms never reach the network.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkDockerfilePolicy, type PolicyContext } from '../../graders/dockerfile/policy';
import { canonicalRef, splitTag, withDefaultTag } from '../../graders/engine/image-ref';
import { labBaseImages, loadLab } from '../../graders/lab/load';
import { FIXTURES, LAB_DIR } from '../support/helpers';

const U = 'http://127.0.0.1:8765';
const SHA = 'ab'.repeat(32);
const ctx: PolicyContext = {
  images: ['golang:1.26-alpine', 'gcr.io/distroless/static:nonroot'].map((ref) => ({ ref, digests: ['gcr.io/distroless/static@sha256:' + 'cd'.repeat(32)] })),
  remoteSources: [{ url: `${U}/allowed.txt`, sha256: SHA }],
};
const judge = (text: string) => checkDockerfilePolicy(text, ctx).map((v) => `${v.line} ${v.rule}`);
const FROM = 'FROM golang:1.26-alpine AS build\n';

describe('accepted Dockerfiles', () => {
  it('every lab solution, starter and variant, and every submission fixture, with its lab\'s images', () => {
    const labsDir = join(LAB_DIR, '..');
    const seen: string[] = [];
    for (const labName of readdirSync(labsDir)) {
      const dir = join(labsDir, labName);
      const lab = loadLab(dir);
      const labCtx: PolicyContext = { images: labBaseImages(lab).map((ref) => ({ ref })) };
      const files = ['solution', 'starter', ...readdirSync(join(dir, 'variants')).map((v) => `variants/${v}`)].map((d) => join(dir, d, 'Dockerfile'));
      if (labName === 'catalog-image') files.push(...readdirSync(FIXTURES).map((f) => join(FIXTURES, f, 'Dockerfile')));
      for (const f of files.filter(existsSync)) {
        // Variants and fixtures may fail other checks, never this one: all of them use the lab's own images or
        // (runs-as-root, shell-wrapper, scratch-lookalike) the toolchain image or another tag the lab lists.
        const text = readFileSync(f, 'utf8');
        const got = checkDockerfilePolicy(text, { images: [...labCtx.images, { ref: 'gcr.io/distroless/static:latest' }] });
        expect([f, got.map((v) => `${v.line}: ${v.message}`)]).toEqual([f, []]);
        // The same text with Windows line ends reads the same.
        expect([f, checkDockerfilePolicy(text.replace(/\n/g, '\r\n'), { images: [...labCtx.images, { ref: 'gcr.io/distroless/static:latest' }] })]).toEqual([f, []]);
        seen.push(f);
      }
    }
    expect(seen.length).toBeGreaterThanOrEqual(30);
  });
  it('stage references by name, scratch, cache and bind mounts, --network=none, fully qualified names', () => {
    expect(judge(`# syntax=docker/dockerfile:1.7\n${FROM}RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=bind,target=/s --network=none go build\nFROM gcr.io/distroless/static:nonroot\nCOPY --from=build /a /a\nFROM build\nRUN true\nFROM scratch\nFROM docker.io/library/golang:1.26-alpine`)).toEqual([]);
  });
  it('continued RUN and ENV lines, comments inside them, variables where nothing remote is named', () => {
    expect(judge(`${FROM}ARG V=1\nENV A=$V \\\n    B="two words"\nRUN apk add \\\n    # a comment inside\n    git && \\\n\n    echo "$A"\nWORKDIR /src/\${V}\nUSER 65532:65532\nCOPY go.mod go.sum ./\nCOPY . .\nCMD ["/catalog"]`)).toEqual([]);
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
    ['remote archive', `${FROM}ADD ${U}/x.tar.gz /x/`, '2 remote-source'],
    ['git over https', `${FROM}ADD https://example.org/repo.git /repo`, '2 remote-source'],
    ['git scp-style', `${FROM}ADD git@github.com:x/y.git /repo`, '2 remote-source'],
    ['COPY of a URL', `${FROM}COPY ${U}/a /a`, '2 remote-source'],
    ['several sources, the URL last', `${FROM}ADD go.mod ${U}/a /z/`, '2 remote-source'],
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
    ['FROM another tag of a lab image', 'FROM golang:latest', '1 foreign-image'],
    ['COPY --from an image', `${FROM}COPY --from=instructor/solution /x /y`, '2 foreign-image'],
    ['COPY --from a stage defined later', `${FROM}COPY --from=later /x /y\nFROM golang:1.26-alpine AS later`, '2 foreign-image'],
    ['FROM a stage defined later', `FROM later\nFROM golang:1.26-alpine AS later`, '1 foreign-image'],
    ['RUN --mount from an image', `${FROM}RUN --mount=type=bind,from=other/img,target=/d ls`, '2 foreign-image'],
    ['RUN --mount from a stage number (an image named 0 to BuildKit 0.8)', `${FROM}FROM golang:1.26-alpine\nRUN --mount=from=0,target=/d ls`, '3 foreign-image'],
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
    ['a secret mount in capitals', `${FROM}RUN --mount=TYPE=SECRET,id=aws true`, '2 mount'],
    ['an unknown mount type', `${FROM}RUN --mount=type=device,target=/d true`, '2 mount'],
    ['--security=insecure', `${FROM}RUN --security=insecure true`, '2 security'],
    ['a third-party frontend', `# syntax=evil/frontend:1\n${FROM}`, '1 frontend'],
    ['a local image as frontend', `#syntax = golang:1.26-alpine\n${FROM}`, '1 frontend'],
    ['the official frontend, but not on line 1', `\n# syntax=docker/dockerfile:1\n${FROM}`, '2 frontend'],
    ['the official frontend spelled another way', `#syntax=docker/dockerfile:1\n${FROM}`, '1 frontend'],
    ['an unknown COPY flag', `${FROM}COPY --frobnicate=1 . .`, '2 unknown-flag'],
    ['an unknown FROM flag', 'FROM --foo=bar golang:1.26-alpine', '1 unknown-flag'],
    ['a flag on ENV', `${FROM}ENV --x=1 A=1`, '2 unknown-flag'],
    ['an unknown mount option', `${FROM}RUN --mount=type=cache,target=/c,evil=1 true`, '2 unknown-flag'],
  ])('%s is refused', (_, text, want) => {
    expect(judge(text)).toEqual([want]);
  });
});

describe('helpers', () => {
  it('canonical image names', () => {
    expect(canonicalRef('golang:1.26-alpine')).toBe('docker.io/library/golang:1.26-alpine');
    expect(canonicalRef('index.docker.io/library/golang')).toBe('docker.io/library/golang:latest');
    expect(canonicalRef('localhost:5000/a/b')).toBe('localhost:5000/a/b:latest');
    expect(canonicalRef('$X')).toBeUndefined();
  });
  it('one home for the tag: the engine side splits and defaults with the same rule', () => {
    expect(splitTag('localhost:5000/a/b')).toEqual({ repo: 'localhost:5000/a/b' });
    expect(splitTag('localhost:5000/a/b:1.2')).toEqual({ repo: 'localhost:5000/a/b', tag: '1.2' });
    expect(withDefaultTag('golang')).toBe('golang:latest');
    expect(withDefaultTag('gcr.io/distroless/static:nonroot')).toBe('gcr.io/distroless/static:nonroot');
    expect(withDefaultTag(`x@sha256:${'a'.repeat(64)}`)).toBe(`x@sha256:${'a'.repeat(64)}`);
  });
});

describe('FROM --platform', () => {
  it("accepts the engine's own platform in any of containerd's spellings", () => {
    for (const p of ['linux/amd64', 'amd64', 'linux/x86_64', 'LINUX/AMD64', 'linux/amd64/v1']) expect(judge(`FROM --platform=${p} golang:1.26-alpine\n`), p).toEqual([]);
  });

  it('refuses another platform: the engine would pull that image from a registry', () => {
    for (const p of ['linux/arm64', 'arm64', 'linux/arm/v7', 'windows/amd64', 'linux/amd64/v3', 'linux/riscv64']) expect(judge(`FROM --platform=${p} golang:1.26-alpine\n`), p).toEqual(['1 foreign-image']);
    expect(judge('FROM --platform golang:1.26-alpine\n')).toEqual(['1 foreign-image']);
  });

  it("follows the engine's platform when it is not amd64", () => {
    const arm = (text: string) => checkDockerfilePolicy(text, { ...ctx, platform: 'linux/arm64' }).map((v) => `${v.line} ${v.rule}`);
    expect(arm('FROM --platform=linux/arm64/v8 golang:1.26-alpine\n')).toEqual([]);
    expect(arm('FROM --platform=linux/amd64 golang:1.26-alpine\n')).toEqual(['1 foreign-image']);
  });
});
