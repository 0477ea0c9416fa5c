// A grade must depend on the submission alone: not on the engine's cache, not
// on who is graded beside it. Run on a throwaway second engine (its own data
// root, so its build cache starts empty, as on a fresh grading server) rather
// than by pruning the main engine's cache, which other builds may share.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeBatch, type BatchResult } from '../../graders/class/batch';
import { connect, MANAGED_LABEL } from '../../graders/engine/connect';
import { gradeSubmission, type Report } from '../../graders/grade/grade';
import { ensureImages, normalizeRef } from '../../graders/engine/images';
import { labBaseImages } from '../../graders/lab/load';
import { fastLab, FIXTURES, LAB_DIR } from '../support/helpers';
import { copyImages, startScratchEngine, type ScratchEngine } from '../support/scratch-engine';

// A generous build limit: this test is about cache verdicts, and cold compiles on a busy
// two-core machine may take minutes; the time limit has tests of its own.
const fast = fastLab();
const lab = { ...fast, limits: { ...fast.limits, buildTimeoutSeconds: 1200 } };
let engine: ScratchEngine;
let classDir: string;
let coldBatch: BatchResult;

const verdicts = (r: Report) => Object.fromEntries(r.checks.map((c) => [c.id, `${c.status} ${c.score}`]));
const reportOf = (b: BatchResult, id: string) => b.outcomes.find((o) => o.student.id === id)!.report!;

/**
 * Four students whose build stages begin alike, so BuildKit shares their
 * context-free steps: the solution, the solution with another main.go, the
 * solution with a slower build (so it is still building when the others'
 * cache probes run) and a copy-before-download mistake.
 */
function makeClass(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-cold-class-'));
  const solution = readFileSync(join(LAB_DIR, 'solution/Dockerfile'), 'utf8');
  const student = (id: string, dockerfile: string, note = '') => {
    mkdirSync(join(dir, id));
    cpSync(join(LAB_DIR, 'starter'), join(dir, id), { recursive: true });
    writeFileSync(join(dir, id, 'Dockerfile'), dockerfile);
    if (note) writeFileSync(join(dir, id, 'main.go'), `${readFileSync(join(dir, id, 'main.go'), 'utf8')}\n// ${note}\n`);
  };
  student('alice', solution);
  student('bob', solution.replace('COPY . .\n', 'COPY . .\nRUN sleep 30\n'), 'bob');
  student('carol', solution, 'carol');
  cpSync(join(FIXTURES, 'copy-before-download'), join(dir, 'dave'), { recursive: true });
  return dir;
}

async function managedLeft() {
  const [containers, images] = await Promise.all([
    engine.docker.listContainers({ all: true, filters: { label: [MANAGED_LABEL] } }),
    engine.docker.listImages({ filters: { label: [MANAGED_LABEL] } }),
  ]);
  return containers.length + images.filter((i) => !i.Labels?.['io.drydock.stand-in']).length;
}

beforeAll(async () => {
  const main = connect();
  const refs = labBaseImages(lab).map(normalizeRef);
  await ensureImages(main, refs);
  engine = await startScratchEngine('cold-cache');
  await copyImages(main, engine.docker, refs);
  classDir = makeClass();
  coldBatch = await gradeBatch(lab, classDir, mkdtempSync(join(tmpdir(), 'drydock-cold-out-')), { docker: engine.docker, jobs: 2 });
}, 1_200_000);

afterAll(async () => {
  await engine?.stop();
});

