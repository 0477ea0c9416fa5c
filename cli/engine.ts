import { parseArgs } from 'node:util';
import { connect, describe, engineInfo, InfrastructureError } from '../graders/engine/connect';
import { ensureImages, isStandIn, normalizeRef } from '../graders/engine/images';
import { labBaseImages, loadLab } from '../graders/lab/load';
import { registryProblem } from '../graders/engine/registry';
import { SourceError } from '../lib/yaml-schema';
import { engineSlots, EngineSpecError, type EngineSlot } from '../graders/engine/specs';

function labImages(dirs: string[]): string[] {
  const refs = new Set<string>();
  for (const d of dirs) {
    const lab = loadLab(d);
    for (const r of labBaseImages(lab)) refs.add(r);
  }
  return [...refs];
}

export async function imagesCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' }, 'no-pull': { type: 'boolean' } } });
  if (values.help || positionals.length === 0) {
    process.stdout.write(`Usage: drydock images <lab-dir>... [--no-pull]

Makes sure every base image the labs name exists in the engine: kept if present,
pulled when a registry answers, otherwise built locally as a labelled stand-in
(Debian trixie + golang-go for golang:*, a from-scratch look-alike for distroless static).
`);
    return values.help ? 0 : 2;
  }
  try {
    const docker = connect();
    await engineInfo(docker);
    const ensured = await ensureImages(docker, labImages(positionals), (l) => process.stderr.write(`drydock: ${l}\n`), { pull: !values['no-pull'] });
    for (const e of ensured) process.stdout.write(`${e.ref.padEnd(45)} ${e.origin}${e.standIn ? ' (local stand-in)' : ''}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`drydock images: ${err instanceof SourceError || err instanceof InfrastructureError ? err.message : describe(err)}\n`);
    return 2;
  }
}

export async function doctorCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { help: { type: 'boolean', short: 'h' }, engine: { type: 'string', multiple: true }, 'engines-file': { type: 'string' } } });
  } catch (err) {
    process.stderr.write(`drydock doctor: ${(err as Error).message}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`Usage: drydock doctor [<lab-dir>...] [--engine URL]... [--engines-file FILE]

Reports the Docker engine, whether a registry answers, and which base images are present.
With --engine or --engines-file (as 'drydock grade --batch' takes them), checks every engine.
Exit codes: 0 all good, 1 a base image is missing, 2 an engine does not answer.
`);
    return 0;
  }
  let slots: EngineSlot[];
  try {
    slots = engineSlots(values.engine ?? [], values['engines-file']);
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
  const engines = slots.length ? slots.map((s) => ({ label: `engine ${s.name} (${s.url}, ${s.jobs} at a time)`, docker: s.docker })) : [{ label: 'engine', docker: connect() }];
  let unreachable = 0;
  for (const e of engines) {
    try {
      const info = await engineInfo(e.docker);
      line(e.label, `Docker ${info.version}, API ${info.apiVersion}, ${info.os}, ${info.storageDriver}, cgroup v${info.cgroupVersion}`);
    } catch (err) {
      line(e.label, `NOT REACHABLE: ${(err as Error).message}`);
      unreachable++;
      continue;
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
