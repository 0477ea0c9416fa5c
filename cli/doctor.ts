import { connect, engineInfo, removeRun, runsInEngine } from '../graders/engine/connect';
import { engineProfile } from '../graders/engine/profile';
import { isStandIn, normalizeRef } from '../graders/engine/images';
import { registryProblem } from '../graders/engine/registry';
import { parseCommand } from './args';
import { labImages } from './images';
import { engineSlots, EngineSpecError, type EngineSlot } from '../graders/engine/specs';

export const doctorSpec = {
  name: 'doctor',
  help: `Usage: drydock doctor [<lab-dir|lab-id>...] [--engine URL]... [--engines-file FILE] [--remove-leftovers]

Reports the Docker engine (version, image store, the BuildKit it bundles, cgroup version, and
where a check reads differently on it), whether a registry answers, which base images are present,
and the grading runs whose labelled containers and images are still in the engine: a run still
going, or one killed outright (SIGKILL, a reboot) that could not clean up after itself.
With --engine or --engines-file (as 'drydock grade --batch' takes them), checks every engine.

  --remove-leftovers   remove every listed run's containers and images (only while no
                       grading runs on that engine: a run still going would lose its images)

Exit codes: 0 all good, 1 a base image is missing or a leftover could not be removed, 2 an engine does not answer.
`,
  options: { engine: { type: 'string', multiple: true }, 'engines-file': { type: 'string' }, 'remove-leftovers': { type: 'boolean' } },
  positionals: { max: Infinity },
} as const;

export async function doctorCommand(argv: string[]): Promise<number> {
  const args = parseCommand(doctorSpec, argv);
  if (!args) return 0;
  const { values, positionals } = args;
  let slots: EngineSlot[];
  try {
    slots = engineSlots(values.engine, values['engines-file']);
  } catch (err) {
    if (!(err instanceof EngineSpecError)) throw err;
    process.stderr.write(`drydock doctor: ${err.message}\n`);
    return 2;
  }
  const line = (k: string, v: string) => process.stdout.write(`${k.padEnd(42)} ${v}\n`);
  let refs: string[] = [];
  let ok = true;
  try {
    refs = positionals.length ? labImages(positionals) : [];
  } catch (err) {
    line('labs', (err as Error).message);
    ok = false;
  }
  if (!slots.length) line('DOCKER_HOST', process.env.DOCKER_HOST ?? '(unset: default socket)');
  const local = (url: string | undefined) => !url || url.startsWith('unix:') || url.startsWith('npipe:');
  const engines = slots.length
    ? slots.map((s) => ({ label: `engine ${s.name} (${s.url}, ${s.jobs} at a time)`, docker: s.docker, remote: !local(s.url) }))
    : [{ label: 'engine', docker: connect(), remote: !local(process.env.DOCKER_HOST) }];
  let unreachable = 0;
  for (const e of engines) {
    try {
      const info = await engineInfo(e.docker);
      const p = engineProfile(info, e.remote);
      line(e.label, `Docker ${info.version}, API ${info.apiVersion}, ${info.os}`);
      line('  image store', p.imageStore);
      line('  BuildKit', p.buildkit ? `${p.buildkit.text}${p.buildkit.exact ? ` (as Docker ${info.version.replace(/\+.*/, '')}'s source pins it)` : ''}` : 'unknown: a release older than any Drydock has read');
      line('  cgroup', `v${p.cgroupVersion}`);
      for (const d of p.differences) line('  differs here', d);
    } catch (err) {
      line(e.label, `NOT REACHABLE: ${(err as Error).message}`);
      unreachable++;
      continue;
    }
    const runs = await runsInEngine(e.docker);
    const age = (d?: Date) => (d ? `began ${d.toISOString().replace(/\.\d+Z$/, 'Z')}` : 'not a Drydock run id');
    if (!runs.length) line('  runs with objects', 'none');
    for (const r of runs) {
      const what = `${r.containers} container(s), ${r.images} image(s), ${age(r.started)}`;
      if (!values['remove-leftovers']) {
        line(`  run ${r.runId}`, `${what} (still going, or killed: drydock doctor --remove-leftovers)`);
        continue;
      }
      const problems = await removeRun(e.docker, r.runId);
      line(`  run ${r.runId}`, problems.length ? `${what}; NOT all removed: ${problems.join('; ')}` : `${what}: removed`);
      if (problems.length) ok = false;
    }
    for (const ref of refs.map(normalizeRef)) {
      const info = await e.docker.getImage(ref).inspect().catch(() => undefined);
      if (!info) ok = false;
      line(`  ${ref}`, info ? `present${isStandIn(info) ? ' (Drydock stand-in)' : ''}, ${(info.Size / 1e6).toFixed(1)} MB` : 'MISSING (run: drydock images <lab-dir>, or let a batch on several engines ensure them)');
    }
  }
  if (unreachable === engines.length) return 2;
  const problem = await registryProblem();
  line('registry (Docker Hub)', problem ? `unreachable (${problem})` : 'reachable');
  return unreachable ? 2 : ok ? 0 : 1;
}
