// Grading speed: `drydock grade` on a passing submission against (a) the same
// steps done with the docker CLI and (b) the floor, one cold build of the
// submission. Every run gets a fresh line in main.go, so no run can reuse an
// earlier compile; each tool pays for exactly one compile of new source.
//   npx tsx bench/grader.ts [runs]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freshSubmission, median, timedRun } from './measure';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = join(ROOT, 'labs/catalog-image');
const RUNS = Number(process.argv[2] ?? 3);
const DOCKER = '/usr/bin/docker'; // Debian's 20.10 client: its built-in BuildKit matches the engine


// The grader's steps by hand with the docker CLI: build, inspect, list the
// filesystem, run with limits until ready, read PID 1, stop and time it,
// then rebuild after a source edit (to the end: the CLI cannot stop early).
const CLI_STEPS = `
set -euo pipefail
dir="$1"; tag="bench-cli:$2"; d=${DOCKER}
export DOCKER_BUILDKIT=1
$d build -q -t "$tag" "$dir" >/dev/null
$d image inspect "$tag" >/dev/null
$d history "$tag" >/dev/null
cid=$($d create --memory 256m --cpus 1 --pids-limit 128 --cap-drop ALL --security-opt no-new-privileges -p 127.0.0.1::8080 "$tag")
$d export "$cid" | tar -t >/dev/null
$d start "$cid" >/dev/null
port=$($d port "$cid" 8080/tcp | head -1 | sed 's/.*://')
until curl -fs "http://127.0.0.1:$port/healthz" >/dev/null; do sleep 0.05; done
$d top "$cid" -o pid,uid,args >/dev/null
$d stop -t 10 "$cid" >/dev/null
$d inspect -f '{{.State.ExitCode}}' "$cid" >/dev/null
$d logs --tail 15 "$cid" >/dev/null 2>&1
$d rm -f "$cid" >/dev/null
echo "// probe $2" >> "$dir/main.go"
$d build -q -t "$tag-probe" "$dir" >/dev/null
$d rmi -f "$tag" "$tag-probe" >/dev/null
`;

const floor: number[] = [];
const grader: number[] = [];
const cli: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const f = freshSubmission(`floor${i}`);
  floor.push(timedRun(DOCKER, ['build', '-q', '-t', `bench-floor:${i}`, f], { env: { DOCKER_BUILDKIT: '1' } }));
  spawnSync(DOCKER, ['rmi', '-f', `bench-floor:${i}`]);
  const g = freshSubmission(`grader${i}`);
  grader.push(timedRun(process.execPath, [join(ROOT, 'bin/drydock.mjs'), 'grade', '-q', LAB, g, '--format', 'json', '--out', join(g, '..', `report-${i}.json`)]));
  const c = freshSubmission(`cli${i}`);
  const script = join(c, '..', `steps-${i}.sh`);
  writeFileSync(script, CLI_STEPS);
  cli.push(timedRun('bash', [script, c, String(i)]));
  process.stderr.write(`run ${i + 1}/${RUNS}: floor ${floor[i].toFixed(0)} ms, drydock ${grader[i].toFixed(0)} ms, docker CLI ${cli[i].toFixed(0)} ms\n`);
}

const [fl, gr, cl] = [median(floor), median(grader), median(cli)];
console.log(`\nGrading a passing catalog submission, median of ${RUNS} runs, ${new Date().toISOString().slice(0, 10)}\n`);
console.log(`${'what'.padEnd(46)} ${'ms'.padStart(8)}`);
console.log(`${'floor: one cold build (docker build, BuildKit)'.padEnd(46)} ${fl.toFixed(0).padStart(8)}`);
console.log(`${'drydock grade (7 checks, JSON report)'.padEnd(46)} ${gr.toFixed(0).padStart(8)}`);
console.log(`${'the same steps with the docker CLI'.padEnd(46)} ${cl.toFixed(0).padStart(8)}`);
console.log('');
console.log(`drydock / floor      = ${(gr / fl).toFixed(2)}x  (target <= 1.2x)`);
console.log(`docker CLI / floor   = ${(cl / fl).toFixed(2)}x`);
console.log(`docker CLI / drydock = ${(cl / gr).toFixed(2)}x`);
