// The core checks (build, size, distroless, user, exec-entrypoint, graceful-stop)
// judged from made-up observations: every verdict
// branch in milliseconds. The engine tests show the same verdicts on real
// images (test/engine/grade.test.ts); cache-hit has its own file (cache-check.test.ts).
import type Docker from 'dockerode';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../graders/checks';
import type { Check } from '../../graders/checks/types';
import type { Observations } from '../../graders/observe/driver';
import type { RunObservation } from '../../graders/observe/runtime';
import { parseDockerfile } from '../../graders/dockerfile/parse';
import { loadLab } from '../../graders/lab/load';
import { LAB_DIR } from '../support/helpers';
import { judgeCheck } from '../../graders/grade/judge';

const lab = loadLab(LAB_DIR);
const SOLUTION = readFileSync(join(LAB_DIR, 'solution/Dockerfile'), 'utf8');
const check = (id: string): Check => CHECKS.find((c) => c.id === id)!;
const BASE = ['sha256:base1'];

/** What `docker save` showed: the base's layer and the binary's, uncompressed. */
const layerScan = (appBytes: number) => ({
  layers: [
    { diffId: BASE[0], fromLab: true, bytes: 2_000_000 },
    { diffId: 'sha256:app', step: 'COPY /out/catalog /catalog # buildkit', fromLab: false, bytes: appBytes },
  ],
  history: [],
  findings: [],
  scannedBytes: 0,
  truncatedFiles: 0,
  limits: { perFileBytes: 0, totalBytes: 0 },
});

function obs(over: Partial<Observations> = {}, image: Partial<Docker.ImageInspectInfo> = {}, run: Partial<RunObservation> = {}): Observations {
  return {
    lab,
    notes: [],
    baseLayers: new Map([['gcr.io/distroless/static:nonroot', BASE]]),
    infraErrors: {},
    dockerfile: parseDockerfile(SOLUTION),
    build: { status: 'built', imageId: 'sha256:0123456789abcdef', steps: [], durationMs: 4200 },
    image: { Size: 9_000_000, Config: { Entrypoint: ['/catalog'], User: '65532:65532' }, RootFS: { Type: 'layers', Layers: [...BASE, 'sha256:app'] }, ...image } as Docker.ImageInspectInfo,
    history: [{ CreatedBy: 'COPY /out/catalog /catalog # buildkit', Size: 7_000_000 }],
    layerScan: layerScan(7_000_000),
    files: { paths: new Set(['catalog', 'etc/passwd']), passwd: 'nonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n' },
    run: { ready: true, readyAfterMs: 120, processes: [], pid1: { uid: 65532, args: '/catalog' }, stop: { elapsedMs: 300, exitCode: 0, oomKilled: false }, logTail: ['draining'], ...run },
    ...over,
  };
}
const verdict = (id: string, o: Observations) => judgeCheck(check(id), o);

describe('every check describes itself', () => {
  it('has an id, a title, a book anchor and what it needs observed', () => {
    for (const c of CHECKS) {
      expect(c.title.length, c.id).toBeGreaterThan(10);
      expect(c.anchor).toMatch(/^[a-z0-9-]+$/);
      expect(Array.isArray(c.needs)).toBe(true);
    }
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
  });
});

describe('build', () => {
  it('passes a built image', () => expect(verdict('build', obs()).status).toBe('pass'));
  it('fails a Dockerfile the rules refused, naming the line', () => {
    const r = verdict('build', obs({ policy: [{ line: 2, rule: 'remote-source', message: 'ADD fetches http://x/y from the network', why: 'w', fix: 'f' }] }));
    expect(r).toMatchObject({ status: 'fail', summary: 'refused before building: line 2: ADD fetches http://x/y from the network', fix: 'f' });
  });
  it('fails a timed-out build, naming the running step', () => {
    const steps = [{ digest: 'd', name: '[build 4/6] RUN go mod download', cached: false, started: 1, log: ['waiting'], warnings: [] }];
    const r = verdict('build', obs({ build: { status: 'timed-out', steps, durationMs: 300_000 } }));
    expect(r.summary).toMatch(/did not finish within the 300 s limit/);
    expect(r.evidence[0]).toBe('still running: line 8: RUN go mod download');
  });
  it('fails a failing step with its line and log', () => {
    const steps = [{ digest: 'd', name: '[build 6/6] RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags="-s -w" -o /out/catalog .', cached: false, started: 1, completed: 2, error: 'exit code: 1', log: ['main.go:3: syntax error'], warnings: [] }];
    const r = verdict('build', obs({ build: { status: 'failed', steps, durationMs: 1 } }));
    expect(r.summary).toMatch(/^step failed at line 12: RUN/);
    expect(r.evidence).toContain('| main.go:3: syntax error');
  });
});

