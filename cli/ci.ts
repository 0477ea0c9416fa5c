import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { githubWorkflow, gitlabPipeline, kubernetesManifests, type CiOptions } from '../graders/integrations/ci';
import { loadLab } from '../graders/lab/load';
import { SourceError } from '../lib/yaml-schema';
import { parseCommand, UsageError } from './args';
import { graderPackageOf, labDirOf } from './lab-arg';

const HELP = `Usage: drydock ci github|gitlab|kubernetes <lab-dir> --shards N [--out DIR] [--package SPEC] [--lab-path PATH]

Writes a job that grades a whole class in N shards and merges them into one gradebook:
  github       .github/workflows/drydock-grade.yml: a workflow_dispatch workflow (input: the
               submissions folder or a .tar.gz URL), a matrix of N grading jobs, one artifact
               per shard, and a merge job that publishes the gradebook
  gitlab       .gitlab-ci.yml: a parallel: N grading job with a docker:dind service each, and a
               merge job (the runner must allow privileged containers)
  kubernetes   drydock-volume.yaml, drydock-grade-job.yaml (an Indexed Job, one pod per shard with
               its own dockerd sidecar; needs privileged pods) and drydock-merge-job.yaml
  --shards N        how many jobs grade at once (each a machine with its own engine)
  --out DIR         the repository (github, gitlab) or folder (kubernetes) to write into (default: .)
  --package SPEC    npm install spec of the grader (default: the drydock the course's package.json
                    pins, as \`drydock init\` writes it; in Drydock's own repository, its git remote)
  --lab-path PATH   the lab as the job names it (default: its path inside --out, else
                    /class/lab on the Kubernetes volume, else the lab's id)
`;

export const ciSpec = {
  name: 'ci',
  help: HELP,
  options: { shards: { type: 'integer', min: 1, max: 256 }, out: { type: 'string', default: '.' }, package: { type: 'string' }, 'lab-path': { type: 'string' } },
  positionals: { min: 2, max: 2, what: 'github, gitlab or kubernetes and a lab' },
} as const;

export async function ciCommand(argv: string[]): Promise<number> {
  const args = parseCommand(ciSpec, argv);
  if (!args) return 0;
  const { values, positionals } = args;
  const [kind, labArg] = positionals;
  if (!['github', 'gitlab', 'kubernetes'].includes(kind)) throw new UsageError(`drydock ci: expected github, gitlab or kubernetes, not "${kind}" (see drydock ci --help)`);
  const shards = values.shards;
  if (shards === undefined) throw new UsageError('drydock ci: --shards N is needed, a whole number from 1 to 256 (see drydock ci --help)');
  try {
    const lab = loadLab(labDirOf(labArg));
    const packageSpec = values.package ?? graderPackageOf(lab.dir);
    if (!packageSpec) {
      process.stderr.write(`drydock ci: cannot tell where the jobs install the grader from (no package.json pins drydock); pass --package SPEC, e.g. drydock@^0.1.0\n`);
      return 2;
    }
    const out = resolve(values.out);
    const inside = relative(out, lab.dir);
    const labPath = values['lab-path'] ?? (!inside.startsWith('..') && !isAbsolute(inside) ? inside || '.' : kind === 'kubernetes' ? '/class/lab' : lab.id);
    const opts: CiOptions = { shards, packageSpec, labPath };
    const files: Record<string, string> =
      kind === 'github' ? { '.github/workflows/drydock-grade.yml': githubWorkflow(lab, opts) }
      : kind === 'gitlab' ? { '.gitlab-ci.yml': gitlabPipeline(lab, opts) }
      : { ...kubernetesManifests(lab, opts) };
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(dirname(join(out, f)), { recursive: true });
      writeFileSync(join(out, f), text);
    }
    process.stderr.write(`drydock ci: wrote ${Object.keys(files).join(', ')} in ${out} (${shards} shard(s), lab ${labPath})\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`drydock ci: ${err instanceof SourceError ? err.message : (err as Error).message}\n`);
    return 2;
  }
}
