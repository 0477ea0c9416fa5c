// The catalog solution graded on each engine Drydock is tested on, in one run:
// Docker 20.10 (overlay2, BuildKit 0.8) and Docker 28 (containerd image store,
// BuildKit 0.2x). Each engine grades a fresh copy (a new line in main.go, so
// each pays for one compile of new source) with `drydock grade`, beside its
// peer, one plain BuildKit build of another fresh copy on the same engine: the
// ratio is what grading costs over building alone there.
//   npx tsx bench/engines.ts [runs]   (DRYDOCK_ENGINE28_HOST, DRYDOCK_ENGINE20_HOST name the engines)
import Docker from 'dockerode';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { engineInfo } from '../graders/engine/connect';
import { prepareEngine } from '../graders/engine/setup';
import { engineProfile } from '../graders/engine/profile';
import { gradeSubmission } from '../graders/grade/grade';
import { loadLab } from '../graders/lab/load';
import { runBuild } from '../graders/observe/build';
import { contextTar } from '../graders/submission/context';
import { freshSubmission, median } from './measure';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = join(ROOT, 'labs/catalog-image');
const RUNS = Number(process.argv[2] ?? 1);
const lab = loadLab(LAB);
const socket = (url: string) => new Docker({ socketPath: url.replace(/^unix:\/\//, '') });
const ENGINES = [
  socket(process.env.DRYDOCK_ENGINE20_HOST ?? 'unix:///var/run/docker.sock'),
  socket(process.env.DRYDOCK_ENGINE28_HOST ?? 'unix:///run/drydock-engine28/docker.sock'),
];


const rows: string[] = [];
for (const docker of ENGINES) {
  const info = await engineInfo(docker);
  const p = engineProfile(info, false);
  const setup = await prepareEngine(docker, lab);
  const grades: number[] = [];
  const builds: number[] = [];
  const scores: string[] = [];
  const buildAlone = async (name: string) => {
    const b = freshSubmission(name);
    const tag = `drydock-bench-engines:${Date.now()}`;
    const built = await runBuild(docker, { context: contextTar(b), tag, labels: { 'io.drydock.managed': 'true' }, timeoutMs: 900_000 });
    if (built.status !== 'built') throw new Error(`the floor build failed on ${info.version}: ${built.error}`);
    await docker.getImage(tag).remove({ force: true });
    rmSync(b, { recursive: true, force: true });
    return built.durationMs;
  };
  const gradeOnce = async (name: string) => {
    const g = freshSubmission(name);
    const t = performance.now();
    const report = await gradeSubmission(lab, g, { docker, setup });
    rmSync(g, { recursive: true, force: true });
    return { ms: performance.now() - t, score: `${report.score}/${report.maxScore}` };
  };
  // Unmeasured: the first build on an engine fills its cache with the handout's dependency
  // layers, which every later student finds there; whichever side ran first would pay it.
  await buildAlone('warm');
  for (let i = 0; i < RUNS; i++) {
    // Alternate which side goes first, so neither always meets the other's page cache.
    const g = i % 2 ? await gradeOnce(`grade${i}`) : undefined;
    builds.push(await buildAlone(`build${i}`));
    const g2 = g ?? (await gradeOnce(`grade${i}`));
    grades.push(g2.ms);
    scores.push(g2.score);
  }
  const [grade, build] = [median(grades) / 1000, median(builds) / 1000];
  rows.push(`| Docker ${info.version} | ${p.imageStore} | ${p.buildkit?.text ?? '?'} | cgroup v${p.cgroupVersion} | ${grade.toFixed(1)} s | ${build.toFixed(1)} s | ${(grade / build).toFixed(2)}× | ${scores.join(', ')} |`);
}
console.log(`catalog solution, ${RUNS} run(s) per engine, median; ${new Date().toISOString().slice(0, 10)}, load average ${(await import('node:os')).loadavg()[0].toFixed(1)}`);
console.log('| Engine | Image store | BuildKit | cgroup | Grade (drydock) | Build alone (peer) | Ratio | Score |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
