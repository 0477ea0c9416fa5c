// The optional checks (pinned-base, dockerignore, no-secrets, read-only-root,
// cmd-args) judged on made-up observations: every verdict branch in
// milliseconds. test/engine/optional-checks.test.ts shows the same verdicts on
// real images.
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { CHECKS, labNeeds } from '../../graders/checks';
import { cmdArgsCheck } from '../../graders/checks/cmd-args';
import { dockerignoreCheck, excludeMatcher } from '../../graders/checks/dockerignore';
import { noSecretsCheck } from '../../graders/checks/no-secrets';
import { stepText } from '../../graders/checks/util';
import { pinnedBaseCheck, pinVerdict } from '../../graders/checks/pinned-base';
import { readOnlyRootCheck } from '../../graders/checks/read-only-root';
import { matchContent, matchPath, redactAll } from '../../graders/observe/secret-patterns';
import type { Observations } from '../../graders/observe/driver';
import type { LayerScan, RunObservation } from '../../graders/observe/runtime';
import { parseDockerfile } from '../../graders/dockerfile/parse';
import { LabSchema, loadLab, type LabDefinition } from '../../graders/lab/load';
import { describeVariant, LayerTarReader } from '../../graders/observe/runtime';
import { LAB_DIR } from '../support/helpers';
import { judgeCheck } from '../../graders/grade/judge';

const base = loadLab(LAB_DIR);
const lab = (extra: Partial<LabDefinition> = {}): LabDefinition => ({ ...base, ...extra });
const obs = (extra: Partial<Observations> = {}): Observations => ({ lab: base, notes: [], baseLayers: new Map(), infraErrors: {}, ...extra });
const image = (config: { Entrypoint?: string[]; Cmd?: string[]; Env?: string[] }) => ({ Id: 'sha256:img', Config: config }) as unknown as Docker.ImageInspectInfo;
const run = (extra: Partial<RunObservation> = {}): RunObservation => ({ ready: false, processes: [], logTail: [], ...extra });

// Fake credentials built at run time, so no scanner flags this file.
const GHP = ['ghp', '_', 'A'.repeat(36)].join('');
const AKIA = ['AK', 'IA', 'ABCDEFGHIJKLMNOP'].join('');
const PEM = ['-----BEGIN OPENSSH ', 'PRIVATE KEY-----'].join('');

describe('the registry', () => {
  it('lists the new checks after the seven, each with one title, an anchor and its needs', () => {
    expect(CHECKS.map((c) => c.id).slice(7)).toEqual(['pinned-base', 'dockerignore', 'no-secrets', 'read-only-root', 'cmd-args']);
    for (const c of CHECKS) expect(c.anchor).toMatch(/^[a-z0-9-]+$/);
  });

  it('observes only what the scored checks need', () => {
    expect([...labNeeds({ points: { build: 1, 'pinned-base': 1 } })]).toEqual([]);
    expect([...labNeeds({ points: { build: 1, dockerignore: 1 } })]).toEqual(['context']);
    expect([...labNeeds({ points: { build: 1, 'no-secrets': 1, 'cmd-args': 1 } })].sort()).toEqual(['args-run', 'image', 'layers']);
    expect([...labNeeds({ points: { build: 1, 'read-only-root': 1 } })].sort()).toEqual(['image', 'read-only-run', 'run']);
    expect(labNeeds(base).has('layers')).toBe(false);
  });

  it('refuses a lab that scores cmd-args or dockerignore without their parameters, at the check', () => {
    const { dir: _d, definitionFile: _f, handout: _h, starterDir: _s, solutionDir: _o, ...plain } = base;
    const def = { ...plain, points: { build: 10, 'cmd-args': 5, dockerignore: 5, 'read-only-root': 5 }, total: undefined };
    const r = LabSchema.safeParse(def);
    expect(r.success).toBe(false);
    const messages = r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/^points\.cmd-args: cmd-args needs `cmdArgs\.extraArgs`/), expect.stringMatching(/^points\.dockerignore: dockerignore needs `dockerignore\.exclude`/)]));
    expect(messages.some((m) => m.includes('read-only-root'))).toBe(false);
    const ok = LabSchema.safeParse({ ...def, cmdArgs: { extraArgs: ['--verbose'] }, dockerignore: { exclude: ['.git'] }, readOnlyRoot: { tmpfs: ['/tmp'] } });
    expect(ok.success, JSON.stringify(ok.error?.issues)).toBe(true);
    expect((ok.data as LabDefinition).cmdArgs).toEqual({ extraArgs: ['--verbose'], requireSplit: true });
    expect(LabSchema.safeParse({ ...def, cmdArgs: { extraArgs: ['-v'] }, dockerignore: { exclude: ['.git'] }, readOnlyRoot: { tmpfs: ['/'] } }).success).toBe(false);
  });
});

