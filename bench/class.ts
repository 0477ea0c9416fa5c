// A realistic class against its builds alone, in one run. The class: N students, each the
// catalog starter with its own main.go edit and one of three common spellings of a right
// Dockerfile (bench/make-class.ts), graded with `drydock grade --batch -j 2` on a warm engine
// (base images present, each spelling's dependency layers cached, as after the first
// students). The peer: a plain BuildKit build of a fresh student's Dockerfile through the
// engine API (what `docker build` with BuildKit sends; the `# syntax` line dropped, as the
// grader does offline), nothing else running. Prints students per hour, the ratio
// class time / (N × one build alone), and where a grade's time goes, phase by phase.
//   npx tsx bench/class.ts [students]
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { connect, newRunId, removeRun, runLabels } from '../graders/engine/connect';
import { parseDockerfile, withoutSyntaxDirective } from '../graders/dockerfile/parse';
import { studentsPerHour } from '../graders/report/model';
import { contextTar } from '../graders/submission/context';
import { makeRightClass, RIGHT_DOCKERFILES } from './make-class';
import { timedRun } from './measure';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = join(ROOT, 'labs/catalog-image');
const CLI = join(ROOT, 'bin/drydock.mjs');
const N = Number(process.argv[2] ?? 12);
const SPELLINGS = Object.keys(RIGHT_DOCKERFILES).length;
const docker = connect();

const grade = (dir: string, out: string) => timedRun(process.execPath, [CLI, 'grade', LAB, '--batch', dir, '--out', out, '-j', '2', '-q']);

/** One build of a submission folder through the engine API with BuildKit, alone; its images removed after. */
async function buildAlone(dir: string): Promise<number> {
  const text = withoutSyntaxDirective(parseDockerfile(readFileSync(join(dir, 'Dockerfile'), 'utf8')));
  const runId = newRunId();
  const t = process.hrtime.bigint();
  const stream = (await docker.buildImage(contextTar(dir, { Dockerfile: text }) as unknown as string, { t: `drydock-bench/${runId}`, version: '2', labels: runLabels(runId) } as object)) as unknown as Readable;
  let error = '';
  await new Promise<void>((ok, fail) => {
    stream.on('data', (d: Buffer) => {
      for (const line of d.toString().split('\n')) if (line.includes('"error"')) error += line;
    });
    stream.on('end', ok);
    stream.on('error', fail);
  });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  await removeRun(docker, runId);
  if (error) throw new Error(`the floor build of ${dir} failed: ${error}`);
  return ms;
}

// Warm: one student per spelling graded first, as the first students of a class would be.
const warm = makeRightClass('drydock-bench-class-warm', SPELLINGS);
grade(warm, join(warm, 'results'));

// The floor: a fresh student of each spelling built alone.
const fresh = makeRightClass('drydock-bench-class-floor', SPELLINGS, 1000);
const floors: number[] = [];
for (const s of readdirSync(fresh).filter((n) => n.startsWith('student'))) floors.push(await buildAlone(join(fresh, s)));
const floor = floors.reduce((a, b) => a + b, 0) / floors.length;
process.stderr.write(`one build alone: ${floors.map((f) => (f / 1000).toFixed(1)).join(', ')} s\n`);

// The class.
const cls = makeRightClass('drydock-bench-class', N, 100);
const out = join(cls, 'results');
const ms = grade(cls, out);
process.stderr.write(`class of ${N}, -j 2: ${(ms / 1000).toFixed(1)} s\n`);

const reports = readdirSync(cls)
  .filter((n) => n.startsWith('student') && existsSync(join(out, n, 'report.json')))
  .map((n) => JSON.parse(readFileSync(join(out, n, 'report.json'), 'utf8')) as { score: number; maxScore: number; durationMs: number; phases: { name: string; ms: number }[] });
const full = reports.filter((r) => r.score === r.maxScore).length;
const phases = new Map<string, number[]>();
for (const r of reports) for (const p of r.phases) phases.set(p.name, [...(phases.get(p.name) ?? []), p.ms]);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

console.log(`\nA right class of ${N} catalog submissions (${SPELLINGS} Dockerfile spellings, own main.go each), warm engine, ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`drydock grade --batch -j 2        ${(ms / 1000).toFixed(1).padStart(7)} s   ${String(studentsPerHour(N, ms)).padStart(4)} students/hour   ${full}/${N} full marks`);
console.log(`one BuildKit build alone (mean)   ${(floor / 1000).toFixed(1).padStart(7)} s   (${floors.map((f) => (f / 1000).toFixed(1)).join(', ')})`);
console.log(`class / (N × one build alone)     ${(ms / (N * floor)).toFixed(2).padStart(7)}x`);
console.log(`\nWhere a grade's time goes (mean per student; inspect, run, layers and probe overlap):`);
for (const [name, xs] of phases) console.log(`  ${name.padEnd(16)} ${(mean(xs) / 1000).toFixed(2).padStart(6)} s`);
console.log(`  ${'whole grade'.padEnd(16)} ${(mean(reports.map((r) => r.durationMs)) / 1000).toFixed(2).padStart(6)} s`);
if (full !== N) process.exitCode = 1;
