import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { classroomWorkflow } from '../graders/integrations/classroom';
import { SourceError } from '../lib/yaml-schema';
import { loadLab } from '../graders/lab/load';
import { parseCommand } from './args';
import { graderPackageOf, labDirOf } from './lab-arg';

const HELP = `Usage: drydock classroom <lab-dir> [--out REPO-DIR] [--package SPEC]

Writes a GitHub Classroom autograding setup into a student (template) repository:
  .github/workflows/classroom.yml   builds and grades on every push, one points entry per check
  .drydock/lab/lab.yaml             the lab definition the workflow grades against
  --out DIR       the repository to write into (default: current folder)
  --package SPEC  npm install spec of the grader: a git URL, a tarball URL or a registry name
                  (default: the drydock the course's package.json pins; in Drydock's own
                  repository, its git remote as git+URL)
`;

export const classroomSpec = {
  name: 'classroom',
  help: HELP,
  options: { out: { type: 'string', default: '.' }, package: { type: 'string' } },
  positionals: { min: 1, max: 1, what: 'one lab folder or lab id' },
} as const;

export async function classroomCommand(argv: string[]): Promise<number> {
  const args = parseCommand(classroomSpec, argv);
  if (!args) return 0;
  const { values, positionals } = args;
  try {
    const lab = loadLab(labDirOf(positionals[0]));
    const packageSpec = values.package ?? graderPackageOf(lab.dir);
    if (!packageSpec) {
      process.stderr.write(`drydock classroom: cannot tell where students' workflows install the grader from (no package.json pins drydock); pass --package SPEC, e.g. drydock@^0.1.0\n`);
      return 2;
    }
    const repo = resolve(values.out);
    mkdirSync(join(repo, '.github/workflows'), { recursive: true });
    mkdirSync(join(repo, '.drydock/lab'), { recursive: true });
    copyFileSync(lab.definitionFile, join(repo, '.drydock/lab/lab.yaml'));
    writeFileSync(join(repo, '.github/workflows/classroom.yml'), classroomWorkflow(lab, { packageSpec, labPath: '.drydock/lab' }));
    process.stderr.write(`drydock classroom: wrote .github/workflows/classroom.yml and .drydock/lab/lab.yaml in ${repo}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`drydock classroom: ${err instanceof SourceError ? err.message : (err as Error).message}\n`);
    return 2;
  }
}

