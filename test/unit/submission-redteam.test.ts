// Found by the second red-team pass on issue 20's submission gate (each case failed on main):
// files an archive makes unreadable to a grader that is not root, a folder file that grows after
// its size was counted, zips refused without closing their descriptor, and control characters
// from a submission sent raw to the grader's terminal.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { openSubmission, SubmissionError } from '../../graders/submission/open';
import { renderTerminal } from '../../graders/report/terminal';
import type { Report } from '../../graders/report/model';

const made: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'drydock-redteam-'));
  made.push(d);
  return d;
};
afterAll(() => {
  for (const d of made) rmSync(d, { recursive: true, force: true });
});
const MB = 1024 * 1024;

/** A tar of [name, body, mode] files, written by Python's tarfile (modes exactly as given). */
function tarWithModes(file: string, entries: [string, string, number][]): string {
  const script = `import io,json,sys,tarfile
with tarfile.open(sys.argv[1],'w') as tf:
    for n,d,m in json.loads(sys.argv[2]):
        t=tarfile.TarInfo(n); b=d.encode(); t.size=len(b); t.mode=m; tf.addfile(t,io.BytesIO(b))`;
  execFileSync('python3', ['-c', script, file, JSON.stringify(entries)]);
  return file;
}

async function zipWithModes(file: string, entries: [string, string, number][]): Promise<string> {
  const z = new yazl.ZipFile();
  for (const [n, d, m] of entries) z.addBuffer(Buffer.from(d), n, { mode: 0o100000 | m });
  z.end();
  await new Promise<void>((res, rej) => z.outputStream.pipe(createWriteStream(file)).on('close', res).on('error', rej));
  return file;
}

describe('an archive cannot make its files unreadable to the grader', () => {
  // As root the grader reads a 0000 file anyway; as the unprivileged user the README describes, the
  // Dockerfile read threw a raw EACCES (an infrastructure error, never a grade) and a 0000 source
  // failed the context pack with "Premature close". Every file must end up readable by its owner.
  const entries: [string, string, number][] = [
    ['Dockerfile', 'FROM scratch\nCOPY . .\n', 0o000],
    ['main.go', 'package main\n', 0o200],
    ['go.mod', 'module x\n', 0o4755],
  ];
  for (const kind of ['tar', 'zip'] as const) {
    it(`${kind}: files of mode 0000 and 0200 are made readable, set-id bits cleared`, async () => {
      const dir = tmp();
      const file = kind === 'tar' ? tarWithModes(join(dir, 's.tar'), entries) : await zipWithModes(join(dir, 's.zip'), entries);
      const s = await openSubmission(file, { maxBytes: MB });
      try {
        for (const [name] of entries) {
          const mode = statSync(join(s.dir, name)).mode;
          expect(mode & 0o400, `${name} ${mode.toString(8)}`).toBe(0o400);
          expect(mode & 0o7000, `${name} ${mode.toString(8)}`).toBe(0);
        }
      } finally {
        s.dispose();
      }
    });
  }
});

describe('a folder file that grows after the grader counted it', () => {
  it.skipIf(process.platform !== 'linux')('is refused, and never copied past the budget (grown to 512 MB the moment it is opened)', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'Dockerfile'), 'FROM scratch\n');
    const big = join(dir, 'zbig');
    writeFileSync(big, '');
    const grower = spawn('python3', [join(import.meta.dirname, '../support/grow-on-open.py'), big, String(512 * MB)]);
    let said = '';
    await new Promise<void>((res, rej) => {
      grower.stdout.on('data', (c: Buffer) => {
        said += c.toString();
        if (said.includes('watching')) res();
      });
      grower.on('exit', (code) => rej(new Error(`grow-on-open exited ${code}`)));
    });
    const jail = tmp();
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = jail;
    let copied = -1;
    let reason = '';
    try {
      const s = await openSubmission(dir, { maxBytes: 4 * MB });
      copied = statSync(join(s.dir, 'zbig')).size;
      s.dispose();
    } catch (err) {
      if (!(err instanceof SubmissionError)) throw err;
      reason = err.reason;
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
      grower.kill();
    }
    // Before the fix the copy read to the end of the grown file: 512 MB written under a 4 MB budget.
    expect(copied).toBeLessThanOrEqual(4 * MB);
    if (copied < 0) expect(reason).toMatch(/zbig changed size \(0 bytes, then \d+\) while the grader copied it/);
    expect(readdirSync(jail)).toEqual([]);
  }, 60_000);
});

describe('a refused zip', () => {
  it.skipIf(!existsSync('/proc/self/fd'))('closes its file: 30 refused zips leave no descriptor open', async () => {
    const dir = tmp();
    const file = await zipWithModes(join(dir, 'twice.zip'), [['Dockerfile', 'FROM scratch\n', 0o644], ['Dockerfile', 'FROM scratch\n', 0o644]]);
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    for (let i = 0; i < 30; i++) await expect(openSubmission(file, { maxBytes: MB })).rejects.toThrow(/twice/);
    await new Promise((r) => setTimeout(r, 100));
    // Before the fix each refusal leaked one: a class of refused zips ran a long batch out of descriptors.
    expect(fds() - before).toBeLessThan(3);
  });
});

describe("a submission's control characters in the grader's terminal", () => {
  it('are shown as escapes, never sent: an entry named ESC]0;…BEL ESC[2J cannot retitle or clear the terminal', async () => {
    const name = '\u001b]0;pwned\u0007\u001b[2J\u001b[1A';
    const dir = tmp();
    const file = join(dir, 'evil.tar');
    execFileSync('python3', ['-c', `import io,sys,tarfile
with tarfile.open(sys.argv[1],'w') as tf:
    t=tarfile.TarInfo('Dockerfile'); b=b'FROM scratch\\n'; t.size=len(b); tf.addfile(t,io.BytesIO(b))
    t=tarfile.TarInfo(sys.argv[2]); t.type=tarfile.FIFOTYPE; tf.addfile(t)`, file, name]);
    const reason = await openSubmission(file, { maxBytes: MB }).then(
      () => '',
      (e: SubmissionError) => e.reason,
    );
    expect(reason).toContain(name);
    const report = {
      lab: 'catalog-image', submission: file, score: 0, maxScore: 10, durationMs: 1, phases: [], notes: [`note ${name}`],
      engine: { version: 'x', apiVersion: 'y', standIns: [] },
      checks: [{ id: 'build', title: 'The Dockerfile builds', status: 'fail', score: 0, maxScore: 10, summary: reason, evidence: [`log ${name}`], fix: 'f' }],
    } as unknown as Report;
    const out = renderTerminal(report);
    expect(out).not.toMatch(/\u001b\]|\u0007|\u001b\[2J|\u001b\[1A/);
    expect(out).toContain('\\x1b]0;pwned\\x07\\x1b[2J');
  });
});
