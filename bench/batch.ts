// Class throughput: the same class graded with `--batch -j 1`, `--batch -j 2`
// and a shell loop of single `drydock grade` commands, in one run. Each mode
// gets its own fresh copy of the class (a unique line per student's main.go),
// so no mode profits from another's compiles. Prints submissions per hour.
//   npx tsx bench/batch.ts [students]
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { KINDS, makeClass as makeClassOf } from './make-class';
import { timedRun } from './measure';
import { studentsPerHour } from '../graders/report/model';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = join(ROOT, 'labs/catalog-image');
const CLI = join(ROOT, 'bin/drydock.mjs');
const N = Number(process.argv[2] ?? 6);

const makeClass = (mode: string) => makeClassOf('drydock-class', mode, N);

const modes: { name: string; ms: number }[] = [];
for (const jobs of [1, 2]) {
  const cls = makeClass(`j${jobs}`);
  modes.push({ name: `drydock grade --batch -j ${jobs}`, ms: timedRun(process.execPath, [CLI, 'grade', LAB, '--batch', cls, '--out', join(cls, '..', `results-j${jobs}`), '-j', String(jobs), '-q']) });
  process.stderr.write(`${modes.at(-1)!.name}: ${(modes.at(-1)!.ms / 1000).toFixed(1)} s\n`);
}
const loopClass = makeClass('loop');
const loop = join(loopClass, '..', 'loop.sh');
writeFileSync(loop, `for s in "${loopClass}"/*/; do node "${CLI}" grade -q "${LAB}" "$s" --format json --out "$s/../$(basename "$s").json" || true; done\n`);
modes.push({ name: 'shell loop of single drydock grade', ms: timedRun('bash', [loop]) });
process.stderr.write(`${modes.at(-1)!.name}: ${(modes.at(-1)!.ms / 1000).toFixed(1)} s\n`);

const perHour = (ms: number) => studentsPerHour(N, ms);
console.log(`\nGrading a class of ${N} catalog submissions (${KINDS.slice(0, Math.min(N, KINDS.length)).join(', ')}…), ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`${'mode'.padEnd(38)} ${'seconds'.padStart(8)} ${'subs/hour'.padStart(10)}`);
for (const m of modes) console.log(`${m.name.padEnd(38)} ${(m.ms / 1000).toFixed(1).padStart(8)} ${perHour(m.ms).toFixed(0).padStart(10)}`);
const [j1, j2, sh] = modes.map((m) => m.ms);
console.log('');
console.log(`-j 2 vs -j 1          = ${(j1 / j2).toFixed(2)}x throughput`);
console.log(`-j 1 vs shell loop    = ${(sh / j1).toFixed(2)}x throughput`);
console.log(`-j 2 vs shell loop    = ${(sh / j2).toFixed(2)}x throughput`);