describe('size', () => {
  it('passes within the limit and fails over it, naming the largest layer', () => {
    expect(verdict('size', obs()).status).toBe('pass');
    const r = verdict('size', obs({ layerScan: layerScan(40_000_000) }));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('42.0 MB is over the 25.0 MB limit');
    expect(r.evidence.join('\n')).toMatch(/40\.0 MB {2}COPY \/out\/catalog \/catalog/);
  });
  it("judges the layers' uncompressed bytes, not the Size the engine's image store reports", () => {
    // A containerd store reports compressed content; overlay2 disk usage. Neither moves the verdict.
    for (const Size of [1_000_000, 9_000_000, 90_000_000]) {
      const r = verdict('size', obs({}, { Size }));
      expect(r).toMatchObject({ status: 'pass', summary: '9.0 MB is within the 25.0 MB limit' });
      expect(r.evidence[1]).toBe(`the engine reports ${(Size / 1e6).toFixed(1)} MB, in its image store's own unit`);
    }
  });
  it('is an error when the image could not be inspected', () => expect(verdict('size', obs({ image: undefined })).status).toBe('error'));
  it('is an error when the layers could not be read', () => {
    const r = verdict('size', obs({ layerScan: undefined, infraErrors: { 'layer-sizes': 'docker save: connection reset' } }));
    expect(r.status).toBe('error');
    expect(JSON.stringify(r)).toContain('docker save: connection reset');
  });
});

describe('distroless', () => {
  it('passes an image on the allowed base with no shell', () => expect(verdict('distroless', obs()).status).toBe('pass'));
  it('fails an image not built on the allowed base', () => {
    const r = verdict('distroless', obs({}, { RootFS: { Type: 'layers', Layers: ['sha256:other'] } }));
    expect(r.summary).toBe('the final image is not built on an allowed distroless base');
  });
  it('fails a shell in the filesystem', () => {
    const r = verdict('distroless', obs({ files: { paths: new Set(['catalog', 'bin/sh']) } }));
    expect(r.summary).toBe('the image carries /bin/sh');
  });
});

