// The deadline night, full size: 60 students (most right, a realistic share of the classic
// mistakes from the lab's variants and test fixtures, two hostile), graded COLD (a fresh
// scratch engine: base images present, build cache empty) with `-j 2`; then the same class
// with `-j 1`, over two engines (`--engine`, the scratch engine and the Docker 28 engine of
// $DRYDOCK_ENGINE28_HOST (scripts/engine28-up.sh prints it) or a second scratch engine) and as two shards merged. Every run
// must give every student a verdict and the same gradebook. Long: about an hour on 2 cores.
//   npx tsx bench/deadline.ts [students]
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Docker from 'dockerode';
import { connect } from '../graders/engine/connect';
import { ensureImages, normalizeRef } from '../graders/engine/images';
import { labBaseImages, loadLab } from '../graders/lab/load';
import { studentsPerHour } from '../graders/report/model';
import { copyImages, startScratchEngine, type ScratchEngine } from '../test/support/scratch-engine';
import { RIGHT_DOCKERFILES } from './make-class';
import { timedRun } from './measure';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = join(ROOT, 'labs/catalog-image');
const CLI = join(ROOT, 'bin/drydock.mjs');
const N = Number(process.argv[2] ?? 60);
const VARIANTS = join(LAB, 'variants');
const FIXTURES = join(ROOT, 'test/fixtures/submissions');

/** The classic mistakes, as often as a class makes them (per 60 students). */
const MISTAKES: [string, number][] = [
  [join(VARIANTS, 'copy-before-download'), 5],
  [join(VARIANTS, 'runs-as-root'), 3],
  [join(VARIANTS, 'oversized'), 2],
  [join(VARIANTS, 'shell-wrapper'), 2],
  [join(VARIANTS, 'stop-signal'), 2],
  [join(VARIANTS, 'build-fails'), 2],
  [join(VARIANTS, 'copied-shell'), 1],
  [join(FIXTURES, 'single-stage-root'), 2],
  [join(FIXTURES, 'shell-form-distroless'), 1],
];

function makeClass(): string {
  const dir = mkdtempSync(join(tmpdir(), 'drydock-deadline-class-'));
  const kinds: string[] = [];
  for (const [src, per60] of MISTAKES) for (let i = 0; i < Math.max(1, Math.round((per60 * N) / 60)); i++) kinds.push(src);
  const right = Object.keys(RIGHT_DOCKERFILES);
  const hostile = 2;
  let r = 0;
  while (kinds.length < N - hostile) kinds.push(`right:${right[r++ % right.length]}`);
  // Spread the mistakes through the class, as alphabetical ids would.
  const order = kinds.map((k, i) => ({ k, key: (i * 7919) % kinds.length })).sort((a, b) => a.key - b.key).map((x) => x.k);
  order.forEach((kind, i) => {
    const s = join(dir, `s${String(i + 1).padStart(3, '0')}`);
    cpSync(join(LAB, 'starter'), s, { recursive: true });
    if (kind.startsWith('right:')) {
      const spelling = kind.slice(6);
      if (spelling === 'reference') cpSync(join(LAB, 'solution/Dockerfile'), join(s, 'Dockerfile'));
      else writeFileSync(join(s, 'Dockerfile'), RIGHT_DOCKERFILES[spelling]);
    } else cpSync(join(kind, 'Dockerfile'), join(s, 'Dockerfile'));
    appendFileSync(join(s, 'main.go'), `\n// student ${i + 1}\n`);
  });
  // Hostile: a fork bomb in a RUN step, and a zip whose entry climbs out of the folder.
  const bomb = join(dir, `s${String(N - 1).padStart(3, '0')}`);
  cpSync(join(LAB, 'starter'), bomb, { recursive: true });
  cpSync(join(FIXTURES, 'fork-bomb-build/Dockerfile'), join(bomb, 'Dockerfile'));
  execFileSync('python3', ['-c', 'import sys,zipfile;z=zipfile.ZipFile(sys.argv[1],"w");z.writestr("Dockerfile","FROM scratch");z.writestr("../../escaped","x");z.close()', join(dir, `s${String(N).padStart(3, '0')}.zip`)]);
  return dir;
}

