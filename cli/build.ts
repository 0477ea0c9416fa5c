import { resolve, join } from 'node:path';
import { buildBook } from '../build/site/site';
import { formatProblem } from '../lib/yaml-schema';
import { courseRootOf, parseCommand } from './args';

const HELP = `Usage: drydock build [--root DIR] [--out DIR] [-j N] [-q]

Renders the course in DIR into a static book: chapters/ (or an mdBook's src/ with
SUMMARY.md), labs/*/README.md and course.yaml.
  --root DIR   course folder (default: the current folder)
  --out DIR    where the site goes (default: ROOT/site)
  -j, --threads N
               threads the build may use (default: one per core but one, at most 8).
               Pages are rendered on page workers, each with its own shiki,
               one per 24 pages to render; 1 = render on this thread.
  -q, --quiet  print problems only
Environment: DRYDOCK_RENDER_THREADS sets the default for --threads;
DRYDOCK_PAGE_CACHE_DIR where rendered pages are cached.
Exit 0 on success; 1 with every problem as file:line:column message; 2 on a
wrong option.
`;

export const buildSpec = {
  name: 'build',
  help: HELP,
  options: { root: { type: 'string' }, out: { type: 'string' }, threads: { type: 'integer', short: 'j', min: 1 }, quiet: { type: 'boolean', short: 'q' } },
} as const;

export async function buildCommand(argv: string[]): Promise<number> {
  const args = parseCommand(buildSpec, argv);
  if (!args) return 0;
  const { values } = args;
  const root = courseRootOf('build', values.root);
  const out = resolve(values.out ?? join(root, 'site'));
  const result = await buildBook({ root, out, threads: values.threads, warn: (m) => process.stderr.write(`warning: ${m}\n`) });
  if (!result.ok) {
    for (const p of result.problems) process.stderr.write(`${formatProblem(p)}\n`);
    process.stderr.write(`drydock build: ${result.problems.length} problem(s); ${out} was left as it was\n`);
    return 1;
  }
  if (!values.quiet) {
    const what = result.upToDate ? 'up to date, nothing written' : `${result.rendered} rendered${result.threads > 1 ? ` on ${result.threads} threads` : ''}, ${result.pages - result.rendered} from cache`;
    process.stderr.write(`drydock build: ${result.pages} pages (${what}) in ${result.ms} ms → ${out}\n`);
  }
  return 0;
}
