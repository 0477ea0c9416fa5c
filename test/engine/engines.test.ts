// One class across two real engines from this machine: the main engine and a throwaway second
// dockerd (test/support/scratch-engine.ts). Verdicts are those of one engine; a daemon killed
// mid-batch has its students moved to the other, never scored from it, never lost, never graded
// twice; what it left is removed once it answers again.
import Docker from 'dockerode';
import { cpSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeBatch, type BatchResult } from '../../graders/class/batch';
import { connect, RUN_LABEL } from '../../graders/engine/connect';
import { parseEngineSpec, type EngineSlot } from '../../graders/engine/specs';
import { ensureImages, normalizeRef } from '../../graders/engine/images';
import { labBaseImages } from '../../graders/lab/load';
import { drydock, engineInventory, expectEngineUnchanged, fastLab, FIXTURES, LAB_DIR } from '../support/helpers';
import { runObjects } from '../support/run-objects';
import { copyImages, startScratchEngine, type ScratchEngine } from '../support/scratch-engine';

const SCRATCH = 'drydock-engines';
const INDEX = 3; // its own bridge, apart from the cold-cache test's
const lab = fastLab();
const main = connect();
let scratch: ScratchEngine;
let before: Awaited<ReturnType<typeof engineInventory>>;
let earlier: string[]; // labelled leftovers of runs killed before this file began
let classDir: string;
let single: BatchResult;
let both: BatchResult;

const IDS = { s1: 'solution', s2: 'solution', s3: 'solution', s4: 'solution', b1: 'build-fails', b2: 'build-fails', e1: 'empty' } as const;

function makeClass(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-engines-class-'));
  for (const [id, kind] of Object.entries(IDS)) {
    if (kind === 'solution') {
      cpSync(join(LAB_DIR, 'starter'), join(dir, id), { recursive: true });
      cpSync(join(LAB_DIR, 'solution/Dockerfile'), join(dir, id, 'Dockerfile'));
    } else if (kind === 'build-fails') cpSync(join(FIXTURES, 'build-fails'), join(dir, id), { recursive: true });
    else mkdirSync(join(dir, id));
  }
  return dir;
}

const slots = (): EngineSlot[] => [
  { ...parseEngineSpec('unix:///var/run/docker.sock#jobs=1'), name: 'main', docker: main },
  { ...parseEngineSpec(`${scratch.host}#jobs=1`), name: 'second' },
];
const verdicts = (r: BatchResult) => Object.fromEntries(r.outcomes.map((o) => [o.student.id, [o.status, o.report?.checks.map((c) => `${c.id} ${c.status} ${c.score}`)]]));
const out = () => mkdtempSync(join(tmpdir(), 'drydock-engines-out-'));

beforeAll(async () => {
  before = await engineInventory(main);
  earlier = await runObjects(main);
  const refs = labBaseImages(lab).map(normalizeRef);
  await ensureImages(main, refs);
  scratch = await startScratchEngine(SCRATCH, { index: INDEX });
  await copyImages(main, scratch.docker, refs);
  classDir = makeClass();
  single = await gradeBatch(lab, classDir, out(), { docker: main, jobs: 2 });
  both = await gradeBatch(lab, classDir, out(), { engines: slots() });
}, 1_500_000);

afterAll(async () => {
  await scratch?.stop();
  const after = await engineInventory(main);
  expectEngineUnchanged(before, { ...after, managed: 0 });
  expect(await runObjects(main, earlier)).toEqual([]);
});

describe('a class across two engines', () => {
  it('gives the verdicts one engine gives, each student graded wholly on one engine', async () => {
    expect(verdicts(both)).toEqual(verdicts(single));
    expect(verdicts(single).s1[0]).toBe('graded');
    const by = Object.fromEntries(both.engines.map((e) => [e.name, e.graded]));
    expect(by.main + by.second).toBe(7); // every student has a verdict from one engine (the empty folder's is a failed build)
    expect(by.second).toBeGreaterThan(0);
    expect(by.main).toBeGreaterThan(0);
    for (const o of both.outcomes) expect(['main', 'second']).toContain(o.engine);
    expect(await runObjects(scratch.docker)).toEqual([]);
  });

  it('shows each engine\'s throughput in summary.html', async () => {
    const dir = out();
    await gradeBatch(lab, classDir, dir, { engines: slots() });
    const html = readFileSync(join(dir, 'summary.html'), 'utf8');
    expect(html).toMatch(/<h2>Engines<\/h2>/);
    expect(html).toMatch(/<td>second<\/td><td>1<\/td><td>\d+<\/td><td>\d+<\/td>/);
  });

  it('checks every engine in drydock doctor', () => {
    const ok = drydock(['doctor', '--engine', 'unix:///var/run/docker.sock', '--engine', `${scratch.host}#jobs=2`, LAB_DIR]);
    expect(ok.code, ok.stdout + ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/engine local .*Docker/);
    expect(ok.stdout).toMatch(new RegExp(`engine ${scratch.host.slice(7).replace(/[/.]/g, '\\$&')} .*2 at a time.*Docker`));
    const dead = drydock(['doctor', '--engine', 'unix:///var/run/docker.sock', '--engine', 'unix:///nonexistent/docker.sock']);
    expect(dead.code).toBe(2);
    expect(dead.stdout).toMatch(/nonexistent.*NOT REACHABLE/);
  });
});

