import { parseArgs } from 'node:util';
import { mergeShards, MergeError } from '../graders/class/merge';

const HELP = `Usage: drydock gradebook merge --out DIR [--roster FILE] RESULTS...

Combines the --out folders of 'drydock grade --batch --shard I/N' runs (one per shard)
into one gradebook.csv, summary.html, junit.xml and the per-student files, in DIR.
Refuses, writing nothing (exit 2): a shard missing or given twice, shards that split the
class differently or were graded against different versions of the lab, an interrupted
shard, a student graded in two shards, and with --roster a roster student in no shard.
  --out DIR        where the merged gradebook goes (not one of the shards)
  --roster FILE    the class roster (CSV with an id column): every student must be in a shard

Exit codes: 0 merged, 2 refused or some student's grading hit an infrastructure error.
`;

export async function gradebookCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (sub !== 'merge') {
    process.stderr.write(`drydock gradebook: ${sub ? `unknown subcommand "${sub}"` : 'expected a subcommand'}\n\n${HELP}`);
    return 2;
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, allowPositionals: true, options: { out: { type: 'string' }, roster: { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    process.stderr.write(`drydock gradebook merge: ${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  if (!values.out || !positionals.length) {
    process.stderr.write(`drydock gradebook merge: give --out DIR and the shard results to merge\n\n${HELP}`);
    return 2;
  }
  try {
    const r = mergeShards(positionals, values.out, { rosterFile: values.roster });
    if (!values.quiet) {
      process.stderr.write(
        `drydock: merged ${r.shards.length} shard(s) (${r.shards.map((s) => `${s.index}/${s.count}`).join(', ')}): ${r.students} student(s)${r.missing ? `, ${r.missing} missing` : ''}${r.infrastructureErrors ? `, ${r.infrastructureErrors} infrastructure error(s): re-run their shards` : ''}; gradebook in ${values.out}/gradebook.csv\n`,
      );
    }
    return r.infrastructureErrors ? 2 : 0;
  } catch (err) {
    if (!(err instanceof MergeError)) throw err;
    process.stderr.write(`drydock gradebook merge: ${err.message}\n`);
    return 2;
  }
}
