import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { classroomWorkflow } from '../graders/integrations/classroom';
import { CHECK_IDS } from '../graders/checks';
import { SourceError } from '../lib/yaml-schema';
import { loadLab } from '../graders/lab/load';

const HELP = `Usage: drydock classroom <lab-dir> [--out REPO-DIR] [--package SPEC]

Writes a GitHub Classroom autograding setup into a student (template) repository:
  .github/workflows/classroom.yml   builds and grades on every push, one points entry per check
  .drydock/lab/lab.yaml             the lab definition the workflow grades against
  --out DIR       the repository to write into (default: current folder)
  --package SPEC  npm install spec of the grader: a git URL, a tarball URL or a registry name
                  (default: the git remote of the course repository, as git+URL)
`;

/** The course repository's `origin`, as an npm install spec. */
function courseRemote(dir: string): string | undefined {
  const r = spawnSync('git', ['-C', dir, 'config', '--get', 'remote.origin.url'], { encoding: 'utf8' });
  const url = r.status === 0 ? r.stdout.trim() : '';
  if (!url) return undefined;
  return url.startsWith('git@') ? `git+ssh://${url.replace(':', '/')}` : `git+${url}`;
}

export async function classroomCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { out: { type: 'string', default: '.' }, package: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  if (values.help || positionals.length !== 1) {
    process.stdout.write(HELP);
    return values.help ? 0 : 2;
  }
  try {
    const lab = loadLab(positionals[0]);
    const packageSpec = values.package ?? courseRemote(lab.dir);
    if (!packageSpec) {
      process.stderr.write('drydock classroom: the course repository has no git remote; pass --package with where students\' workflows can install the grader from\n');
      return 2;
    }
    const repo = resolve(values.out!);
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

/** `drydock report-check <report.json> <check-id>`: exit 0 if that check passed, 1 if not, 2 if unreadable. */
export async function reportCheckCommand(argv: string[]): Promise<number> {
  const [file, id] = argv;
  if (!file || !CHECK_IDS.includes(id)) {
    process.stderr.write(`Usage: drydock report-check <report.json> <${CHECK_IDS.join('|')}>\n`);
    return 2;
  }
  if (!existsSync(file)) {
    process.stderr.write(`drydock report-check: ${file} does not exist (did the grade step run?)\n`);
    return 2;
  }
  const report = JSON.parse(readFileSync(file, 'utf8')) as { checks: { id: string; status: string; summary: string; evidence: string[]; fix?: string }[] };
  const c = report.checks.find((x) => x.id === id);
  if (!c) return 2;
  process.stdout.write(`${c.status.toUpperCase()}: ${c.summary}\n${c.status === 'pass' ? '' : c.evidence.map((e) => `  ${e}\n`).join('')}${c.fix && c.status === 'fail' ? `fix: ${c.fix}\n` : ''}`);
  return c.status === 'pass' ? 0 : c.status === 'error' ? 2 : 1;
}