describe('pinned-base', () => {
  it('pins digests and major.minor versions, never latest, no tag or a name', () => {
    const table: [string, boolean][] = [
      ['golang:1.26-alpine', true],
      ['python:3.12.4-slim-bookworm', true],
      ['alpine3.20', false],
      ['gcr.io/distroless/static@sha256:' + 'a'.repeat(64), true],
      ['gcr.io/distroless/static:nonroot@sha256:' + 'b'.repeat(64), true],
      ['gcr.io/distroless/static:nonroot', false],
      ['gcr.io/distroless/static-debian12:latest', false],
      ['golang', false],
      ['localhost:5000/team/app', false],
      ['localhost:5000/team/app:2.1', true],
      ['debian:12', false],
      ['node:v20.11-alpine', true],
      ['x@sha256:abc', false],
    ];
    for (const [ref, pinned] of table) expect([ref, pinVerdict(ref).pinned]).toEqual([ref, pinned]);
    expect(pinVerdict('gcr.io/distroless/static:nonroot').why).toBe('the tag "nonroot" names no version');
    expect(pinVerdict('golang').why).toBe('no tag, so `:latest`');
  });

  it('is never asked about a build argument in FROM: the reader refuses it before any check runs', () => {
    const df = parseDockerfile('ARG GO=1.26\nFROM golang:${GO}-alpine\n');
    expect(df.refusals.map((r) => r.line)).toEqual([2]);
  });

  it('passes versions and digests, skipping stage references and scratch', () => {
    const df = parseDockerfile(`ARG GO=1.26\nFROM golang:1.26-alpine AS build\nRUN true\nFROM build AS test\nFROM scratch\nFROM gcr.io/distroless/static@sha256:${'c'.repeat(64)}\n`);
    const r = judgeCheck(pinnedBaseCheck, obs({ dockerfile: df }));
    expect(r.status).toBe('pass');
    expect(r.evidence.join('\n')).toMatch(/line 2: FROM golang:1\.26-alpine: pinned, version 1\.26[\s\S]*line 4: FROM build: an earlier stage[\s\S]*line 5: FROM scratch: scratch[\s\S]*line 6: .*pinned, digest sha256:cccc/);
  });

  it('fails a moving tag and names the line', () => {
    const df = parseDockerfile('FROM golang:1.26-alpine AS build\nFROM gcr.io/distroless/static:nonroot\n');
    const r = judgeCheck(pinnedBaseCheck, obs({ dockerfile: df }));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('a base image is not pinned: line 2: gcr.io/distroless/static:nonroot (the tag "nonroot" names no version)');
    expect(r.fix).toMatch(/digest/);
  });

  it('fails no tag and :latest', () => {
    const r = judgeCheck(pinnedBaseCheck, obs({ dockerfile: parseDockerfile('FROM golang\nFROM alpine:latest\n') }));
    expect(r.status).toBe('fail');
    expect(r.summary).toMatch(/^2 base images are not pinned: line 1: golang \(no tag/);
    expect(r.evidence.join('\n')).toMatch(/line 2: FROM alpine:latest: NOT PINNED, `:latest` moves/);
  });

  it('is an error without a Dockerfile', () => {
    expect(judgeCheck(pinnedBaseCheck, obs()).status).toBe('error');
  });
});

describe('dockerignore', () => {
  const withRule = lab({ dockerignore: { exclude: ['.git', '*.env', 'bin/', 'docs/*.md'] } });

  it('matches a slashless pattern at any depth, a folder with everything below it, a path pattern from the root', () => {
    expect(excludeMatcher('.git')('.git/HEAD')).toBe(true);
    expect(excludeMatcher('.git')('vendor/x/.git/config')).toBe(true);
    expect(excludeMatcher('*.env')('.env')).toBe(true);
    expect(excludeMatcher('*.env')('config/prod.env')).toBe(true);
    expect(excludeMatcher('*.env')('go.env.example')).toBe(false);
    expect(excludeMatcher('bin/')('bin/catalog')).toBe(true);
    expect(excludeMatcher('docs/*.md')('docs/a.md')).toBe(true);
    expect(excludeMatcher('docs/*.md')('x/docs/a.md')).toBe(false);
  });

  it('passes when the context leaves every pattern out; the Dockerfile and .dockerignore are always sent', () => {
    const r = judgeCheck(dockerignoreCheck, obs({ lab: withRule, context: { files: ['.dockerignore', 'Dockerfile', 'go.mod', 'main.go'], hasDockerignore: true } }));
    expect(r.status).toBe('pass');
    expect(r.evidence).toContain('.git: left out');
  });

  it('fails naming the files sent, and the fix gives the .dockerignore lines', () => {
    const files = ['.env', '.git/HEAD', '.git/config', 'Dockerfile', 'bin/catalog', 'config/prod.env', 'main.go'];
    const r = judgeCheck(dockerignoreCheck, obs({ lab: withRule, context: { files, hasDockerignore: false } }));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('the build context sent 5 files that must stay out: .git/HEAD, .git/config, .env, …');
    expect(r.evidence).toContain('*.env: SENT 2 files: .env, config/prod.env');
    expect(r.fix).toMatch(/^Create a \.dockerignore next to the Dockerfile with the lines `\.git`, `\*\*\/\*\.env`, `bin`:/);
    const again = judgeCheck(dockerignoreCheck, obs({ lab: withRule, context: { files: ['.env', 'Dockerfile'], hasDockerignore: true } }));
    expect(again.fix).toMatch(/^Add to your \.dockerignore the lines `\*\.env`/);
  });

  it('needs its parameter and the recorded context', () => {
    expect(dockerignoreCheck.params!.required).toMatch(/dockerignore\.exclude/);
    expect(LabSchema.safeParse({ ...base, points: { ...base.points, dockerignore: 5 } }).error?.message).toMatch(/dockerignore needs `dockerignore\.exclude`/);
    expect(judgeCheck(dockerignoreCheck, obs({ context: { files: [], hasDockerignore: false } })).status).toBe('error');
    expect(judgeCheck(dockerignoreCheck, obs({ lab: withRule })).status).toBe('error');
  });
});

describe('secret patterns', () => {
  it('finds keys, cloud credentials and tokens by content, and redacts them', () => {
    expect(matchContent(`${PEM}\nb3BlbnNzaA==\n`).map((m) => m.kind)).toEqual(['private key (PEM)']);
    expect(matchContent(`id=${AKIA}`)).toEqual([{ kind: 'AWS access key id', sample: 'AKIA…(20 chars)' }]);
    expect(matchContent(`aws_secret_access_key = ${'x'.repeat(40)}`)[0].kind).toBe('AWS secret access key');
    expect(matchContent(`token ${GHP}`)).toEqual([{ kind: 'GitHub token', sample: 'ghp_…(40 chars)' }]);
    expect(matchContent('xoxb-1234567890-abcdef')[0].kind).toBe('Slack token');
    expect(matchContent('-----BEGIN PUBLIC KEY----- ghp_short AKIAshort')).toEqual([]);
    expect(redactAll(`RUN |1 TOKEN=${GHP} /bin/sh -c make`)).toBe('RUN |1 TOKEN=ghp_…(40 chars) /bin/sh -c make');
  });

  it('names credential files by path', () => {
    expect(matchPath('app/.env')).toBe('.env file');
    expect(matchPath('.env.production')).toBe('.env file');
    expect(matchPath('.env.example')).toBeUndefined();
    expect(matchPath('usr/lib/go/go.env')).toBeUndefined();
    expect(matchPath('root/.aws/credentials')).toBe('AWS credentials file');
    expect(matchPath('home/me/.ssh/id_ed25519')).toBe('SSH private key');
    expect(matchPath('home/me/.ssh/id_ed25519.pub')).toBeUndefined();
    expect(matchPath('root/.netrc')).toBe('.netrc file');
  });

  it('reads layer tars with long names and stops at the per-file bound', async () => {
    const pack = tar.pack();
    const long = `srv/${'deep/'.repeat(30)}.env`;
    pack.entry({ name: long }, 'A=1\n');
    pack.entry({ name: 'etc/key' }, `${'x'.repeat(100)}${PEM}`);
    pack.entry({ name: 'big' }, Buffer.alloc(5000, 97));
    pack.entry({ name: 'etc/link', type: 'symlink', linkname: 'key' });
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
    const seen: { name: string; size: number; content?: string }[] = [];
    const reader = new LayerTarReader((name, size) => {
      const entry: { name: string; size: number; content?: string } = { name, size };
      seen.push(entry);
      return { want: Math.min(size, 120), done: (b) => (entry.content = b.toString('latin1')) };
    });
    const all = Buffer.concat(chunks);
    for (let i = 0; i < all.length; i += 7) reader.push(all.subarray(i, i + 7));
    expect(seen.map((s) => [s.name, s.size])).toEqual([[long, 4], ['etc/key', 100 + PEM.length], ['big', 5000]]);
    expect(seen[1].content).toBe(`${'x'.repeat(100)}${PEM.slice(0, 20)}`);
    expect(seen[2].content).toHaveLength(120);
  });
});

describe('no-secrets', () => {
  const scan = (extra: Partial<LayerScan> = {}): LayerScan => ({
    layers: [
      { diffId: 'sha256:base', step: '', fromLab: true, bytes: 2_000_000 },
      { diffId: 'sha256:copy', step: 'COPY deploy_key /home/nonroot/.ssh/id_ed25519 # buildkit', fromLab: false, bytes: 2048 },
      { diffId: 'sha256:rm', step: '/bin/sh -c rm /home/nonroot/.ssh/id_ed25519 # buildkit', fromLab: false, bytes: 1024 },
    ],
    history: [
      { createdBy: 'bazel build ...', emptyLayer: false },
      { createdBy: 'COPY deploy_key /home/nonroot/.ssh/id_ed25519 # buildkit', emptyLayer: false },
      { createdBy: '/bin/sh -c rm /home/nonroot/.ssh/id_ed25519 # buildkit', emptyLayer: false },
    ],
    findings: [],
    scannedBytes: 2_000_000,
    truncatedFiles: 0,
    limits: { perFileBytes: 1 << 20, totalBytes: 512 << 20 },
    ...extra,
  });

  it('passes a clean image and says what was read and within which bounds', () => {
    const r = judgeCheck(noSecretsCheck, obs({ image: image({ Env: ['PATH=/usr/bin'] }), layerScan: scan() }));
    expect(r.status).toBe('pass');
    expect(r.evidence.join('\n')).toMatch(/scanned 2 layers of yours \(1 of the lab's base images not judged\)[\s\S]*read 2\.0 MB of file content: up to 1\.0 MB per file, 536\.9 MB in all/);
  });

  it("ignores what the lab's own base layers hold (the Go toolchain ships test keys)", () => {
    const r = judgeCheck(noSecretsCheck, obs({ image: image({}), layerScan: scan({ findings: [{ layer: 0, path: 'usr/lib/go/src/crypto/tls/testdata/example-key.pem', kind: 'private key (PEM)' }] }) }));
    expect(r.status).toBe('pass');
  });

  it('fails a key in a layer, naming the layer, the step and the path, even when a later step deletes it', () => {
    const r = judgeCheck(noSecretsCheck, 
      obs({ image: image({}), layerScan: scan({ findings: [{ layer: 1, path: 'home/nonroot/.ssh/id_ed25519', kind: 'private key (PEM)', sample: PEM, deletedLater: true }, { layer: 2, path: 'app/.env', kind: '.env file' }] }) }),
    );
    expect(r.status).toBe('fail');
    expect(r.summary).toBe(`the image carries 2 credentials: /home/nonroot/.ssh/id_ed25519 holds: private key (PEM) (${PEM}); a later step deletes it, but this layer still ships it`);
    expect(r.evidence[0]).toMatch(/^layer 2\/3, made by `COPY deploy_key \/home\/nonroot\/\.ssh\/id_ed25519`: /);
    expect(r.evidence[1]).toBe('layer 3/3, made by `rm /home/nonroot/.ssh/id_ed25519`: /app/.env holds: .env file');
    expect(r.fix).toMatch(/deleting a file in a later step leaves it in the earlier layer/);
  });

  it('fails a token in ENV or a build argument, never printing it', () => {
    const r = judgeCheck(noSecretsCheck, 
      obs({
        image: image({ Env: [`GITHUB_TOKEN=${GHP}`, 'AWS_SECRET_ACCESS_KEY=short-but-set'] }),
        layerScan: scan({ history: [{ createdBy: `ENV GITHUB_TOKEN=${GHP}`, emptyLayer: true }, { createdBy: `RUN |1 KEY=${AKIA} /bin/sh -c ./fetch # buildkit`, emptyLayer: false }] }),
      }),
    );
    expect(r.status).toBe('fail');
    const text = [r.summary, ...r.evidence].join('\n');
    expect(text).not.toContain(GHP);
    expect(text).not.toContain(AKIA);
    expect(r.evidence).toEqual(
      expect.arrayContaining([
        'ENV GITHUB_TOKEN in the image config holds a GitHub token (ghp_…(40 chars))',
        'ENV AWS_SECRET_ACCESS_KEY in the image config is set (shor…(13 chars)): a credential by its name',
        'build history step 2, `RUN |1 KEY=AKIA…(20 chars) /bin/sh -c ./fetch`: a AWS access key id (AKIA…(20 chars)) is recorded in the image',
      ]),
    );
    expect(r.summary).toMatch(/^the image carries 3 credentials: /);
  });

  it('is an error when the image or its layers could not be read', () => {
    expect(judgeCheck(noSecretsCheck, obs()).status).toBe('error');
    expect(judgeCheck(noSecretsCheck, obs({ image: image({}), infraErrors: { layers: 'docker save failed' } })).evidence).toEqual(['docker save failed']);
    expect(judgeCheck(noSecretsCheck, obs({ image: image({}) })).status).toBe('error');
  });

  it('says when the total bound was reached', () => {
    const r = judgeCheck(noSecretsCheck, obs({ image: image({}), layerScan: scan({ totalCapReached: true, truncatedFiles: 3 }) }));
    expect(r.evidence.join('\n')).toMatch(/3 larger files read in part[\s\S]*bound was reached: later files were judged by their path alone/);
    expect(stepText('/bin/sh -c #(nop)  CMD ["x"]')).toBe('CMD ["x"]');
  });
});

describe('read-only-root', () => {
  const ready = run({ ready: true, readyAfterMs: 120 });
  const roLab = lab({ readOnlyRoot: { tmpfs: ['/tmp'] } });
  const how = describeVariant({ readOnly: true, tmpfs: ['/tmp'] });

  it('describes the run in docker terms', () => {
    expect(how).toBe('docker run --read-only --tmpfs /tmp IMAGE');
    expect(describeVariant({ args: ['--port', 'a b'] })).toBe("docker run IMAGE --port 'a b'");
  });

  it('passes when the readiness path answers with a read-only root', () => {
    const r = judgeCheck(readOnlyRootCheck, obs({ image: image({}), lab: roLab, run: ready, readOnlyRun: { how, run: run({ ready: true, readyAfterMs: 90 }) } }));
    expect(r.status).toBe('pass');
    expect(r.evidence[0]).toBe('run as `docker run --read-only --tmpfs /tmp IMAGE`');
  });

  it('fails a program that writes to its filesystem at start, quoting the failed write', () => {
    const ro = run({ exitedEarly: { exitCode: 1, oomKilled: false }, logTail: ["mkdir: can't create directory '/data': Read-only file system"] });
    const r = judgeCheck(readOnlyRootCheck, obs({ image: image({}), lab: roLab, run: ready, readOnlyRun: { how, run: ro } }));
    expect(r.status).toBe('fail');
    expect(r.summary).toBe('with a read-only root the container exited (code 1) before GET /healthz answered: it writes to its filesystem');
    expect(r.fix).toMatch(/^Write only to \/tmp \(a tmpfs in this run/);
    const none = judgeCheck(readOnlyRootCheck, obs({ image: image({}), run: ready, readOnlyRun: { how: 'docker run --read-only IMAGE', run: run() } }));
    expect(none.summary).toBe('with a read-only root GET /healthz did not answer within 20 s');
    expect(none.fix).toMatch(/^The program must not write to its own filesystem/);
    const start = judgeCheck(readOnlyRootCheck, obs({ image: image({}), run: ready, readOnlyRun: { how, run: run({ startError: 'mkdir /x: read-only file system' }) } }));
    expect(start.summary).toMatch(/^the container cannot start with a read-only root: /);
  });

  it('is skipped when the container is never ready even when writable, an error when the engine failed', () => {
    expect(judgeCheck(readOnlyRootCheck, obs({ image: image({}), run: run({ startError: 'no /bin/sh' }), readOnlyRun: { how, run: run({ startError: 'no /bin/sh' }) } })).status).toBe('skipped');
    expect(judgeCheck(readOnlyRootCheck, obs({ image: image({}), run: ready, infraErrors: { 'read-only-run': 'engine gone' } })).status).toBe('error');
    expect(judgeCheck(readOnlyRootCheck, obs({ image: image({}), run: ready })).status).toBe('error');
  });
});

describe('cmd-args', () => {
  const argsLab = lab({ cmdArgs: { extraArgs: ['--verbose'], requireSplit: true } });
  const loose = lab({ cmdArgs: { extraArgs: ['--verbose'], requireSplit: false } });
  const how = 'docker run IMAGE --verbose';
  const pid1 = (args: string) => run({ ready: true, pid1: { uid: 65532, args } });
  const split = image({ Entrypoint: ['/catalog'], Cmd: ['--port=8080'] });

  it('passes when PID 1 is the program with the extra arguments', () => {
    const r = judgeCheck(cmdArgsCheck, obs({ lab: argsLab, image: split, argsRun: { how, run: pid1('/catalog --verbose') } }));
    expect(r.status).toBe('pass');
    expect(r.summary).toBe('PID 1 received `--verbose`: /catalog --verbose');
  });

  it('fails statically: no ENTRYPOINT, a shell-form ENTRYPOINT, or no CMD when the lab asks for the split', () => {
    const cmdOnly = judgeCheck(cmdArgsCheck, obs({ lab: argsLab, image: image({ Cmd: ['/catalog'] }), argsRun: { how, run: pid1('/catalog --verbose') } }));
    expect(cmdOnly.summary).toBe('the image has no ENTRYPOINT, so `docker run IMAGE --verbose` replaces the program itself');
    const shell = judgeCheck(cmdArgsCheck, obs({ lab: argsLab, image: image({ Entrypoint: ['/bin/sh', '-c', '/catalog'], Cmd: ['-v'] }), argsRun: { how, run: pid1('/catalog --verbose') } }));
    expect(shell.summary).toMatch(/shell form/);
    const noCmd = judgeCheck(cmdArgsCheck, obs({ lab: argsLab, image: image({ Entrypoint: ['/catalog'] }), argsRun: { how, run: pid1('/catalog --verbose') } }));
    expect(noCmd.summary).toBe('ENTRYPOINT holds the program but no CMD gives its default flags');
    for (const r of [cmdOnly, shell, noCmd]) expect(r.status).toBe('fail');
  });

  it('fails at run time: the flag run as the program, an exit at once, a wrapper that drops the arguments', () => {
    const start = judgeCheck(cmdArgsCheck, obs({ lab: loose, image: image({ Cmd: ['/catalog'] }), argsRun: { how, run: run({ startError: 'exec: "--verbose": executable file not found in $PATH' }) } }));
    expect(start.status).toBe('fail');
    expect(start.fix).toMatch(/^Without an ENTRYPOINT the engine tried to run `--verbose` as the program/);
    const early = judgeCheck(cmdArgsCheck, obs({ lab: argsLab, image: split, argsRun: { how, run: run({ exitedEarly: { exitCode: 2, oomKilled: false }, logTail: ['flag provided but not defined: -verbose'] }) } }));
    expect(early.summary).toBe('with `--verbose` the container exited at once with code 2');
    expect(early.evidence.at(-1)).toBe('| flag provided but not defined: -verbose');
    const wrapper = judgeCheck(cmdArgsCheck, obs({ lab: argsLab, image: image({ Entrypoint: ['sh', '-c', 'exec /catalog'], Cmd: ['x'] }), argsRun: { how, run: pid1('/catalog') } }));
    expect(wrapper.summary).toBe('the arguments did not reach the program: PID 1 is `/catalog`');
    const shellPid1 = judgeCheck(cmdArgsCheck, obs({ lab: argsLab, image: image({ Entrypoint: ['/entry.sh'], Cmd: ['x'] }), argsRun: { how, run: pid1('/bin/sh /entry.sh --verbose') } }));
    expect(shellPid1.status).toBe('fail');
  });

  it('needs its parameter, an image and the run', () => {
    expect(cmdArgsCheck.params!.required).toMatch(/cmdArgs\.extraArgs/);
    expect(LabSchema.safeParse({ ...base, points: { ...base.points, 'cmd-args': 5 } }).error?.message).toMatch(/cmd-args needs `cmdArgs\.extraArgs`/);
    expect(judgeCheck(cmdArgsCheck, obs()).status).toBe('error');
    expect(judgeCheck(cmdArgsCheck, obs({ lab: argsLab })).status).toBe('error');
    expect(judgeCheck(cmdArgsCheck, obs({ lab: argsLab, image: split, infraErrors: { 'args-run': 'engine gone' } })).status).toBe('error');
    expect(judgeCheck(cmdArgsCheck, obs({ lab: argsLab, image: split })).status).toBe('error');
  });
});