/** Resolves when the scratch engine holds a grading run's objects (a built image or a probe container). */
async function whenGrading(): Promise<void> {
  const filters = JSON.stringify({ label: [RUN_LABEL] });
  for (;;) {
    const [c, i] = await Promise.all([scratch.docker.listContainers({ all: true, filters }).catch(() => []), scratch.docker.listImages({ filters }).catch(() => [])]);
    if (c.length + i.length) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('an engine that hangs mid-batch', () => {
  it('is declared lost by the heartbeat, its students move on; when it answers again its leftovers go and it takes students again', async () => {
    const pid = Number(readFileSync(`/run/drydock-scratch/${SCRATCH}/docker.pid`, 'utf8'));
    const events: string[] = [];
    const hung = whenGrading().then(() => process.kill(pid, 'SIGSTOP'));
    const r = await gradeBatch(lab, classDir, out(), {
      engines: slots(),
      regrade: true,
      onEngine: (n, e) => {
        events.push(`${n} ${e}`);
        // Wakes up soon after being declared lost, while the batch still grades the students moved off it
        // (engines are prepared once now, so a warm class is over in seconds).
        if (n === 'second' && e === 'down') setTimeout(() => process.kill(pid, 'SIGCONT'), 500);
      },
    });
    await hung;
    expect(events.slice(0, 2)).toEqual(['second down', 'second back']);
    const ids = r.outcomes.map((o) => o.student.id);
    expect([...ids].sort()).toEqual(Object.keys(IDS).sort());
    expect(verdicts(r)).toEqual(verdicts(single));
    expect(r.outcomes.filter((o) => o.requeued).length).toBeGreaterThan(0);
    // The abandoned grade and the leftovers are gone once it answers.
    for (let i = 0; i < 120 && (await runObjects(scratch.docker)).length; i++) await new Promise((res) => setTimeout(res, 500));
    expect(await runObjects(scratch.docker)).toEqual([]);
  });
});

describe('an engine killed mid-batch', () => {
  it('moves its students to the other engine: every student graded once, none scored from the dead engine; its leftovers go when it returns', async () => {
    const dir = out();
    const events: string[] = [];
    // Kill the second daemon as soon as it holds a grading run's objects (a built image or a probe container).
    let killed = false;
    const watch = (async () => {
      while (!killed) {
        const filters = JSON.stringify({ label: [RUN_LABEL] });
        const [c, i] = await Promise.all([
          scratch.docker.listContainers({ all: true, filters }).catch(() => []),
          scratch.docker.listImages({ filters }).catch(() => []),
        ]);
        if (c.length + i.length) {
          scratch.kill();
          killed = true;
          return;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const r = await gradeBatch(lab, classDir, dir, { engines: slots(), regrade: true, onEngine: (n, e) => events.push(`${n} ${e}`) });
    killed = true;
    await watch;
    expect(events).toContain('second down');
    const ids = r.outcomes.map((o) => o.student.id);
    expect(ids).toEqual([...new Set(ids)]);
    expect(ids.sort()).toEqual(Object.keys(IDS).sort());
    expect(verdicts(r)).toEqual(verdicts(single));
    // A student on the dying engine is moved off it when the heartbeat declares it lost, or, when its
    // build broke first (an infrastructure error), graded again alone after the class: on main either way.
    const moved = r.outcomes.filter((o) => o.requeued || o.retried);
    expect(moved.length).toBeGreaterThan(0);
    for (const o of moved) expect(o.engine).toBe('main');
    expect(r.engines.find((e) => e.name === 'second')).toMatchObject({ up: false });
    expect(readFileSync(join(dir, 'summary.html'), 'utf8')).toContain('not answering');

    // The daemon comes back (same data root): the killed run's objects are still there until the next run.
    await scratch.stop({ keepData: true });
    scratch = await startScratchEngine(SCRATCH, { index: INDEX, reuseData: true });
    expect((await runObjects(scratch.docker)).length).toBeGreaterThan(0);
    const again = await gradeBatch(lab, classDir, dir, { engines: slots() });
    expect(again.outcomes.every((o) => o.reused || !o.student.path)).toBe(true);
    expect(await runObjects(scratch.docker)).toEqual([]);
    expect(await runObjects(main, earlier)).toEqual([]);
  });
});
