// Sharded class grading on this machine: one batch (1 shard) versus the same class as
// 3 shards graded at once by 3 processes, then merged; each mode on its own fresh copy of
// the class (a unique line per student's main.go), so no mode profits from another's
// compiles. Prints students per hour, and the EXPECTED rate for N machines (one shard each),
// computed from the measured one-machine rate and the hash partition's largest shard for a
// class of 400: not measured, since this bench has one machine.
//   npx tsx bench/shards.ts [students]
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { shardOf } from '../graders/class/shard';
import { studentsPerHour } from '../graders/report/model';
import { makeClass as makeClassOf } from './make-class';
import { timedRun } from './measure';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = join(ROOT, 'labs/catalog-image');
const CLI = join(ROOT, 'bin/drydock.mjs');
const N = Number(process.argv[2] ?? 9);
const SHARDS = 3;

const makeClass = (mode: string) => makeClassOf('drydock-shards', mode, N);

const run = (args: string[]) =>
  new Promise<void>((ok, fail) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) => (code === 0 ? ok() : fail(new Error(`drydock ${args.join(' ')} exited ${code}\n${err}`))));
  });

const perHour = studentsPerHour;

// 1 shard: the whole class in one batch, -j 2 (this machine's default).
const one = makeClass('one');
const oneMs = timedRun(process.execPath, [CLI, 'grade', LAB, '--batch', one, '--out', join(one, '..', 'results-one'), '-j', '2', '-q']);
process.stderr.write(`1 shard: ${(oneMs / 1000).toFixed(1)} s\n`);

// 3 shards at once on this machine (as 3 CI jobs would run on 3 machines), -j 1 each, then the merge.
const three = makeClass('three');
const t = process.hrtime.bigint();
const outs = Array.from({ length: SHARDS }, (_, i) => join(three, '..', `results-shard-${i + 1}`));
await Promise.all(outs.map((out, i) => run(['grade', LAB, '--batch', three, '--out', out, '--shard', `${i + 1}/${SHARDS}`, '-j', '1', '-q'])));
const gradeMs = Number(process.hrtime.bigint() - t) / 1e6;
const mergeMs = timedRun(process.execPath, [CLI, 'gradebook', 'merge', '--out', join(three, '..', 'merged'), '-q', ...outs]);
const threeMs = gradeMs + mergeMs;
process.stderr.write(`${SHARDS} shards at once: ${(gradeMs / 1000).toFixed(1)} s + merge ${(mergeMs / 1000).toFixed(1)} s\n`);
const sizes = Array.from({ length: SHARDS }, (_, i) => Array.from({ length: N }, (_, j) => `student${String(j).padStart(2, '0')}`).filter((id) => shardOf(id, SHARDS) === i + 1).length);

console.log(`\nGrading a class of ${N} catalog submissions on this machine, ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`${'mode'.padEnd(46)} ${'seconds'.padStart(8)} ${'students/hour'.padStart(14)}`);
console.log(`${'1 shard (one batch, -j 2)'.padEnd(46)} ${(oneMs / 1000).toFixed(1).padStart(8)} ${perHour(N, oneMs).toFixed(0).padStart(14)}`);
console.log(`${`${SHARDS} shards at once here (-j 1 each) + merge`.padEnd(46)} ${(threeMs / 1000).toFixed(1).padStart(8)} ${perHour(N, threeMs).toFixed(0).padStart(14)}`);
console.log(`  shard sizes ${sizes.join('/')}, merge ${mergeMs.toFixed(0)} ms`);

// Expected, not measured: each shard on its own machine like this one, at the one-machine rate.
// The wall time is the largest shard's; the hash partition's largest shard for 400 ids is computed here.
const rate = perHour(N, oneMs);
const CLASS = 400;
const ids = Array.from({ length: CLASS }, (_, i) => `s${String(i).padStart(4, '0')}`);
console.log(`\nExpected for a class of ${CLASS}, one shard per machine at ${rate.toFixed(0)} students/hour each (not measured):`);
console.log(`${'machines'.padStart(8)} ${'largest shard'.padStart(14)} ${'expected minutes'.padStart(17)} ${'students/hour'.padStart(14)}`);
for (const m of [1, 2, 4, 8, 16]) {
  const largest = Math.max(...Array.from({ length: m }, (_, i) => ids.filter((id) => shardOf(id, m) === i + 1).length));
  const hours = largest / rate;
  console.log(`${String(m).padStart(8)} ${String(largest).padStart(14)} ${(hours * 60).toFixed(0).padStart(17)} ${(CLASS / hours).toFixed(0).padStart(14)}`);
}
