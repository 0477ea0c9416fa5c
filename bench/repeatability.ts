// Repeatability under a bad neighbour: the reference solution graded ROUNDS
// times with -j 2 beside a busy-loop build and a container that ignores
// SIGTERM, on a throwaway engine whose first round starts from an empty build
// cache. Every round's report must give the same status and points per check;
// prints the rounds, the distinct outcomes and the spread of phase times.
//   npx tsx bench/repeatability.ts [rounds]
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gradeBatch } from '../graders/class/batch';
import { connect } from '../graders/engine/connect';
import { ensureImages, normalizeRef } from '../graders/engine/images';
import { labBaseImages, loadLab } from '../graders/lab/load';
import { copyImages, startScratchEngine } from '../test/support/scratch-engine';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = join(ROOT, 'labs/catalog-image');
const ROUNDS = Number(process.argv[2] ?? 10);
const lab = loadLab(LAB);
const solution = readFileSync(join(LAB, 'solution/Dockerfile'), 'utf8');

const dir = mkdtempSync(join(tmpdir(), 'drydock-repeat-'));
const student = (id: string, dockerfile: string) => {
  mkdirSync(join(dir, id));
  cpSync(join(LAB, 'starter'), join(dir, id), { recursive: true });
  writeFileSync(join(dir, id, 'Dockerfile'), dockerfile);
};
student('reference', solution);
// Shares the solution's build stage, then keeps both cores busy for 40 s; its main.go changes every round, so it always runs.
student('busy', solution.replace('COPY . .\n', "COPY . .\nRUN timeout 40 sh -c 'while :; do :; done & while :; do :; done' || true\n"));
// Ready on /healthz, but PID 1 is a shell that ignores SIGTERM: killed at the deadline every time.
student('stubborn', `${solution.split('# Final stage')[0]}FROM golang:1.26-alpine\nCOPY --from=build /out/catalog /catalog\nENTRYPOINT ["sh", "-c", "trap '' TERM; /catalog; true"]\n`);

const main = connect();
const refs = labBaseImages(lab).map(normalizeRef);
await ensureImages(main, refs);
const engine = await startScratchEngine('repeatability');
const rows: { round: number; key: string; seconds: number; phases: Record<string, number> }[] = [];
try {
  await copyImages(main, engine.docker, refs);
  for (let round = 1; round <= ROUNDS; round++) {
    appendFileSync(join(dir, 'busy/main.go'), `\n// round ${round}\n`);
    const t = Date.now();
    const result = await gradeBatch(lab, dir, join(dir, '..', `repeat-out-${round}`), { docker: engine.docker, jobs: 2, regrade: true });
    const ref = result.outcomes.find((o) => o.student.id === 'reference')!.report!;
    const key = ref.checks.map((c) => `${c.id}=${c.status}/${c.score}`).join(' ');
    rows.push({ round, key, seconds: (Date.now() - t) / 1000, phases: Object.fromEntries(ref.phases.map((p) => [p.name, p.ms])) });
    process.stderr.write(`round ${round}${round === 1 ? ' (cold)' : ''}: ${ref.score}/${ref.maxScore} in ${rows.at(-1)!.seconds.toFixed(0)} s — ${key}\n`);
  }
} finally {
  await engine.stop();
}
const distinct = [...new Set(rows.map((r) => r.key))];
console.log(`\nReference solution graded ${ROUNDS} times with -j 2 beside a busy-loop build and a SIGTERM-ignoring container (${new Date().toISOString().slice(0, 10)}; round 1 on an empty build cache)`);
console.log(`distinct reports: ${distinct.length}${distinct.length === 1 ? ' (identical every round)' : ''}`);
for (const d of distinct) console.log(`  ${rows.filter((r) => r.key === d).length}× ${d}`);
for (const phase of ['build', 'inspect', 'run', 'probe']) {
  const xs = rows.map((r) => r.phases[phase] ?? 0);
  console.log(`${phase.padEnd(22)} min ${Math.min(...xs)} ms, max ${Math.max(...xs)} ms`);
}
process.exitCode = distinct.length === 1 ? 0 : 1;
