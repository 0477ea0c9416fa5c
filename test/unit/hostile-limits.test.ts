// Hostile submissions that never reach Docker: each must be stopped by the
// grader with a plain reason, in seconds and a small heap, not hang it or run
// it out of memory. Each runs in a child Node (test/support/bounded.ts) with a
// 512 MB heap and a hard time limit per case, because a reader stuck in
// synchronous code cannot be interrupted from inside the test.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { inputHash } from '../../graders/class/results';
import { boundedRunner } from '../support/bounded';
import { hostileArchive } from '../support/hostile-archive';

const made: string[] = [];
const tmp = () => {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-limits-'));
  made.push(dir);
  return dir;
};
const IMAGES = ['golang:1.26-alpine'];
const FROM = 'FROM golang:1.26-alpine\n';
const bounded = boundedRunner('test/support/bounded-targets.ts', { timeoutMs: 30_000, heapMB: 512 });
afterAll(() => {
  bounded.close();
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

async function judge(text: string) {
  const file = join(tmp(), 'Dockerfile');
  writeFileSync(file, text);
  const res = await bounded.call<{ reader: string[]; rules: string[]; stages: number }>('judgeDockerfileFile', [file, IMAGES]);
  expect(res.failure, 'the reader must answer within the limits').toBeUndefined();
  return res.value!;
}

describe('hostile Dockerfiles are stopped with a reason, within seconds and a small heap', { timeout: 60_000 }, () => {
  it('a glob in ${V#…} that backtracks exponentially (ReDoS) is matched in linear time', async () => {
    const r = await judge(`${FROM}ARG U=${'a'.repeat(60)}\nENV V=\${U#${'*a'.repeat(20)}*b} W=\${U%%${'a*'.repeat(20)}b} X=\${U//${'*a'.repeat(20)}*b/y}\nRUN true\n`);
    expect(r.reader).toEqual([]);
  });
  it('${V#pattern} keeps BuildKit’s meaning: shortest and longest prefix and suffix, first and every replacement', async () => {
    const { readDockerfile } = await import('../../graders/dockerfile/read');
    const df = readDockerfile(`${FROM}ARG U=a/b/c.tar.gz\nENV P=\${U#*/} PP=\${U##*/} S=\${U%.*} SS=\${U%%.*} R=\${U/?/X} RR=\${U//[/]/-} Q=\${U//\\//_} N=\${U#zz}\n`);
    const env = Object.fromEntries(df.stages[0].instructions.find((i) => i.keyword === 'ENV')!.pairs!.map((p) => [p.key, p.value]));
    expect(env).toEqual({ P: 'b/c.tar.gz', PP: 'c.tar.gz', S: 'a/b/c.tar', SS: 'a/b/c', R: 'X/b/c.tar.gz', RR: 'a/b/c.tar.gz', Q: 'a_b_c.tar.gz', N: 'a/b/c.tar.gz' });
  });
  it('expansions nested 2 000 deep are refused, not a stack overflow', async () => {
    const r = await judge(`${FROM}ENV X=${'${A:-'.repeat(2_000)}x${'}'.repeat(2_000)}\n`);
    expect(r.reader.join('\n')).toMatch(/nested more than \d+ deep/);
  });
  it('a line longer than 16 KB is refused by its number (BuildKit takes 64 KB; the grader adds to some lines)', async () => {
    const r = await judge(`${FROM}ENV X=${'${A:-'.repeat(20_000)}x${'}'.repeat(20_000)}\n`);
    expect(r.reader).toEqual(['line 2 is longer than 16 KB']);
  });
  it('a value doubled 40 times (ENV A=$A$A) is refused before it fills memory', async () => {
    const r = await judge(`${FROM}ENV A=xxxxxxxx\n${'ENV A=$A$A\n'.repeat(40)}RUN true\n`);
    expect(r.reader.join('\n')).toMatch(/longer than \d+ KB/);
  });
  it('5 000 variables seen by 5 000 instructions (25 million copies) are refused, and 5 000 instructions alone', async () => {
    const env = Array.from({ length: 5 }, (_, k) => `ENV ${Array.from({ length: 1000 }, (_, i) => `a${k * 1000 + i}=1`).join(' ')}\n`).join('');
    const r = await judge(`${FROM}${env}${'RUN x\n'.repeat(5000)}`);
    expect(r.reader.join('\n')).toMatch(/sets more than \d+ variables/);
    expect((await judge(`${FROM}${'RUN x\n'.repeat(5000)}`)).reader.join('\n')).toMatch(/more than \d+ instructions/);
  });
  it('20 000 refused lines give a short list, in seconds', async () => {
    const r = await judge(`${FROM}${'RUN x\v\n'.repeat(20_000)}`);
    expect(r.reader.length).toBeLessThanOrEqual(51);
    expect(r.reader.at(-1)).toMatch(/more problems/);
  });
  it('a 50 MB Dockerfile, and a 100 000-line continuation, are refused by size', async () => {
    expect((await judge(`${FROM}${`RUN ${'x'.repeat(1000)}\n`.repeat(50_000)}`)).reader.join('\n')).toMatch(/Dockerfile is \d+ KB; the grader reads at most/);
    expect((await judge(`${FROM}RUN x \\\n${' y \\\n'.repeat(100_000)}z\n`)).reader.join('\n')).toMatch(/Dockerfile is \d+ KB/);
  });
});

describe('hostile archives and folders are stopped with a reason, within seconds and a small heap', { timeout: 120_000 }, () => {
  const opts = { maxBytes: 1024 * 1024, maxFiles: 100 };
  const open = async (source: string, o: object = opts) => {
    const res = await bounded.call<string>('openReason', [source, o]);
    expect(res.failure, 'opening must answer within the limits').toBeUndefined();
    return res.value!;
  };
  const py = (script: string, ...args: string[]) => execFileSync('python3', ['-c', script, ...args]);
  const MANY = `
import sys, tarfile, zipfile, io
out, n = sys.argv[1], int(sys.argv[2])
if out.endswith('.zip'):
    with zipfile.ZipFile(out, 'w') as z:
        z.writestr('Dockerfile', 'FROM scratch\\n')
        for i in range(n): z.writestr(f'f/{i}', '')
else:
    with tarfile.open(out, 'w:gz') as t:
        b = b'FROM scratch\\n'; ti = tarfile.TarInfo('Dockerfile'); ti.size = len(b); t.addfile(ti, io.BytesIO(b))
        for i in range(n): t.addfile(tarfile.TarInfo(f'f/{i}'))
`;

  it('more files than the limit, in a tar.gz, a zip and a folder, is refused by count', async () => {
    const dir = tmp();
    for (const name of ['many.tar.gz', 'many.zip']) {
      py(MANY, join(dir, name), '150');
      expect(await open(join(dir, name))).toMatch(/refused: the submission holds more than 100 files and folders/);
    }
    const folder = join(dir, 'folder');
    mkdirSync(join(folder, 'f'), { recursive: true });
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\n');
    for (let i = 0; i < 150; i++) writeFileSync(join(folder, 'f', String(i)), '');
    expect(await open(folder)).toMatch(/more than 100 files and folders/);
    // Within the limit, all three open.
    py(MANY, join(dir, 'few.tar.gz'), '50');
    expect(await open(join(dir, 'few.tar.gz'))).toBe('opened');
  });
  /** A tar holding only a Dockerfile, as bytes. */
  const plainTar = () => readFileSync(hostileArchive('tar', join(tmp(), 'base.tar'), [['file', 'Dockerfile', 'FROM scratch\n']]));
  it('a tar.gz that inflates to far more than the limit (zeros after the end of the archive) is refused at once', async () => {
    const file = join(tmp(), 'zeros.tar.gz');
    writeFileSync(file, gzipSync(Buffer.concat([plainTar(), Buffer.alloc(64 << 20)])));
    expect(await open(file)).toMatch(/refused: the archive unpacks to more than \d+ MB/);
  });
  it('a tar.gz compressed twice is refused, not unpacked by a second, unbounded pass', async () => {
    const file = join(tmp(), 'twice.tar.gz');
    writeFileSync(file, gzipSync(gzipSync(plainTar())));
    expect(await open(file)).toMatch(/refused: the archive is compressed twice/);
  });
  it('a folder or an archive nested 70 folders deep is refused by depth', async () => {
    const dir = tmp();
    const folder = join(dir, 'deep');
    mkdirSync(join(folder, ...Array.from({ length: 70 }, () => 'd')), { recursive: true });
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\n');
    expect(await open(folder)).toMatch(/refused: the folder nests more than 64 folders deep/);
    const zip = join(dir, 'deep.zip');
    py(`import sys, zipfile\nwith zipfile.ZipFile(sys.argv[1], 'w') as z:\n    z.writestr('Dockerfile', 'x')\n    z.writestr('d/' * 70 + 'f', 'x')`, zip);
    expect(await open(zip)).toMatch(/refused: the archive holds a path nested more than 64 folders deep/);
  });
  it('a 10 GB sparse file in a folder is refused by its size without being read', async () => {
    const folder = tmp();
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(folder, 'sparse'), '');
    truncateSync(join(folder, 'sparse'), 10 * 1024 ** 3);
    expect(await open(folder)).toMatch(/larger than 1 MB unpacked/);
  });
});

describe('globs a student writes (.dockerignore lines, COPY sources) are matched in linear time', { timeout: 60_000 }, () => {
  const EVIL = `${'*a'.repeat(10)}*b`;
  const LONG = 'a'.repeat(80);
  it('a .dockerignore line that backtracks exponentially against a long file name', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, '.dockerignore'), `${EVIL}\n**/${EVIL}\n`);
    writeFileSync(join(dir, LONG), '');
    const res = await bounded.call<string[]>('contextFilesOf', [dir]);
    expect(res.failure, 'listing the context must answer within the limits').toBeUndefined();
    expect(res.value).toEqual(['.dockerignore', 'Dockerfile', LONG]);
  });
  it('a COPY source that backtracks exponentially, when the cache probe looks for the file a COPY brings in', async () => {
    const res = await bounded.call<boolean>('copiesOf', [EVIL, LONG]);
    expect(res.failure, 'the probe must answer within the limits').toBeUndefined();
    expect(res.value).toBe(false);
  });
  it('a .dockerignore line with regular-expression syntax is refused at the gate, with the line', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(dir, '.dockerignore'), 'node_modules\n(a+)+b\n');
    const res = await bounded.call<string>('openReason', [dir, { maxBytes: 1 << 20 }]);
    expect(res.value).toMatch(/refused: the .dockerignore line "\(a\+\)\+b" uses \(, which the grader does not read/);
  });
  it("reads ordinary .dockerignore lines exactly as @balena/dockerignore's own RegExp does (600 generated lines and paths)", async () => {
    const { default: ignore } = await import('@balena/dockerignore');
    const { readDockerignore } = await import('../../graders/submission/context');
    const { rng } = await import('../reference/dockerfile-mutations');
    const r = rng(11);
    const pick = (alphabet: string[]) => alphabet[Math.floor(r() * alphabet.length)];
    const differ: string[] = [];
    for (let i = 0; i < 600; i++) {
      const line = (pick(['', '!', '/']) + Array.from({ length: 1 + Math.floor(r() * 6) }, () => pick(['a', 'b', '.', '/', '*', '**', '?', '**/'])).join('')).replace(/^!\//, '!');
      const path = Array.from({ length: 1 + Math.floor(r() * 8) }, () => pick(['a', 'b', '.', '/', 'ab'])).join('').replace(/^\/+|\/+$/g, '').replace(/\/+/g, '/') || 'a';
      const dir = tmp();
      writeFileSync(join(dir, '.dockerignore'), `a*\n${line}\n`);
      const ours = readDockerignore(dir).ignores(path);
      const theirs = ignore({ ignorecase: false }).add(`a*\n${line}\n`).ignores(path);
      if (ours !== theirs) differ.push(`${JSON.stringify(line)} on ${path}: library ${theirs}, Drydock ${ours}`);
    }
    expect(differ, differ.slice(0, 10).join('\n')).toEqual([]);
  });
});

