// Pure logic of the grader: no engine needed. The engine tests prove the checks.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { BuildTrace } from '../../graders/observe/buildkit-trace';
import { resolveUid, isShellCommand } from '../../graders/checks/util';
import { contextFiles } from '../../graders/submission/context';
import { copiesFile, instructionForStep, isExecForm, parseDockerfile, withoutSyntaxDirective } from '../../graders/dockerfile/parse';
import { labChecks, labNeeds } from '../../graders/checks';
import { loadLab, maxScore } from '../../graders/lab/load';
import { openSubmission, SubmissionError } from '../../graders/submission/open';
import { SourceError } from '../../lib/yaml-schema';
import { hostileArchive, type Entry } from '../support/hostile-archive';

const tmp = () => mkdtempSync(join(tmpdir(), 'drydock-unit-'));

describe('Dockerfile reading', () => {
  const df = parseDockerfile(`# syntax=docker/dockerfile:1
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum* ./
RUN go mod \\
    download
COPY . .

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/catalog /catalog
ENTRYPOINT ["/catalog"]
`);

  it('maps BuildKit step names to their instruction and line', () => {
    expect(instructionForStep(df, '[build 4/5] RUN go mod download')?.line).toBe(5);
    expect(instructionForStep(df, '[build 5/5] COPY . .')?.line).toBe(7);
    expect(instructionForStep(df, '[stage-1 2/2] COPY --from=build /out/catalog /catalog')?.line).toBe(10);
    expect(instructionForStep(df, '[internal] load metadata for docker.io/library/golang:1.26-alpine')).toBeUndefined();
    const single = parseDockerfile('FROM golang:1.26-alpine\nRUN while true; do sleep 1; done\n');
    expect(instructionForStep(single, '[2/2] RUN while true; do sleep 1; done')?.line).toBe(2);
  });

  it('knows which COPY brings a source file in', () => {
    const [build, final] = df.stages;
    expect(copiesFile(build.instructions[2], 'main.go')).toBe(false);
    expect(copiesFile(build.instructions[4], 'main.go')).toBe(true);
    expect(copiesFile(final.instructions[1], 'main.go')).toBe(false);
    const globbed = parseDockerfile('FROM x\nCOPY *.go ./\nCOPY cmd/ ./cmd/\n').stages[0].instructions;
    expect(copiesFile(globbed[1], 'main.go')).toBe(true);
    expect(copiesFile(globbed[2], 'cmd/app/main.go')).toBe(true);
    expect(copiesFile(globbed[2], 'main.go')).toBe(false);
  });

  it('tells exec form from shell form', () => {
    const [ep] = df.stages[1].instructions.filter((i) => i.keyword === 'ENTRYPOINT');
    expect(isExecForm(ep)).toBe(true);
    expect(isExecForm(parseDockerfile('FROM x\nENTRYPOINT /catalog\n').stages[0].instructions[1])).toBe(false);
    expect(isExecForm(parseDockerfile("FROM x\nENTRYPOINT ['/catalog']\n").stages[0].instructions[1])).toBe(false);
  });

  it('blanks the syntax directive without moving lines', () => {
    expect(df.syntax).toEqual({ value: 'docker/dockerfile:1', line: 1 });
    const stripped = withoutSyntaxDirective(df);
    expect(stripped.split('\n')).toHaveLength(df.text.split('\n').length);
    expect(parseDockerfile(stripped).syntax).toBeUndefined();
  });
});

describe('users', () => {
  const passwd = 'root:x:0:0::/root:/sbin/nologin\nnonroot:x:65532:65532::/home/nonroot:/sbin/nologin\n';
  it.each([
    ['', 0], ['0', 0], ['root', 0], ['0:0', 0], ['root:root', 0],
    ['65532', 65532], ['65532:65532', 65532], ['nonroot', 65532], ['nonroot:nonroot', 65532],
  ])('%j resolves to %i', (spec, uid) => expect(resolveUid(spec, passwd)).toBe(uid));
  it('leaves an unknown name unresolved', () => expect(resolveUid('app', passwd)).toBeUndefined());
  it('recognises shells as PID 1', () => {
    expect(isShellCommand('/bin/sh -c /catalog; echo done')).toBe(true);
    expect(isShellCommand('/usr/bin/busybox sh')).toBe(true);
    expect(isShellCommand('/catalog')).toBe(false);
  });
});