describe('a fresh engine, -j 2, students sharing a build stage', () => {
  it('gives the solution and its honest copies full marks', () => {
    for (const id of ['alice', 'bob', 'carol']) {
      const r = reportOf(coldBatch, id);
      expect(r.checks.filter((c) => c.status !== 'pass').map((c) => `${id} ${c.id}: ${c.summary}`)).toEqual([]);
      expect(r.score).toBe(r.maxScore);
    }
    expect(verdicts(reportOf(coldBatch, 'dave'))['cache-hit']).toBe('fail 0');
  });

  it('gives every student the verdicts a single grade on the warm engine gives', async () => {
    for (const id of ['alice', 'bob', 'carol', 'dave']) {
      const alone = await gradeSubmission(lab, join(classDir, id), { docker: engine.docker });
      expect(verdicts(reportOf(coldBatch, id)), id).toEqual(verdicts(alone));
    }
  });

  it('repeats: the solution graded cold beside neighbours, warm alone, warm beside neighbours and cold alone reads the same', async () => {
    const coldBeside = verdicts(reportOf(coldBatch, 'alice'));
    const warmAlone = verdicts(await gradeSubmission(lab, join(classDir, 'alice'), { docker: engine.docker }));
    const warmBeside = verdicts(reportOf(await gradeBatch(lab, classDir, mkdtempSync(join(tmpdir(), 'drydock-warm-out-')), { docker: engine.docker, jobs: 2 }), 'alice'));
    // This engine is the test's own: clearing its whole cache disturbs nobody.
    // (dockerode's pruneBuilder sends no query, so `all` would not reach the engine: the CLI does.)
    execFileSync('docker', ['-H', engine.host, 'builder', 'prune', '-af'], { stdio: 'ignore' });
    const coldAloneReport = await gradeSubmission(lab, join(classDir, 'alice'), { docker: engine.docker });
    const coldAlone = verdicts(coldAloneReport);
    const why = coldAloneReport.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id}: ${c.summary}\n${c.evidence.join('\n')}`).join('\n');
    expect([warmAlone, warmBeside, coldAlone], why).toEqual([coldBeside, coldBeside, coldBeside]);
  }, 900_000);

  it('a build cache lost between build and probe is seen (probed again, or graded again alone) and the student ends as a quiet run', async () => {
    const quiet = verdicts(await gradeSubmission(lab, join(classDir, 'carol'), { docker: engine.docker }));
    const set: string[] = [];
    let lost = false;
    const b = await gradeBatch(lab, classDir, mkdtempSync(join(tmpdir(), 'drydock-lost-out-')), {
      docker: engine.docker,
      jobs: 1,
      regrade: true,
      // Carol's first probe finds the engine's cache gone, as after a \`docker builder prune\` or BuildKit's
      // own garbage collection between two builds: the onPhase call blocks until the prune is done.
      onPhase: (s, phase) => {
        if (s.id !== 'carol' || phase !== 'probe' || lost) return;
        lost = true;
        execFileSync('docker', ['-H', engine.host, 'builder', 'prune', '-af'], { stdio: 'ignore' });
      },
      onRetry: (s, why) => set.push(`${s.id}: ${why}`),
    });
    expect(lost).toBe(true);
    const carol = b.outcomes.find((o) => o.student.id === 'carol')!;
    expect(verdicts(carol.report!)).toEqual(quiet);
    // The loss was seen and handled, not missed: either the grading's second probe found the steps
    // cached again, or (when the second probe also re-ran them) the student was graded again alone.
    const evidence = carol.report!.checks.find((c) => c.id === 'cache-hit')!.evidence.join('\n');
    if (set.length) {
      expect(set).toEqual([expect.stringMatching(/^carol: cache-hit: /)]);
      expect(carol.tries!.map((t) => [t.status, t.alone])).toEqual([['infrastructure error', true], ['graded', true]]);
      expect(carol.report!.notes.join('\n')).toMatch(/graded again alone after the rest of the class: the first attempt ended with cache-hit: .*this is the result of that second grading/);
    } else {
      expect(evidence).toMatch(/the first probe reported .* as re-run although nothing it reads had changed; probed again/);
    }
  }, 900_000);

  it('leaves nothing of its own in the engine', async () => {
    expect(await managedLeft()).toBe(0);
  });
});
