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
  ['the URL through an ARG', () => `ARG SRC=${base}/arg.txt\n${FROM}ARG SRC\nADD $SRC /x\n`, 4, /the ADD source `\$SRC` contains quotes, a backslash or a variable/],
  ['a remote archive', () => `${FROM}ADD ${base}/data.tar.gz /data/\n`, 2, /fetches .*data\.tar\.gz/],
  ['a git URL', () => `${FROM}ADD ${base}/repo.git /repo\n`, 2, /fetches .*repo\.git/],
  ['an ONBUILD trigger in a parent stage', () => `${FROM}ONBUILD ADD ${base}/onbuild.txt /o\nFROM build\nRUN true\n`, 2, /ONBUILD registers an instruction/],
  ['a heredoc whose body an old engine reads as an instruction', () => `${FROM}COPY <<EOF /notes\nADD ${base}/heredoc.txt /h\nEOF\n`, 2, /COPY uses a heredoc/],
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

// Issue 20: forms BuildKit reads differently from a JavaScript parser. The first five were
// confirmed on Docker 20.10 (the server saw the request and \`build\` passed); the rest are one per family.
const misread: [string, () => string, number, RegExp][] = [
  ['confirmed: ADD continued onto a URL line', () => `${FROM}ADD go.mod \\\n${base}/continued.txt /probe/\n`, 2, /ADD continues over lines 2-3/],
  ['confirmed: a no-break space before ADD', () => `${FROM}\u00a0ADD ${base}/nbsp.txt /nbsp\n`, 2, /no-break space \(U\+00A0\)/],
  ['confirmed: ADD "http"://…', () => `${FROM}ADD "http"://${base.slice('http://'.length)}/quoted.txt /q\n`, 2, /ADD `"http":\/\/.*` contains quotes or a backslash/],
  // dockerfile-ast counted each lone CR as a line end and put the syntax directive on line 3; the blanking step
  // (and BuildKit) count LF only, so the grader blanked the `RUN echo \` on line 3 and the ADD under it was built.
  ['confirmed: a lone CR in an early comment shifts the # syntax blanking', () => `# x=y\r\r# syntax=docker/dockerfile:1\n${FROM}RUN echo \\\nADD ${base}/shifted.txt /s\n`, 1, /carriage return that does not end a line/],
  ['confirmed: # x=a<CR>b then a frontend on the loopback registry', () => `# x=a\rb\n# syntax=${base.slice('http://'.length)}/frontend\n${FROM}RUN true\n`, 1, /carriage return that does not end a line/],
  ['whitespace: a vertical tab between flags', () => `${FROM}COPY --chown=0:0\u000b--from=${FOREIGN} /etc/passwd /p\n`, 2, /vertical tab/],
  ['continuation: a line ending in an escaped backslash', () => `${FROM}ADD go.mod \\\\\n${base}/escaped.txt /probe/\n`, 2, /line 2 ends in more than one backslash/],
  ['escape directive: a backtick escape', () => `# escape=\`\n${FROM}ADD \`\n${base}/tick.txt /t\n`, 1, /can be read as a parser directive/],
  ['directives: one comment line holding three k=v pairs', () => `# a=1 b=2 c=3\n${FROM}ADD ${base}/kv.txt /kv\n`, 1, /can be read as a parser directive/],
  ['quoting: a backslash inside the scheme', () => `${FROM}ADD http\\://${base.slice('http://'.length)}/backslash.txt /b\n`, 2, /contains quotes or a backslash/],
  ['quoting: a JSON string that decodes to the URL', () => `${FROM}ADD ["h\\u0074tp://${base.slice('http://'.length)}/json.txt", "/j"]\n`, 2, /JSON form must be a plain array of strings without escapes/],
  ['variables: ${U:?m}', () => `${FROM}ARG U=${base}/required.txt\nADD \${U:?m} /r\n`, 3, /the ADD source `\$\{U:\?m\}` contains/],
  ['variables: expansion within one ENV', () => `${FROM}ENV A=${base}/env.txt\nENV A=safe B=\${A}\nADD $B /e\n`, 4, /the ADD source `\$B` contains/],
  ['stages: a mount from a stage number (an image named 0 to BuildKit 0.8)', () => `${FROM}FROM golang:1.26-alpine\nRUN --mount=from=0,target=/s true\n`, 3, /refers to a stage by its number/],
];

describe('refused before anything is built', () => {
  it.each([...refused, ...misread])('%s', async (_, dockerfile, line, message) => {
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
