import { resolve } from 'node:path';
import pc from 'picocolors';
import { connect, InfrastructureError } from '../graders/engine/connect';
import { loadLab } from '../graders/lab/load';
import { scaffoldLab } from '../graders/authoring/scaffold';
import { interruptGrading } from './interrupt';
import { selfTestLab, type SelfTestCase } from '../graders/authoring/selftest';
import { timeLimitHit } from '../graders/class/retry';
import { SourceError } from '../lib/yaml-schema';
import { parseCommand, UsageError } from './args';
import { labDirOf } from './lab-arg';

const HELP = `Usage: drydock lab test <lab-dir> [-j N] [--format terminal|json]
       drydock lab new <id> [--dir labs]

lab test  Grades the lab's reference solution (starter + solution/), which must score
          full marks, and every broken variant in variants/<name>/ (the files that
          differ from the solution, plus expect.yaml: \`mistake: …\` and \`fails: [check]\`),
          each of which must fail the checks it declares. Also warns about checks the
          lab scores that no variant fails: nothing shows they discriminate. A case
          that ends in an infrastructure error, or hits a time limit while others
          were grading, is graded again alone after the rest (as in a class).
  -j, --jobs N          submissions graded at once (default 2)
  --format json         the whole result as JSON on stdout
lab new   Writes labs/<id>/ (definition with comments, handout, starter, solution and
          one variant) that passes \`drydock lab test\` as written; then make it yours.
  --dir DIR             where the lab folder goes (default: labs)

Exit codes: 0 the lab grades what it says, 1 a variant passed a check it should fail
(or the solution lost points), 2 usage, a lab definition error or an infrastructure error.
`;

export function caseLine(c: SelfTestCase): string {
  const ok = c.problems.length === 0;
  const head = `${ok ? pc.green('ok  ') : pc.red('FAIL')} ${c.name.padEnd(22)} ${c.report.score}/${c.report.maxScore}  ${pc.dim(c.expected)}`;
  const retried = c.retried ? [`       ${pc.dim(`graded again alone after the others: the first attempt ended with ${c.retried}`)}`] : [];
  // The lab's own solution out of time (alone, or again alone) says more about this machine than about the lab.
  const limit = c.name === 'solution' ? timeLimitHit(c.report) : undefined;
  const hint = limit ? [`       ${pc.yellow(`the solution itself ran out of time (${limit.check}); on a slow or busy machine raise ${limit.check === 'build' ? 'limits.buildTimeoutSeconds' : 'thresholds.readiness.timeoutSeconds'} in lab.yaml, or run with fewer jobs (-j 1)`)}`] : [];
  return [head, ...retried, ...c.problems.map((p) => `       ${pc.red(p)}`), ...hint].join('\n');
}

export const labTestSpec = {
  name: 'lab test',
  help: HELP,
  options: { jobs: { type: 'integer', short: 'j', min: 1, default: 2 }, format: { type: 'string', default: 'terminal', choices: ['terminal', 'json'] } },
  positionals: { min: 1, max: 1, what: 'one lab folder' },
} as const;

export const labNewSpec = {
  name: 'lab new',
  help: HELP,
  options: { dir: { type: 'string', default: 'labs' } },
  positionals: { min: 1, max: 1, what: 'the new lab\'s id' },
} as const;

export async function labCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (sub === 'new') return labNew(rest);
  if (sub !== 'test') throw new UsageError(`drydock lab: ${sub ? `unknown subcommand "${sub}"` : 'expected a subcommand'}, use new or test (see drydock lab --help)`);
  const args = parseCommand(labTestSpec, rest);
  if (!args) return 0;
  const { values, positionals } = args;
  const jobs = values.jobs;
  try {
    const lab = loadLab(labDirOf(positionals[0]));
    const json = values.format === 'json';
    if (!json) process.stderr.write(`drydock lab test: ${lab.id}: the solution and its variants, ${jobs} at a time\n`);
    const docker = connect();
    const interrupt = interruptGrading([docker]);
    const result = await interrupt
      .track(selfTestLab(lab, { docker, jobs, signal: interrupt.signal, onRunStart: (id) => interrupt.activeRuns.add(id), onCase: (c) => !json && process.stdout.write(`${caseLine(c)}\n`) }))
      .finally(interrupt.release);
    if (json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    else {
      for (const id of result.uncovered) process.stdout.write(`${pc.yellow('warn')} ${id}: no variant fails this check, so nothing shows it tells right from wrong; add one\n`);
      const verdict = result.ok ? (result.uncovered.length ? 'the solution and every variant grade as declared' : 'every check discriminates') : 'the lab does not grade what it says (see above)';
      process.stdout.write((result.ok ? pc.green : pc.red)(`${lab.id}: ${verdict}\n`));
    }
    if (result.infrastructureErrors) return 2;
    return result.ok ? 0 : 1;
  } catch (err) {
    if (err instanceof SourceError || err instanceof InfrastructureError) {
      process.stderr.write(`${err instanceof InfrastructureError ? 'drydock lab test: infrastructure error: ' : ''}${err.message}\n`);
      return 2;
    }
    throw err;
  }
}

function labNew(argv: string[]): number {
  const args = parseCommand(labNewSpec, argv);
  if (!args) return 0;
  const { values, positionals } = args;
  try {
    const files = scaffoldLab(resolve(values.dir), positionals[0]);
    process.stderr.write(`drydock lab new: wrote ${files.length} files in ${resolve(values.dir, positionals[0])}; check them with drydock lab test ${values.dir}/${positionals[0]}\n`);
    return 0;
  } catch (err) {
    process.stderr.write(`drydock lab new: ${(err as Error).message}\n`);
    return 2;
  }
}