describe('user', () => {
  it('passes when the configured user and PID 1 are 65532', () => expect(verdict('user', obs()).status).toBe('pass'));
  it('fails root, and a name that is not in /etc/passwd', () => {
    expect(verdict('user', obs({}, { Config: { User: '' } } as unknown as Partial<Docker.ImageInspectInfo>)).summary).toBe('the image runs as root');
    expect(verdict('user', obs({}, { Config: { User: 'app' } } as unknown as Partial<Docker.ImageInspectInfo>)).summary).toMatch(/resolves to nothing, not 65532/);
  });
  it('fails a name even when /etc/passwd resolves it to 65532: runAsNonRoot needs the number', () => {
    const r = verdict('user', obs({}, { Config: { User: 'nonroot' } } as unknown as Partial<Docker.ImageInspectInfo>));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('the user is the name "nonroot": it is UID 65532 in this image, but a cluster\'s runAsNonRoot can only verify a number');
    expect(r.evidence[0]).toBe('configured user: "nonroot" = UID 65532');
    expect(r.fix).toBe('Write the number: `USER 65532:65532`.');
    expect(verdict('user', obs({}, { Config: { User: 'nonroot:65532' } } as unknown as Partial<Docker.ImageInspectInfo>)).status).toBe('fail');
  });
  it('passes the number, written with or without a group, or inherited from the base', () => {
    for (const User of ['65532', '65532:65532', ' 65532:0']) {
      expect(verdict('user', obs({}, { Config: { User } } as unknown as Partial<Docker.ImageInspectInfo>)).status, User).toBe('pass');
    }
  });
  it('passes an image with no USER line whose base sets the number, and says where it came from', () => {
    const noUser = parseDockerfile(SOLUTION.replace(/^USER .*\n/m, ''));
    const r = verdict('user', obs({ dockerfile: noUser }, { Config: { User: '65532' } } as unknown as Partial<Docker.ImageInspectInfo>));
    expect(r.status).toBe('pass');
    expect(r.evidence[1]).toBe("no USER instruction in the final stage (UID 65532 comes from the base image's config)");
  });
  it('checks PID 1 itself', () => {
    expect(verdict('user', obs({}, {}, { pid1: { uid: 0, args: '/catalog' } })).summary).toBe('PID 1 runs as UID 0, not 65532');
  });
  it('is skipped when nothing ran, and an error when the engine failed', () => {
    expect(verdict('user', obs({}, {}, { pid1: undefined })).status).toBe('skipped');
    expect(verdict('user', obs({ infraErrors: { run: 'engine gone' } })).status).toBe('error');
  });
});

describe('exec-entrypoint', () => {
  it('passes exec form with the program as PID 1', () => expect(verdict('exec-entrypoint', obs()).status).toBe('pass'));
  it('fails no entrypoint, shell form, and a shell as PID 1', () => {
    expect(verdict('exec-entrypoint', obs({}, { Config: { Entrypoint: [] } } as unknown as Partial<Docker.ImageInspectInfo>)).summary).toBe('the image has no ENTRYPOINT');
    const shellForm = obs({ dockerfile: parseDockerfile(SOLUTION.replace('ENTRYPOINT ["/catalog"]', 'ENTRYPOINT /catalog')) });
    expect(verdict('exec-entrypoint', shellForm).summary).toMatch(/shell form/);
    expect(verdict('exec-entrypoint', obs({}, {}, { pid1: { uid: 65532, args: 'sh -c /catalog; echo done' } })).summary).toBe('PID 1 is a shell (sh), not your program');
  });
  it('explains a shell-form entrypoint on an image without /bin/sh', () => {
    const o = obs({ dockerfile: parseDockerfile(SOLUTION.replace('ENTRYPOINT ["/catalog"]', 'ENTRYPOINT /catalog')) }, {}, { startError: 'exec: "/bin/sh": stat /bin/sh: no such file or directory' });
    expect(verdict('exec-entrypoint', o).summary).toMatch(/this image has no \/bin\/sh/);
  });
});

describe('graceful-stop', () => {
  it('passes exit 0, judged by how it ended even when a loaded engine answered the stop late', () => {
    expect(verdict('graceful-stop', obs()).status).toBe('pass');
    expect(verdict('graceful-stop', obs({}, {}, { stop: { elapsedMs: 10_400, exitCode: 0, oomKilled: false } })).status).toBe('pass');
  });
  it('fails a kill at the deadline, another exit code, and a service that never got ready', () => {
    expect(verdict('graceful-stop', obs({}, {}, { stop: { elapsedMs: 10_050, exitCode: 137, oomKilled: false } })).summary).toMatch(/killed with SIGKILL/);
    expect(verdict('graceful-stop', obs({}, {}, { stop: { elapsedMs: 20, exitCode: 2, oomKilled: false } })).summary).toBe('exited with code 2 instead of 0 on SIGTERM');
    expect(verdict('graceful-stop', obs({}, {}, { ready: false, exitedEarly: { exitCode: 1, oomKilled: false } })).summary).toMatch(/exited \(code 1\) before GET \/healthz answered/);
    expect(verdict('graceful-stop', obs({}, {}, { ready: false })).summary).toMatch(/did not answer within 20 s/);
  });
});