/** `part`: a shard's own run, which holds part of the class; only whole-class gradebooks are compared. */
const runs: { name: string; ms: number; out: string; part?: boolean }[] = [];
function grade(name: string, out: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const t = Date.now();
  const r = spawnSync(process.execPath, [CLI, 'grade', LAB, '--batch', cls, '--out', out, '-q', ...args], { env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = Date.now() - t;
  // Exit 2 is "some student ended as an infrastructure error": reported below, not a crash.
  if (r.status !== 0 && r.status !== 2) throw new Error(`${name}: exit ${r.status}\n${r.stderr}`);
  runs.push({ name, ms, out });
  process.stderr.write(`${name}: ${(ms / 1000).toFixed(0)} s (load ${loadavg().map((l) => l.toFixed(1)).join(' ')})\n`);
}

const lab = loadLab(LAB);
const refs = labBaseImages(lab).map(normalizeRef);
const main = connect();
await ensureImages(main, refs);
const cls = makeClass();
const work = mkdtempSync(join(tmpdir(), 'drydock-deadline-out-'));
const scratch: ScratchEngine = await startScratchEngine('deadline');
let second: ScratchEngine | undefined;
let secondUrl: string;
const e28 = process.env.DRYDOCK_ENGINE28_HOST ?? '';
const loaded: string[] = [];
try {
  await copyImages(main, scratch.docker, refs);
  // Cold means an empty build cache: say so rather than trust it.
  const cached = (await scratch.docker.df()).BuildCache?.length ?? 0;
  if (cached) throw new Error(`the scratch engine's build cache holds ${cached} records: not a cold start`);
  const load0 = loadavg();

  // 1. Cold, -j 2: the deadline figure.
  grade('cold, -j 2', join(work, 'cold-j2'), ['-j', '2'], { DOCKER_HOST: scratch.host });
  // 2. The same class, -j 1 (warm now: the gradebook must not depend on it).
  grade('-j 1', join(work, 'j1'), ['-j', '1'], { DOCKER_HOST: scratch.host });

  // 3. Over two engines, one student at a time on each.
  if (e28) {
    secondUrl = e28;
    const d28 = new Docker({ socketPath: e28.replace(/^unix:\/\//, '') });
    const have = new Set((await d28.listImages()).flatMap((i) => i.RepoTags ?? []));
    const missing = refs.filter((r) => !have.has(r));
    if (missing.length) {
      await copyImages(main, d28, missing);
      loaded.push(...missing);
    }
  } else {
    second = await startScratchEngine('deadline-2');
    await copyImages(main, second.docker, refs);
    secondUrl = second.host;
  }
  grade('two engines (--engine ×2, jobs=1 each)', join(work, 'engines'), ['--engine', `${scratch.host}#jobs=1&name=scratch`, '--engine', `${secondUrl}#jobs=1&name=${e28 ? 'docker28' : 'scratch2'}`]);

  // 4. Two shards, one after another, then merged.
  const shardMs = [1, 2].map((i) => {
    grade(`shard ${i}/2, -j 2`, join(work, `shard${i}`), ['-j', '2', '--shard', `${i}/2`], { DOCKER_HOST: scratch.host });
    runs.at(-1)!.part = true;
    return runs.at(-1)!.ms;
  });
  const mergeMs = timedRun(process.execPath, [CLI, 'gradebook', 'merge', '--out', join(work, 'merged'), '-q', join(work, 'shard1'), join(work, 'shard2')]);
  runs.push({ name: 'two shards merged', ms: shardMs[0] + shardMs[1] + mergeMs, out: join(work, 'merged') });

  const gradebook = (out: string) => readFileSync(join(out, 'gradebook.csv'), 'utf8');
  const reference = gradebook(runs[0].out);
  const statuses = (csv: string) => {
    const counts = new Map<string, number>();
    for (const line of csv.trim().split('\n').slice(1)) counts.set(line.split(',').at(-1)!, (counts.get(line.split(',').at(-1)!) ?? 0) + 1);
    return [...counts].map(([k, v]) => `${v} ${k}`).join(', ');
  };
  const retried = (out: string) => {
    const m = JSON.parse(readFileSync(join(out, 'shard.json'), 'utf8')) as { students: { retried?: string }[] };
    return m.students.filter((s) => s.retried).length;
  };
  console.log(`\nThe deadline night: ${N} catalog students, ${new Date().toISOString().slice(0, 10)}, 2 cores; load average before ${load0.map((l) => l.toFixed(1)).join(' ')}, after ${loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
  console.log(`${'run'.padEnd(40)} ${'seconds'.padStart(8)} ${'students/h'.padStart(11)}  ${'same gradebook'.padEnd(15)} retried  verdicts`);
  for (const r of runs) {
    const csv = gradebook(r.out);
    const same = r.part ? '(part)' : csv === reference ? 'yes' : 'NO';
    const graded = r.part ? csv.trim().split('\n').length - 1 : N;
    console.log(`${r.name.padEnd(40)} ${(r.ms / 1000).toFixed(0).padStart(8)} ${String(studentsPerHour(graded, r.ms)).padStart(11)}  ${same.padEnd(15)} ${String(r.name === 'two shards merged' ? retried(join(work, 'shard1')) + retried(join(work, 'shard2')) : retried(r.out)).padStart(7)}  ${statuses(csv)}`);
  }
  const bad = runs.filter((r) => !r.part && gradebook(r.out) !== reference);
  for (const r of bad) {
    const diff = spawnSync('diff', [join(runs[0].out, 'gradebook.csv'), join(r.out, 'gradebook.csv')], { encoding: 'utf8' }).stdout;
    console.log(`\n${r.name} differs from the cold -j 2 gradebook:\n${diff}`);
  }
  console.log(`\nresults kept in ${work}`);
  if (bad.length || /infrastructure error/.test(reference)) process.exitCode = 1;
} finally {
  await scratch.stop();
  await second?.stop();
  if (loaded.length) {
    const d28 = new Docker({ socketPath: e28.replace(/^unix:\/\//, '') });
    for (const ref of loaded) await d28.getImage(ref).remove().catch(() => {});
  }
  mkdirSync(work, { recursive: true });
}
