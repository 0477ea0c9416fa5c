// One class graded as 3 shards (one after another, and at once as 3 processes on this
// machine's engine), merged: the same gradebook as one unsharded batch. The class is cheap
// on purpose: solution copies share one cached compile, the rest fail before compiling.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradeBatch, type BatchResult, type ShardManifest } from '../../graders/class/batch';
import { connect } from '../../graders/engine/connect';
import { runObjects } from '../support/run-objects';
import { shardOf } from '../../graders/class/shard';
import { drydock, engineInventory, expectEngineUnchanged, fastLab, FIXTURES, LAB_DIR, ROOT } from '../support/helpers';

const docker = connect();
const lab = fastLab();
let before: Awaited<ReturnType<typeof engineInventory>>;
let earlier: string[]; // labelled leftovers of runs killed before this file began
let classDir: string;
let roster: string;
let whole: BatchResult;
let wholeOut: string;
let seqOut: string[];
let parOut: string[];
let parCodes: (number | null)[];
const tmp = (p: string) => mkdtempSync(join(tmpdir(), `drydock-${p}-`));

// ids chosen so that every shard of 3 holds a solution, a failed build and more (see shardOf).
const SOLUTION = ['ada', 'ben', 'eli'];
const BUILD_FAILS = ['cy', 'dee', 'hal', 'kim'];
const EMPTY = ['fay', 'jo'];
const NO_DOCKERFILE = ['lou'];
const MISSING = ['ned']; // on the roster, no submission

function makeClass(): string {
  const dir = tmp('shard-class');
  for (const id of SOLUTION) {
    cpSync(join(LAB_DIR, 'starter'), join(dir, id), { recursive: true });
    cpSync(join(LAB_DIR, 'solution/Dockerfile'), join(dir, id, 'Dockerfile'));
  }
  for (const id of BUILD_FAILS) cpSync(join(FIXTURES, 'build-fails'), join(dir, id), { recursive: true });
  for (const id of EMPTY) mkdirSync(join(dir, id));
  for (const id of NO_DOCKERFILE) cpSync(join(ROOT, 'test/fixtures/class/frank'), join(dir, id), { recursive: true });
  return dir;
}

function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/drydock.mjs'), ...args], { cwd: ROOT, env: { ...process.env, FORCE_COLOR: '0', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

const manifest = (dir: string): ShardManifest => JSON.parse(readFileSync(join(dir, 'shard.json'), 'utf8'));
const gradebook = (dir: string) => readFileSync(join(dir, 'gradebook.csv'), 'utf8');

beforeAll(async () => {
  before = await engineInventory(docker);
  earlier = await runObjects(docker);
  classDir = makeClass();
  roster = join(tmp('shard-roster'), 'roster.csv');
  // Roster order is not alphabetical: the merged gradebook must keep it.
  writeFileSync(roster, 'id,name,email\nned,Ned N,ned@example.edu\neli,"Eli, Jr.",eli@example.edu\nada,Ada A,ada@example.edu\n');
  wholeOut = tmp('shard-whole');
  whole = await gradeBatch(lab, classDir, wholeOut, { docker, jobs: 2, rosterFile: roster });
  seqOut = [];
  for (const index of [1, 2, 3]) {
    const out = tmp(`shard-seq${index}`);
    await gradeBatch(lab, classDir, out, { docker, jobs: 2, rosterFile: roster, shard: { index, count: 3, source: '--shard' } });
    seqOut.push(out);
  }
  // At once, as three CI jobs would: one by --shard, one by GitLab's variables, one by a Kubernetes index.
  parOut = [1, 2, 3].map((i) => tmp(`shard-par${i}`));
  const common = (i: number) => ['grade', LAB_DIR, '--batch', classDir, '--out', parOut[i - 1], '--roster', roster, '-j', '1'];
  const runs = await Promise.all([
    cli([...common(1), '--shard', '1/3']),
    cli(common(2), { CI_NODE_INDEX: '2', CI_NODE_TOTAL: '3' }),
    cli([...common(3), '--shards', '3'], { JOB_COMPLETION_INDEX: '2' }),
  ]);
  parCodes = runs.map((r) => r.code);
  for (const r of runs) if (r.code !== 0) console.error(r.stderr);
}, 1_200_000);

afterAll(async () => {
  // The shared engine may hold others' labelled objects (a stand-in's container inherits its label):
  // compare the lists, and look for this run's kind of leftover, an object with a run id.
  const after = await engineInventory(docker);
  expectEngineUnchanged(before, { ...after, managed: 0 });
  expect(await runObjects(docker, earlier)).toEqual([]);
});

