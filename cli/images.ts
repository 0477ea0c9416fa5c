import { connect, describe, engineInfo, InfrastructureError } from '../graders/engine/connect';
import { ensureImages } from '../graders/engine/images';
import { labBaseImages, loadLab } from '../graders/lab/load';
import { SourceError } from '../lib/yaml-schema';
import { parseCommand } from './args';
import { labDirOf } from './lab-arg';

/** Every base image the labs name, once. */
export function labImages(args: string[]): string[] {
  const refs = new Set<string>();
  for (const a of args) for (const r of labBaseImages(loadLab(labDirOf(a)))) refs.add(r);
  return [...refs];
}

export const imagesSpec = {
  name: 'images',
  help: `Usage: drydock images <lab-dir|lab-id>... [--no-pull]

Makes sure every base image the labs name exists in the engine: kept if present,
pulled when a registry answers, otherwise built locally as a labelled stand-in
(Debian trixie + golang-go for golang:*, a from-scratch look-alike for distroless static).
Environment: DRYDOCK_ROOTFS_CACHE_DIR keeps the stand-ins' root filesystems
(default /var/cache/drydock); DRYDOCK_DEBIAN_MIRROR is where debootstrap fetches from.
`,
  options: { 'no-pull': { type: 'boolean' } },
  positionals: { min: 1, max: Infinity, what: 'one or more lab folders or lab ids' },
} as const;

export async function imagesCommand(argv: string[]): Promise<number> {
  const args = parseCommand(imagesSpec, argv);
  if (!args) return 0;
  try {
    const docker = connect();
    await engineInfo(docker);
    const ensured = await ensureImages(docker, labImages(args.positionals), (l) => process.stderr.write(`drydock: ${l}\n`), { pull: !args.values['no-pull'] });
    for (const e of ensured) process.stdout.write(`${e.ref.padEnd(45)} ${e.origin}${e.standIn ? ' (local stand-in)' : ''}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`drydock images: ${err instanceof SourceError || err instanceof InfrastructureError ? err.message : describe(err)}\n`);
    return 2;
  }
}
