import { existsSync, statSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { isEmptyFolder, scaffoldCourse } from '../graders/authoring/course';
import { packageVersion } from '../lib/paths';
import { parseCommand } from './args';

export const initSpec = {
  name: 'init',
  help: `Usage: drydock init [<dir>] [--title TEXT] [--package SPEC]

Starts a course in <dir> (default: the current folder), which must be empty or new:
  course.yaml                    the title and reading order
  chapters/01-your-first-chapter.md   a chapter that uses every construct the book knows
  labs/webapp-image/             a lab that passes 'drydock lab test' as written
  package.json                   pins Drydock; npm run book | dev | test
  .github/workflows/             book.yml (GitHub Pages), labs.yml (lab test on change),
                                 drydock-grade.yml (grade a class, as 'drydock ci github' writes it)
  README.md, .gitignore
Then: cd <dir> && npm install && npm run book
  --title TEXT     the course's title (default: from the folder's name)
  --package SPEC   how package.json and CI install Drydock (default: drydock@^VERSION)
`,
  options: { title: { type: 'string' }, package: { type: 'string' } },
  positionals: { max: 1, what: 'at most one folder' },
} as const;

export async function initCommand(argv: string[]): Promise<number> {
  const args = parseCommand(initSpec, argv);
  if (!args) return 0;
  const dir = resolve(args.positionals[0] ?? '.');
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    process.stderr.write(`drydock init: ${dir} is a file; give a new or empty folder (drydock init my-course)\n`);
    return 2;
  }
  if (!isEmptyFolder(dir)) {
    process.stderr.write(`drydock init: ${dir} is not empty; give a new or empty folder (drydock init my-course)\n`);
    return 2;
  }
  const files = scaffoldCourse(dir, { title: args.values.title, drydockSpec: args.values.package ?? `drydock@^${packageVersion()}` });
  const cd = relative(process.cwd(), dir);
  process.stderr.write(`drydock init: wrote ${files.length} files in ${dir}\nnext: ${cd ? `cd ${cd} && ` : ''}npm install && npm run book   (then read README.md)\n`);
  return 0;
}