describe('BuildKit trace', () => {
  const root = protobuf.parse(`syntax = "proto3";
    message Timestamp { int64 seconds = 1; int32 nanos = 2; }
    message Vertex { string digest = 1; string name = 3; bool cached = 4; Timestamp started = 5; Timestamp completed = 6; string error = 7; }
    message VertexLog { string vertex = 1; int64 stream = 3; bytes msg = 4; }
    message StatusResponse { repeated Vertex vertexes = 1; repeated VertexLog logs = 3; }`).root;
  const T = root.lookupType('StatusResponse');
  const enc = (o: object) => Buffer.from(T.encode(T.fromObject(o)).finish()).toString('base64');

  it('merges partial updates by digest and keeps first-seen order', () => {
    const t = new BuildTrace();
    t.addEncoded(enc({ vertexes: [{ digest: 'sha256:b', name: '[build 2/3] RUN go mod download' }, { digest: 'sha256:a', name: '[build 1/3] FROM x' }] }));
    t.addEncoded(enc({ vertexes: [{ digest: 'sha256:b', started: { seconds: 10 } }] }));
    t.addEncoded(enc({ logs: [{ vertex: 'sha256:b', msg: Buffer.from('go: downloading\npartial') }] }));
    t.addEncoded(enc({ logs: [{ vertex: 'sha256:b', msg: Buffer.from(' line\n') }] }));
    t.addEncoded(enc({ vertexes: [{ digest: 'sha256:b', completed: { seconds: 12 }, error: 'exit code: 1' }, { digest: 'sha256:a', cached: true }] }));
    const [b, a] = t.list();
    expect(b).toMatchObject({ name: '[build 2/3] RUN go mod download', started: 10_000, completed: 12_000, error: 'exit code: 1', cached: false });
    expect(b.log).toEqual(['go: downloading', 'partial line']);
    expect(a).toMatchObject({ name: '[build 1/3] FROM x', cached: true });
  });
});

describe('lab definitions', () => {
  it('loads the catalog lab', () => {
    const lab = loadLab('labs/catalog-image');
    expect(lab.thresholds).toMatchObject({ maxImageSizeMB: 25, user: 65532, gracePeriodSeconds: 10 });
    expect(lab.starterDir).toMatch(/starter$/);
  });
  it('reports a wrong type and an unknown key with file and line', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'lab.yaml'), 'id: x\ntitle: X\ncolour: blue\nimages:\n  allowedBases: [a]\nthresholds:\n  maxImageSizeMB: "big"\n');
    try {
      loadLab(dir);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SourceError);
      const msg = (err as Error).message;
      expect(msg).toMatch(/lab\.yaml:3:1 .*colour/);
      expect(msg).toMatch(/lab\.yaml:7:19 thresholds\.maxImageSizeMB: /);
    }
  });

  const labText = (points: string, extra = '') =>
    `id: x\ntitle: X\nimages:\n  allowedBases: [a]\nthresholds:\n  maxImageSizeMB: 25\n  user: 65532\n  gracePeriodSeconds: 10\n  readiness: { path: /healthz, port: 8080 }\n${extra}points:\n${points}`;
  const problemsOf = (text: string) => {
    const dir = tmp();
    writeFileSync(join(dir, 'lab.yaml'), text);
    try {
      loadLab(dir);
      return [];
    } catch (err) {
      return (err as SourceError).problems.map((p) => `${p.line} ${p.message}`);
    }
  };
  it('lets a lab score only some checks', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'lab.yaml'), labText('  build: 40\n  user: 60\n', 'total: 100\n'));
    const lab = loadLab(dir);
    expect(labChecks(lab).map((c) => c.id)).toEqual(['build', 'user']);
    expect(maxScore(lab)).toBe(100);
    expect([...labNeeds(lab)].sort()).toEqual(['files', 'image', 'run']);
  });
  it('names an unknown check, a check missing its parameters, a missing build check and a wrong total, each at its line', () => {
    expect(problemsOf(labText('  build: 10\n  sizee: 10\n'))).toEqual([expect.stringMatching(/^12 points\.sizee: unknown check "sizee" \(known: build, size, /)]);
    expect(problemsOf(labText('  build: 10\n  cache-hit: 10\n'))).toEqual(['12 points.cache-hit: cache-hit needs a `cache` section naming the source file the probe edits (and the dependency step, if any)']);
    expect(problemsOf(labText('  size: 10\n'))).toEqual([expect.stringMatching(/^11 points: every lab scores the build check/)]);
    expect(problemsOf(labText('  build: 10\n  size: 10\n', 'total: 100\n'))).toEqual(['10 total: the points add up to 20, not 100']);
  });
});

