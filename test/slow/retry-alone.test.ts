// The deadline night: a student whose grading hit trouble that is not theirs (here a build
// time limit run out while the machine was saturated) is graded again alone after the
// class, and ends with the verdicts a quiet run gives. On a fresh scratch engine whose
// builds run in their own cgroup, so the CPU hog starves only them.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeBatch } from '../../graders/class/batch';
import { connect } from '../../graders/engine/connect';
import { ensureImages, normalizeRef } from '../../graders/engine/images';
import { gradeSubmission, type Report } from '../../graders/grade/grade';
import { labBaseImages, type Lab } from '../../graders/lab/load';
import { fastLab, LAB_DIR } from '../support/helpers';
import { copyImages, startScratchEngine, type ScratchEngine } from '../support/scratch-engine';

const CGROUP = `drydock-retry-${process.pid}`;
const CPU = `/sys/fs/cgroup/cpu/${CGROUP}`;
const base = fastLab();
// Generous: a cold compile on a busy 2-core machine may take minutes, and the time limit has its own case below.
const lab: Lab = { ...base, limits: { ...base.limits, buildTimeoutSeconds: 1200 } };
let engine: ScratchEngine;
let quiet: Record<string, string>;
/** Seconds a warm student's build took alone (dependency layers cached, its own compile). */
let warmBuild: number;

const verdicts = (r: Report) => Object.fromEntries(r.checks.map((c) => [c.id, `${c.status} ${c.score}`]));

/** Two students, the solution each with its own main.go edit, so every batch compiles afresh. */
function makeClass(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `drydock-retry-${tag}-`));
  for (const id of ['ann', 'bo']) {
    cpSync(join(LAB_DIR, 'starter'), join(dir, id), { recursive: true });
    cpSync(join(LAB_DIR, 'solution/Dockerfile'), join(dir, id, 'Dockerfile'));
    writeFileSync(join(dir, id, 'main.go'), `${readFileSync(join(dir, id, 'main.go'), 'utf8')}\n// ${tag} ${id} ${Date.now()}\n`);
  }
  return dir;
}

/** Busy loops that take nearly all the CPU the engine's builds may use: a machine saturated for them alone. */
function cpuHog(): { stop: () => void } {
  mkdirSync(`${CPU}/hog`, { recursive: true });
  // The engine's cgroup gets half a core in all; the hog's share of it is 256 times the builds'.
  writeFileSync(`${CPU}/cpu.cfs_quota_us`, '50000');
  writeFileSync(`${CPU}/hog/cpu.shares`, '262144');
  const loops: ChildProcess[] = [0, 1].map(() => spawn('sh', ['-c', 'while :; do :; done'], { stdio: 'ignore' }));
  for (const p of loops) writeFileSync(`${CPU}/hog/cgroup.procs`, String(p.pid));
  let stopped = false;
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      for (const p of loops) p.kill('SIGKILL');
      writeFileSync(`${CPU}/cpu.cfs_quota_us`, '-1');
    },
  };
}

beforeAll(async () => {
  const main = connect();
  const refs = labBaseImages(lab).map(normalizeRef);
  await ensureImages(main, refs);
  mkdirSync(CPU, { recursive: true });
  engine = await startScratchEngine('retry-alone', { cgroupParent: `/${CGROUP}` });
  await copyImages(main, engine.docker, refs);
  // The quiet run: the solution graded alone (it also fills the engine's dependency cache, as the first student would).
  quiet = verdicts(await gradeSubmission(lab, join(makeClass('quiet'), 'ann'), { docker: engine.docker }));
  expect(Object.values(quiet).every((v) => v.startsWith('pass')), JSON.stringify(quiet)).toBe(true);
  const warm = await gradeSubmission(lab, join(makeClass('warm'), 'ann'), { docker: engine.docker });
  expect(verdicts(warm)).toEqual(quiet);
  warmBuild = warm.phases.find((p) => p.name === 'build')!.ms / 1000;
}, 2_400_000);

afterAll(async () => {
  await engine?.stop();
  // The engine made the cgroup in every controller: remove them all, deepest first, once its last processes are gone.
  for (let i = 0; i < 20; i++) {
    if (spawnSync('sh', ['-c', `for d in /sys/fs/cgroup/*/${CGROUP}; do [ -e "$d" ] || continue; find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || exit 1; done`]).status === 0) break;
    await new Promise((r) => setTimeout(r, 500));
  }
});

describe('graded again alone after the class', () => {
  it('a build timeout under a CPU hog: both students are retried alone and end as the quiet run', async () => {
    // A limit three times what a student's build took alone just now: met alone, never met starved.
    const limit = Math.ceil(Math.max(60, 3 * warmBuild));
    const timed: Lab = { ...lab, limits: { ...lab.limits, buildTimeoutSeconds: limit } };
    const hog = cpuHog();
    const set: string[] = [];
    const out = mkdtempSync(join(tmpdir(), 'drydock-retry-hog-out-'));
    let r;
    try {
      r = await gradeBatch(timed, makeClass('hog'), out, {
        docker: engine.docker,
        jobs: 2,
        // The hog ends when both students are set aside: the retry runs on a quiet machine.
        onRetry: (s, why) => {
          set.push(`${s.id}: ${why}`);
          if (set.length === 2) hog.stop();
        },
      });
    } finally {
      hog.stop();
    }
    expect(set.sort()).toEqual([
      `ann: build: the build did not finish within the ${limit} s limit, while 1 other student was grading`,
      `bo: build: the build did not finish within the ${limit} s limit, while 1 other student was grading`,
    ]);
    for (const o of r.outcomes) {
      expect(verdicts(o.report!), o.student.id).toEqual(quiet);
      expect(o.tries!.map((t) => [t.status, t.alone])).toEqual([['failed', false], ['graded', true]]);
    }
    expect(readFileSync(join(out, 'summary.html'), 'utf8')).toMatch(/2 student\(s\) hit an infrastructure error or a time limit .*; 2 got a verdict, 0 failed again alone/);
  }, 3_600_000);
});
