import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { connect, removeRun } from '../graders/engine';
import { gradeSubmission, reportExitCode } from '../graders/grade';
import { loadLab } from '../graders/lab';
import { renderJson } from '../graders/report/json';
import { renderJunit } from '../graders/report/junit';
import { renderTerminal } from '../graders/report/terminal';
import { SourceError } from '../lib/yaml-schema';
import { onInterrupt } from './interrupt';

const HELP = `Usage: drydock grade <lab-dir> <submission> [options]

Builds <submission> (a folder, .zip, .tar or .tar.gz holding a Dockerfile) in the
Docker engine named by DOCKER_HOST (or the default socket) and runs the lab's checks:
build, size, distroless, user, exec-entrypoint, graceful-stop, cache-hit.

Options:
  --format terminal|json|junit   report format (default: terminal)
  --out FILE                     write the report to FILE instead of stdout
  --book URL                     base URL of the course book for "read:" links
  -q, --quiet                    no progress lines on stderr
  -h, --help                     this help

Exit codes: 0 every check passed, 1 a check failed, 2 usage or infrastructure error.
`;

export async function gradeCommand(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        format: { type: 'string', default: 'terminal' },
        out: { type: 'string' },
        book: { type: 'string' },
        batch: { type: 'string' },
        quiet: { type: 'boolean', short: 'q' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    process.stderr.write(`drydock grade: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!['terminal', 'json', 'junit'].includes(values.format!)) {
    process.stderr.write(`drydock grade: --format must be terminal, json or junit\n`);
    return 2;
  }
  if (positionals.length !== 2) {
    process.stderr.write(`drydock grade: expected <lab-dir> <submission>\n\n${HELP}`);
    return 2;
  }
  let lab;
  try {
    lab = loadLab(positionals[0]);
  } catch (err) {
    if (err instanceof SourceError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const docker = connect();
  const active = new Set<string>();
  const release = onInterrupt(async () => {
    for (const id of active) await removeRun(docker, id);
  });
  try {
    const report = await gradeSubmission(lab, positionals[1], {
      docker,
      bookBase: values.book,
      onRunStart: (id) => active.add(id),
      progress: values.quiet ? undefined : (line) => process.stderr.write(`drydock: ${line}\n`),
    });
    const text = values.format === 'json' ? renderJson(report) : values.format === 'junit' ? renderJunit([report]) : renderTerminal(report);
    if (values.out) writeFileSync(values.out, text);
    else process.stdout.write(text);
    if (values.out && !values.quiet) process.stderr.write(`drydock: score ${report.score}/${report.maxScore}, report written to ${values.out}\n`);
    return reportExitCode(report);
  } finally {
    release();
  }
}