describe('a class in 3 shards', () => {
  it('gives each student exactly one shard, stable and by the hash of the id', () => {
    expect(parCodes).toEqual([0, 0, 0]);
    const all = [...SOLUTION, ...BUILD_FAILS, ...EMPTY, ...NO_DOCKERFILE, ...MISSING];
    const seen = seqOut.flatMap((d) => manifest(d).students.map((s) => s.id)).sort();
    expect(seen).toEqual([...all].sort());
    for (const [i, d] of seqOut.entries()) {
      const m = manifest(d);
      expect(m.shard).toEqual({ index: i + 1, count: 3, source: '--shard' });
      expect(m.students.length).toBeGreaterThanOrEqual(3);
      for (const s of m.students) expect(shardOf(s.id, 3), s.id).toBe(i + 1);
      // The same students in the same shard when three processes ran it at once.
      expect(manifest(parOut[i]).students.map((s) => s.id)).toEqual(m.students.map((s) => s.id));
      expect(manifest(parOut[i]).lab.hash).toBe(manifest(wholeOut).lab.hash);
    }
    expect(manifest(parOut[1]).shard!.source).toMatch(/^CI_NODE_INDEX/);
    expect(manifest(parOut[2]).shard!.source).toMatch(/^JOB_COMPLETION_INDEX/);
    expect(readFileSync(join(seqOut[0], 'summary.html'), 'utf8')).toContain('Shard 1 of 3 (from --shard)');
  });

  it('merges, one after another or at once, into the gradebook of one unsharded batch', () => {
    const expected = gradebook(wholeOut);
    expect(expected.split('\n')[1]).toBe('ned,Ned N,ned@example.edu,,,,,,,,,100,missing');
    expect(expected).toContain('ada,Ada A,ada@example.edu,10,10,15,15,15,20,15,100,100,graded');
    expect(whole.outcomes).toHaveLength(11);
    for (const [name, dirs] of [['in sequence', seqOut], ['at once', parOut]] as const) {
      const out = tmp('shard-merged');
      const r = drydock(['gradebook', 'merge', '--out', out, '--roster', roster, ...[...dirs].reverse()]);
      expect(r.code, r.stderr).toBe(0);
      expect(gradebook(out), name).toBe(expected);
      // junit.xml: same suites in the same order (timings aside).
      const suites = (f: string) => [...readFileSync(f, 'utf8').matchAll(/<testsuite name="([^"]+)"[^>]*failures="(\d+)"/g)].map((m) => `${m[1]}:${m[2]}`);
      expect(suites(join(out, 'junit.xml')), name).toEqual(suites(join(wholeOut, 'junit.xml')));
      for (const id of [...SOLUTION, ...BUILD_FAILS, ...EMPTY, ...NO_DOCKERFILE]) {
        for (const f of ['report.json', 'feedback.md', 'feedback.html', 'results.json', 'build.log']) expect(existsSync(join(out, id, f)), `${id}/${f}`).toBe(true);
      }
      expect(existsSync(join(out, 'ned'))).toBe(false);
      const summary = readFileSync(join(out, 'summary.html'), 'utf8');
      expect(summary).toMatch(/<h2>Shards<\/h2>/);
      expect(summary).toContain('11 students: 3 graded, 7 failed to build or open, 0 infrastructure errors, 1 missing');
    }
  });

  it('refuses a shard given twice or missing, a student in two shards, mixed lab versions and roster students in no shard', () => {
    const out = tmp('shard-refused');
    const refuse = (args: string[], message: RegExp) => {
      const r = drydock(['gradebook', 'merge', '--out', out, ...args]);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(out, 'gradebook.csv'))).toBe(false);
    };
    refuse([seqOut[0], seqOut[1], seqOut[2], parOut[0]], /shard 1\/3 is given twice/);
    refuse([seqOut[0], seqOut[1]], /shard 3\/3 missing/);
    // A shard relabelled as another: its students are then graded twice.
    const relabelled = tmp('shard-relabelled');
    cpSync(seqOut[0], relabelled, { recursive: true });
    const m = manifest(relabelled);
    writeFileSync(join(relabelled, 'shard.json'), JSON.stringify({ ...m, shard: { ...m.shard, index: 2 } }));
    refuse([seqOut[0], relabelled, seqOut[2]], new RegExp(`student ${m.students[0].id} is graded twice`));
    const older = tmp('shard-older-lab');
    cpSync(seqOut[2], older, { recursive: true });
    writeFileSync(join(older, 'shard.json'), JSON.stringify({ ...manifest(older), lab: { ...manifest(older).lab, hash: '0'.repeat(64) } }));
    refuse([seqOut[0], seqOut[1], older], /different versions of the lab/);
    // A run stopped part-way (Ctrl-C, a killed pod) leaves its record marked interrupted until it ends.
    const stopped = tmp('shard-stopped');
    cpSync(seqOut[2], stopped, { recursive: true });
    writeFileSync(join(stopped, 'shard.json'), JSON.stringify({ ...manifest(stopped), interrupted: true }));
    refuse([seqOut[0], seqOut[1], stopped], /interrupted/);
    refuse([seqOut[0], seqOut[1], parOut[2].replace(/$/, '-nonexistent')], /not a Drydock batch result/);
    const bigger = join(tmp('shard-roster2'), 'roster.csv');
    writeFileSync(bigger, 'id\nada\nzoe\n');
    refuse(['--roster', bigger, ...seqOut], /roster are in no shard: zoe/);
    refuse([join(seqOut[0]), join(seqOut[1]), join(tmp('shard-empty'))], /no shard\.json/);
  });

  it('resumes per shard: a re-run of a shard keeps what it graded', async () => {
    const again = await gradeBatch(lab, classDir, seqOut[1], { docker, jobs: 2, rosterFile: roster, shard: { index: 2, count: 3, source: '--shard' } });
    expect(again.outcomes.filter((o) => o.student.path).every((o) => o.reused)).toBe(true);
    expect(again.outcomes.map((o) => o.student.id)).toEqual(manifest(seqOut[1]).students.map((s) => s.id));
  });
});
