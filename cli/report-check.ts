import { existsSync, readFileSync } from 'node:fs';
import { CHECK_IDS } from '../graders/checks';
import { parseCommand, UsageError } from './args';

export const reportCheckSpec = {
  name: 'report-check',
  help: `Usage: drydock report-check <report.json> <${CHECK_IDS.join('|')}>

Prints one check of a JSON report (as 'drydock grade --format json' writes it) and exits
0 if it passed, 1 if not, 2 if the report cannot be read. GitHub Classroom's workflow runs
it once per check, one points entry each.
`,
  options: {},
  positionals: { min: 2, max: 2, what: '<report.json> <check-id>' },
} as const;

/** `drydock report-check <report.json> <check-id>`: exit 0 if that check passed, 1 if not, 2 if unreadable. */
export async function reportCheckCommand(argv: string[]): Promise<number> {
  const args = parseCommand(reportCheckSpec, argv);
  if (!args) return 0;
  const [file, id] = args.positionals;
  if (!CHECK_IDS.includes(id)) throw new UsageError(`drydock report-check: unknown check "${id}"; one of ${CHECK_IDS.join(', ')}`);
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
