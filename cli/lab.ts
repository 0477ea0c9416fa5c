import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import pc from 'picocolors';
import { connect, InfrastructureError } from '../graders/engine/connect';
import { loadLab } from '../graders/lab/load';
import { scaffoldLab } from '../graders/authoring/scaffold';
import { selfTestLab, type SelfTestCase } from '../graders/authoring/selftest';
import { SourceError } from '../lib/yaml-schema';

const HELP = `Usage: drydock lab test <lab-dir> [-j N] [--format terminal|json]
       drydock lab new <id> [--dir labs]

lab test  Grades the lab's reference solution (starter + solution/), which must score
          full marks, and every broken variant in variants/<name>/ (the files that
          differ from the solution, plus expect.yaml: \`mistake: …\` and \`fails: [check]\`),
          each of which must fail the checks it declares. Also warns about checks the
          lab scores that no variant fails: nothing shows they discriminate.
  -j, --jobs N          submissions graded at once (default 2)
  --format json         the whole result as JSON on stdout
lab new   Writes labs/<id>/ (definition with comments, handout, starter, solution and
          one variant) that passes \`drydock lab test\` as written; then make it yours.
  --dir DIR             where the lab folder goes (default: labs)

Exit codes: 0 the lab grades what it says, 1 a variant passed a check it should fail
(or the solution lost points), 2 usage, a lab definition error or an infrastructure error.
`;

function line(c: SelfTestCase): string {
  const ok = c.problems.length === 0;
  const head = `${ok ? pc.green('ok  ') : pc.red('FAIL')} ${c.name.padEnd(22)} ${c.report.score}/${c.report.maxScore}  ${pc.dim(c.expected)}`;
  return [head, ...c.problems.map((p) => `       ${pc.red(p)}`)].join('\n');
}

export async function labCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { jobs: { type: 'string', short: 'j' }, format: { type: 'string', default: 'terminal' }, dir: { type: 'string', default: 'labs' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`drydock lab: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || sub === '--help' || sub === '-h') {
    process.stdout.write(HELP);
    return 0;
  }
  if (sub === 'new' && positionals.length === 1) {
    try {
      const files = scaffoldLab(resolve(values.dir!), positionals[0]);
      process.stderr.write(`drydock lab new: wrote ${files.length} files in ${resolve(values.dir!, positionals[0])}; check them with drydock lab test ${values.dir}/${positionals[0]}\n`);
      return 0;
    } catch (err) {
      process.stderr.write(`drydock lab new: ${(err as Error).message}\n`);
      return 2;
    }
  }
  if (sub !== 'test' || positionals.length !== 1) {
    process.stderr.write(HELP);
    return 2;
  }
  const jobs = values.jobs ? Number(values.jobs) : 2;
  if (!Number.isInteger(jobs) || jobs < 1) {
    process.stderr.write('drydock lab test: --jobs must be a whole number of at least 1\n');
    return 2;
  }
  try {
    const lab = loadLab(positionals[0]);
    const json = values.format === 'json';
    if (!json) process.stderr.write(`drydock lab test: ${lab.id}: the solution and its variants, ${jobs} at a time\n`);
    const result = await selfTestLab(lab, { docker: connect(), jobs, onCase: (c) => !json && process.stdout.write(`${line(c)}\n`) });
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
