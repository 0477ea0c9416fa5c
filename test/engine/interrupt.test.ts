// Ctrl-C in the middle of a build: the engine is told to stop the build, and nothing the run made stays.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { connect } from '../../graders/engine/connect';
import { LAB_DIR, ROOT } from '../support/helpers';
import { runObjects } from '../support/run-objects';

const docker = connect();
const CLI = join(ROOT, 'bin/drydock.mjs');

/** Host processes whose command line holds `marker` (a local engine's build steps are host processes). */
function running(marker: string): boolean {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().length > 0;
  } catch {
    return false;
  }
}

async function until(what: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) if (what()) return true;
  return what();
}

/** A submission whose build runs one long step, so an interrupt always lands inside it. */
function slowSubmission(seconds: number): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-interrupt-'));
  writeFileSync(join(dir, 'Dockerfile'), `FROM golang:1.26-alpine\nRUN sleep ${seconds}\nUSER 65532\nENTRYPOINT ["/bin/true"]\n`);
  return dir;
}

async function interruptDuringBuild(args: string[], marker: string) {
  const earlier = await runObjects(docker);
  const child = spawn(process.execPath, [CLI, 'grade', LAB_DIR, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((r) => child.on('exit', r));
  expect(await until(() => running(marker), 180_000), `the build step never started:\n${stderr}`).toBe(true);
  const t = Date.now();
  child.kill('SIGINT');
  const code = await exited;
  return { code, stderr, ms: Date.now() - t, left: await runObjects(docker, earlier) };
}

describe('Ctrl-C during a build', () => {
  it('a single grade stops the build in the engine, removes what it made and exits 130', async () => {
    const seconds = 900 + Math.floor(Math.random() * 99);
    const r = await interruptDuringBuild([slowSubmission(seconds)], `sleep ${seconds}`);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('SIGINT received');
    expect(r.ms).toBeLessThan(40_000);
    expect(r.left).toEqual([]);
    // Told, not just abandoned: the step is gone, so no image can be exported after the sweep.
    expect(await until(() => !running(`sleep ${seconds}`), 15_000)).toBe(true);
  });

  it('a batch does the same for the student being built, and keeps nothing of theirs as graded', async () => {
    const seconds = 900 + Math.floor(Math.random() * 99);
    const dir = mkdtempSync(join(tmpdir(), 'drydock-interrupt-class-'));
    mkdirSync(join(dir, 'slow'));
    writeFileSync(join(dir, 'slow/Dockerfile'), `FROM golang:1.26-alpine\nRUN sleep ${seconds}\n`);
    const out = mkdtempSync(join(tmpdir(), 'drydock-interrupt-out-'));
    const r = await interruptDuringBuild(['--batch', dir, '--out', out, '-j', '1'], `sleep ${seconds}`);
    expect(r.code, r.stderr).toBe(130);
    expect(r.stderr).toContain('run the same command again to continue');
    expect(r.left).toEqual([]);
    expect(await until(() => !running(`sleep ${seconds}`), 15_000)).toBe(true);
    // Nothing was saved for the student: the next run grades them.
    expect(() => execFileSync('test', ['-e', join(out, 'slow', '.drydock-state.json')])).toThrow();
  });
});