// Hashing is synchronous and fails fast (a whole-file read of 3 GB throws at once), so it runs in the test itself.
describe("a class run's change check reads each submission within the limits", () => {
  const hash = (path: string) => inputHash(Buffer.from('lab'), path, 1024 * 1024, 100);
  it('a 3 GB sparse file in a folder, and a 3 GB archive, are hashed without being read whole, and changes still show', async () => {
    const folder = tmp();
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\n');
    writeFileSync(join(folder, 'sparse'), '');
    truncateSync(join(folder, 'sparse'), 3 * 1024 ** 3);
    const before = hash(folder);
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\nUSER 1\n');
    const edited = hash(folder);
    expect(edited).not.toBe(before);
    truncateSync(join(folder, 'sparse'), 1024);
    expect(hash(folder)).not.toBe(edited);
    const archive = join(tmp(), 'big.tar.gz');
    writeFileSync(archive, '');
    truncateSync(archive, 3 * 1024 ** 3);
    const big = hash(archive);
    truncateSync(archive, 3 * 1024 ** 3 + 1);
    expect(hash(archive)).not.toBe(big);
  });
  it('a folder of more files than the limit is hashed up to the limit, and a change to the Dockerfile, or a cut down to the limit, still shows', async () => {
    const folder = tmp();
    mkdirSync(join(folder, 'f'));
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\n');
    for (let i = 0; i < 150; i++) writeFileSync(join(folder, 'f', String(i)), '');
    const before = hash(folder);
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\nUSER 1\n');
    const edited = hash(folder);
    expect(edited).not.toBe(before);
    // Down to the limit, every file counts again.
    for (let i = 50; i < 150; i++) rmSync(join(folder, 'f', String(i)));
    expect(hash(folder)).not.toBe(edited);
  });
  it('leaves .git out, as the copy that is graded does', async () => {
    const folder = tmp();
    writeFileSync(join(folder, 'Dockerfile'), 'FROM scratch\n');
    const before = hash(folder);
    mkdirSync(join(folder, '.git'));
    writeFileSync(join(folder, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    expect(hash(folder)).toBe(before);
  });
});
