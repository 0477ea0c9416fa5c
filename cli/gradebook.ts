import { parseCommand, UsageError } from './args';
import { mergeShards, MergeError } from '../graders/class/merge';
import { CLASS_OPTIONS_HELP, classOptionSpecs, classOptionsFrom } from './class-options';
import { loadLab } from '../graders/lab/load';

const HELP = `Usage: drydock gradebook merge --out DIR [--roster FILE] [--deadline ISO] [--overrides FILE] [--lms KIND] RESULTS...

Combines the --out folders of 'drydock grade --batch --shard I/N' runs (one per shard)
into one gradebook.csv, summary.html, junit.xml and the per-student files, in DIR.
Refuses, writing nothing (exit 2): a shard missing or given twice, shards that split the
class differently or were graded against different versions of the lab, an interrupted
shard, a student graded in two shards, and with --roster a roster student in no shard.
  --out DIR        where the merged gradebook goes (not one of the shards)
  --roster FILE    the class roster (CSV with an id column): every student must be in a shard

${CLASS_OPTIONS_HELP}
Exit codes: 0 merged, 2 refused or some student's grading hit an infrastructure error.
`;

export const mergeSpec = {
  name: 'gradebook merge',
  help: HELP,
  options: { out: { type: 'string' }, roster: { type: 'string' }, quiet: { type: 'boolean', short: 'q' }, ...classOptionSpecs },
  positionals: { min: 1, max: Infinity, what: 'the shard results to merge' },
} as const;

export async function gradebookCommand(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h' || sub === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  if (sub !== 'merge') throw new UsageError(`drydock gradebook: ${sub ? `unknown subcommand "${sub}"` : 'expected a subcommand'}, use merge (see drydock gradebook --help)`);
  const args = parseCommand(mergeSpec, rest);
  if (!args) return 0;
  const { values, positionals } = args;
  if (!values.out) throw new UsageError('drydock gradebook merge: --out DIR is needed (see drydock gradebook merge --help)');
  try {
    const r = mergeShards(positionals, values.out, { rosterFile: values.roster, classOptions: (lab) => classOptionsFrom(values, lab, values.out!) });
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