describe('submissions', { timeout: 60_000 }, () => {
  const opts = { maxBytes: 1024 * 1024 };
  const reasonOf = async (source: string) => {
    try {
      (await openSubmission(source, opts)).dispose();
      return 'opened';
    } catch (err) {
      if (err instanceof SubmissionError) return err.reason;
      throw err;
    }
  };
  const zip = (entries: [string, string][]) =>
    new Promise<string>((resolve) => {
      const z = new yazl.ZipFile();
      for (const [name, body] of entries) z.addBuffer(Buffer.from(body), name);
      const file = join(tmp(), 'sub.zip');
      z.outputStream.pipe(createWriteStream(file)).on('close', () => resolve(file));
      z.end();
    });

  it('opens a folder, a zip and a tar.gz wrapped in one top folder', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'lab'));
    writeFileSync(join(dir, 'lab/Dockerfile'), 'FROM scratch\n');
    expect(await reasonOf(join(dir, 'lab'))).toBe('opened');
    execFileSync('tar', ['-czf', join(dir, 'sub.tar.gz'), '-C', dir, 'lab']);
    const s = await openSubmission(join(dir, 'sub.tar.gz'), opts);
    expect(s.dir.endsWith('/lab')).toBe(true);
    s.dispose();
    expect(await reasonOf(await zip([['Dockerfile', 'FROM scratch\n']]))).toBe('opened');
  });
  it('rejects entries that escape the folder', async () => {
    // yazl refuses to write such a name, as a good zipper should; Python's zipfile does not.
    const slip = join(tmp(), 'slip.zip');
    execFileSync('python3', ['-c', 'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1],"w");z.writestr("Dockerfile","FROM scratch");z.writestr("../evil","x");z.close()', slip]);
    expect(await reasonOf(slip)).toMatch(/escapes its folder/);
    const dir = tmp();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    execFileSync('tar', ['-cf', join(dir, 'abs.tar'), '-P', join(dir, 'Dockerfile')]);
    expect(await reasonOf(join(dir, 'abs.tar'))).toMatch(/absolute path/);
  });
  it('rejects a symlink pointing outside, in a folder and in an archive', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    symlinkSync('/etc/passwd', join(dir, 'passwd'));
    expect(await reasonOf(dir)).toMatch(/symlink that points outside/);
    execFileSync('tar', ['-cf', join(dir, '..', 'link.tar'), '-C', dir, '.']);
    expect(await reasonOf(join(dir, '..', 'link.tar'))).toMatch(/symlink that points outside/);
  });
  // The two escapes of issue 20: link checks done on the path text let a chain of links climb out.
  const chainEntries = (marker: string) => [['dir', 'd', ''], ['sym', 'd/l', '..'], ['sym', 'e', 'd/l/d/l/../..'], ['file', `e/${marker}`, 'pwned']] as Entry[];
  const inJail = async <T>(fn: (jail: string) => Promise<T>) => {
    // os.tmpdir() reads TMPDIR each call, so the extraction folder lands two levels below the jail.
    const jail = tmp();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = jail;
    try {
      return await fn(jail);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
  };
  it('does not write through a chain of links in a tar (d/l -> .., e -> d/l/d/l/../.., e/marker)', async () => {
    const file = join(tmp(), 'chain.tar');
    hostileArchive('tar', file, chainEntries('marker'));
    await inJail(async (jail) => {
      const reason = await reasonOf(file);
      expect(existsSync(join(jail, 'marker'))).toBe(false);
      expect(readdirSync(jail)).toEqual([]);
      expect(reason).toMatch(/link/);
    });
  });
  it('does not write through a chain of links in a zip with the same entries', async () => {
    const file = join(tmp(), 'chain.zip');
    hostileArchive('zip', file, chainEntries('marker'));
    await inJail(async (jail) => {
      const reason = await reasonOf(file);
      expect(existsSync(join(jail, 'marker'))).toBe(false);
      expect(readdirSync(jail)).toEqual([]);
      expect(reason).toMatch(/link/);
    });
  });
  it('refuses a folder whose Dockerfile reaches the host through links that look inside on paper', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'd'));
    symlinkSync('..', join(dir, 'd/l'));
    symlinkSync(`${'d/l/'.repeat(6)}${'../'.repeat(12)}etc/os-release`, join(dir, 'Dockerfile'));
    writeFileSync(join(dir, 'main.go'), 'package main\n');
    const reason = await reasonOf(dir);
    expect(reason).not.toBe('opened');
    expect(reason).toMatch(/points outside the submission \(Dockerfile -> d\/l\//);
    expect(reason).not.toMatch(/PRETTY_NAME/);
  });
  it('refuses hard links, devices and FIFOs in an archive and a FIFO in a folder, each by name', async () => {
    const base: Entry[] = [['file', 'Dockerfile', 'FROM scratch\n']];
    const dir = tmp();
    for (const [kind, what] of [['hard', /hard link \(x\)/], ['chr', /character device \(x\)/], ['blk', /block device \(x\)/], ['fifo', /FIFO \(named pipe\) \(x\)/]] as const) {
      expect(await reasonOf(hostileArchive('tar', join(dir, `${kind}.tar`), [...base, [kind, 'x', 'Dockerfile']]))).toMatch(what);
    }
    for (const [kind, what] of [['chr', /character device \(x\)/], ['fifo', /FIFO \(named pipe\) \(x\)/]] as const) {
      expect(await reasonOf(hostileArchive('zip', join(dir, `${kind}.zip`), [...base, [kind, 'x', '']]))).toMatch(what);
    }
    const folder = tmp();
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\n');
    execFileSync('mkfifo', [join(folder, 'pipe')]);
    expect(await reasonOf(folder)).toMatch(/FIFO \(named pipe\) \(pipe\)/);
  });
  it('keeps links that stay inside, so a Dockerfile may be a link to a file beside it', async () => {
    const dir = tmp();
    mkdirSync(join(dir, 'docker'));
    writeFileSync(join(dir, 'docker/Dockerfile.prod'), 'FROM scratch\n');
    symlinkSync('docker/Dockerfile.prod', join(dir, 'Dockerfile'));
    symlinkSync('../docker', join(dir, 'docker/self'));
    const s = await openSubmission(dir, opts);
    expect(s.dockerfile).toBe('FROM scratch\n');
    s.dispose();
    const tarFile = hostileArchive('tar', join(tmp(), 'ok.tar'), [['dir', 'docker', ''], ['file', 'docker/Dockerfile.prod', 'FROM scratch\n'], ['sym', 'Dockerfile', 'docker/Dockerfile.prod']]);
    const t = await openSubmission(tarFile, opts);
    expect(t.dockerfile).toBe('FROM scratch\n');
    t.dispose();
  });
  it('refuses dangling links that would land outside, and never fills a starter file through one', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    mkdirSync(join(dir, 'sub'));
    symlinkSync('../sub/nothing/../../../escaped', join(dir, 'go.sum'));
    expect(await reasonOf(dir)).toMatch(/points outside the submission \(go\.sum -> /);
    const starter = tmp();
    writeFileSync(join(starter, 'go.sum'), 'starter\n');
    const inside = tmp();
    writeFileSync(join(inside, 'Dockerfile'), 'FROM scratch\n');
    symlinkSync('missing/go.sum', join(inside, 'go.sum'));
    const s = await openSubmission(inside, { ...opts, starterDir: starter });
    expect(s.filledFromStarter).toEqual([]);
    s.dispose();
  });
  it('refuses a zip that names a file twice or writes under a link, and reads backslashes as folders', async () => {
    const dir = tmp();
    expect(await reasonOf(hostileArchive('zip', join(dir, 'twice.zip'), [['file', 'Dockerfile', 'FROM scratch\n'], ['file', 'Dockerfile', 'FROM evil\n']]))).toMatch(/holds Dockerfile twice/);
    expect(await reasonOf(hostileArchive('zip', join(dir, 'linkfile.zip'), [['file', 'Dockerfile', 'FROM scratch\n'], ['sym', 'x', 'Dockerfile'], ['file', 'x', 'over']]))).toMatch(/holds x twice/);
    expect(await reasonOf(hostileArchive('zip', join(dir, 'bs.zip'), [['file', 'Dockerfile', 'FROM scratch\n'], ['file', '..\\..\\evil', 'x']]))).toMatch(/escapes its folder/);
    const s = await openSubmission(hostileArchive('zip', join(dir, 'bs-ok.zip'), [['file', 'Dockerfile', 'FROM scratch\n'], ['file', 'cmd\\main.go', 'package main']]), opts);
    expect(readdirSync(join(s.dir, 'cmd'))).toEqual(['main.go']);
    s.dispose();
  });
  it('replaces a link with a later tar entry of the same name instead of writing through it', async () => {
    const outside = join(tmp(), 'victim');
    writeFileSync(outside, 'untouched');
    const file = hostileArchive('tar', join(tmp(), 'relink.tar'), [['file', 'Dockerfile', 'FROM scratch\n'], ['file', 'a', 'x'], ['sym', 'x', 'a'], ['file', 'x', 'replaced']]);
    const s = await openSubmission(file, opts);
    expect(readFileSync(join(s.dir, 'a'), 'utf8')).toBe('x');
    expect(readFileSync(join(s.dir, 'x'), 'utf8')).toBe('replaced');
    s.dispose();
  });
  it('gives empty, Dockerfile-less, oversized and corrupt submissions a plain reason', async () => {
    expect(await reasonOf(tmp())).toBe('the submission is empty');
    const noDf = tmp();
    writeFileSync(join(noDf, 'main.go'), 'package main');
    expect(await reasonOf(noDf)).toMatch(/no Dockerfile/);
    const big = tmp();
    writeFileSync(join(big, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(big, 'blob'), Buffer.alloc(2 * 1024 * 1024));
    expect(await reasonOf(big)).toMatch(/larger than 1 MB/);
    const bad = join(tmp(), 'broken.tar.gz');
    writeFileSync(bad, 'this is not gzip');
    expect(await reasonOf(bad)).toMatch(/cannot be read/);
    expect(await reasonOf('/nonexistent/sub.zip')).toMatch(/does not exist/);
  });
});

describe('build context', () => {
  it('applies .dockerignore but always sends the Dockerfile', () => {
    const dir = tmp();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, '.dockerignore'), '*.md\nDockerfile\nbin/\n');
    writeFileSync(join(dir, 'README.md'), 'x');
    writeFileSync(join(dir, 'main.go'), 'x');
    mkdirSync(join(dir, 'bin'));
    writeFileSync(join(dir, 'bin/catalog'), 'x');
    expect(contextFiles(dir)).toEqual(['.dockerignore', 'Dockerfile', 'main.go']);
  });
});
