// A student's Dockerfile cannot turn the grader against its host: every form
// that would make the engine fetch a URL, read a foreign image or get a
// network is refused before anything is built. A server on the host's
// loopback (which the engine's fetcher can reach) records every request.
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../graders/engine/connect';
import { gradeSubmission, reportExitCode, type Report } from '../../graders/grade/grade';
import { ensureImages } from '../../graders/engine/images';
import { labBaseImages, type Lab } from '../../graders/lab/load';
import { engineInventory, expectEngineUnchanged, fastLab, LAB_DIR } from '../support/helpers';

const docker = connect();
const SECRET = 'instance-credentials-7f3a';
const ALLOWED = 'the lab allows this file\n';
const requests: string[] = [];
let server: Server;
let base: string;
let lab: Lab;
let before: Awaited<ReturnType<typeof engineInventory>>;
// An image that is in the engine but not in the lab, as another course's or a solution image would be.
const FOREIGN = 'drydock-test/other-course:solution';

function submission(dockerfile: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-hostile-'));
  cpSync(join(LAB_DIR, 'starter'), dir, { recursive: true });
  writeFileSync(join(dir, 'Dockerfile'), dockerfile);
  return dir;
}
const grade = (dockerfile: string) => gradeSubmission(lab, submission(dockerfile), { docker });
const everything = (r: Report) => JSON.stringify(r);

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    res.end(req.url === '/allowed.txt' ? ALLOWED : `${SECRET}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const fast = fastLab();
  const sha256 = createHash('sha256').update(ALLOWED).digest('hex');
  lab = { ...fast, images: { ...fast.images, remoteSources: [{ url: `${base}/allowed.txt`, sha256 }] } };
  await ensureImages(docker, labBaseImages(lab));
  before = await engineInventory(docker);
  await docker.getImage('gcr.io/distroless/static:latest').tag({ repo: 'drydock-test/other-course', tag: 'solution' });
});

afterAll(async () => {
  await docker.getImage(FOREIGN).remove().catch(() => {});
  server.close();
  expectEngineUnchanged(before, await engineInventory(docker));
});

const FROM = 'FROM golang:1.26-alpine AS build\n';
const refused: [string, () => string, number, RegExp][] = [
  ['ADD of a loopback URL (the reported attack)', () => `${FROM}ADD ${base}/secret.txt /secret.txt\nRUN cat /secret.txt && false\n`, 2, /ADD fetches http:\/\/127\.0\.0\.1:\d+\/secret\.txt from the network/],
  ['the URL through an ARG', () => `ARG SRC=${base}/arg.txt\n${FROM}ARG SRC\nADD $SRC /x\n`, 4, /ADD \(\$SRC\) fetches/],
  ['a remote archive', () => `${FROM}ADD ${base}/data.tar.gz /data/\n`, 2, /fetches .*data\.tar\.gz/],
  ['a git URL', () => `${FROM}ADD ${base}/repo.git /repo\n`, 2, /fetches .*repo\.git/],
  ['an ONBUILD trigger in a parent stage', () => `${FROM}ONBUILD ADD ${base}/onbuild.txt /o\nFROM build\nRUN true\n`, 2, /fetches .*onbuild\.txt/],
  ['a heredoc whose body an old engine reads as an instruction', () => `${FROM}COPY <<EOF /notes\nADD ${base}/heredoc.txt /h\nEOF\n`, 3, /fetches .*heredoc\.txt/],
  ['RUN --network=host', () => `${FROM}RUN --network=host wget -qO- ${base}/net.txt\n`, 2, /--network=host asks for a network/],
  ['a secret mount', () => `${FROM}RUN --mount=type=secret,id=aws true\n`, 2, /asks the builder for a secret/],
  ['an SSH agent mount', () => `${FROM}RUN --mount=type=ssh true\n`, 2, /an SSH agent/],
  ['--security=insecure', () => `${FROM}RUN --security=insecure true\n`, 2, /outside the build sandbox/],
  ['a local image as the frontend', () => `# syntax=golang:1.26-alpine\n${FROM}RUN true\n`, 1, /frontend other than the official/],
  ['FROM an image of the engine that is not the lab\'s', () => `FROM ${FOREIGN}\nCOPY . .\n`, 1, /names the image "drydock-test\/other-course:solution"/],
  ['COPY --from that image', () => `${FROM}COPY --from=${FOREIGN} /etc/passwd /p\n`, 2, /COPY --from= names the image "drydock-test\/other-course:solution"/],
  ['RUN --mount from that image', () => `${FROM}RUN --mount=type=bind,from=${FOREIGN},target=/s cat /s/etc/passwd\n`, 2, /RUN --mount from= names the image/],
  ['an unknown flag', () => `${FROM}COPY --frobnicate=yes . .\n`, 2, /COPY --frobnicate is an option the grader does not accept/],
];

describe('refused before anything is built', () => {
  it.each(refused)('%s', async (_, dockerfile, line, message) => {
    const seen = requests.length;
    const r = await grade(dockerfile());
    const build = r.checks.find((c) => c.id === 'build')!;
    expect(build.status).toBe('fail');
    expect(build.summary).toMatch(new RegExp(`^refused before building: line ${line}: `));
    expect(build.summary).toMatch(message);
    expect(build.fix).toBeTruthy();
    expect(r.checks.filter((c) => c.id !== 'build').every((c) => c.status === 'skipped')).toBe(true);
    expect(r.phases.map((p) => p.name)).not.toContain('build');
    expect(reportExitCode(r)).toBe(1);
    // Nothing reached the server, and nothing from it reached the report.
    expect(requests.slice(seen)).toEqual([]);
    expect(everything(r)).not.toContain(SECRET);
  });
});

describe('allowed by the lab', () => {
  it('a URL the lab lists with its checksum builds, and the solution still scores full marks with it', async () => {
    const solution = readFileSync(join(LAB_DIR, 'solution/Dockerfile'), 'utf8');
    // In the final stage, so the solution's compile comes from the cache.
    const r = await grade(solution.replace('COPY --from=build /out/catalog /catalog\n', `COPY --from=build /out/catalog /catalog\nADD ${base}/allowed.txt /allowed.txt\n`));
    expect(r.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.summary}`)).toEqual([]);
    expect(requests).toContain('/allowed.txt');
  }, 600_000);

  it('a changed allowed file is an infrastructure error, not a grade', async () => {
    const changed = { ...lab, images: { ...lab.images, remoteSources: [{ url: `${base}/allowed.txt`, sha256: '0'.repeat(64) }] } };
    const r = await gradeSubmission(changed, submission(`${FROM}ADD ${base}/allowed.txt /a\n`), { docker });
    expect(r.checks.every((c) => c.status === 'error')).toBe(true);
    expect(r.checks[0].summary).toMatch(/its content now has sha256/);
    expect(reportExitCode(r)).toBe(2);
  });
});
