import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { stringify } from 'yaml';
import { githubWorkflow } from '../integrations/ci';
import { loadLab } from '../lab/load';
import { scaffoldLab } from './scaffold';

/*
 * `drydock init [dir]`: a course an author can push as it comes. A chapter
 * that uses every construct the book knows, a lab that passes `lab test`,
 * a package.json pinning Drydock, and the CI that publishes the book, proves
 * changed labs and grades a class. Every file says what to change.
 */

export const SAMPLE_LAB = 'webapp-image';

export interface CourseScaffoldOptions {
  /** The course's title (default: from the folder name). */
  title?: string;
  /** npm install spec of Drydock for package.json and the CI jobs, e.g. `drydock@^0.2.0` or a tarball. */
  drydockSpec: string;
}

/** `file:`, git and tarball specs go in package.json as they are; `name@range` pins the range. */
function dependencyOf(spec: string): string {
  const m = /^drydock@(.+)$/.exec(spec);
  return m ? m[1] : spec;
}

const titleFrom = (dir: string) => basename(dir).replace(/[-_]+/g, ' ').replace(/^./, (c) => c.toUpperCase());

const chapter = (lab: string) => `---
title: Your first chapter
summary: One sentence that says what a reader gets from this chapter; it shows under the title and in the outline.
time: 10 min reading
level: beginner
outcomes:
  - name every construct a Drydock chapter can use
lab: ${lab}
---

This sample shows everything a chapter can hold. Keep what you need, delete the rest, and add
chapters beside it: a new \`chapters/02-next-topic.md\` goes into \`course.yaml\`'s list, which sets the reading order.

## Prose, code and links

Write Markdown as on GitHub: *emphasis*, **strong**, \`code\`, tables, task lists, footnotes[^1]
and bare URLs such as https://docs.docker.com become links.

\`\`\`dockerfile title="Dockerfile"
FROM gcr.io/distroless/static:nonroot
COPY --chown=65532:65532 app /app
ENTRYPOINT ["/app"]
\`\`\`

| You write | Readers get |
|-----------|-------------|
| \`\`\` \`\`\`bash \`\`\` | highlighted code with a copy button |
| \`:::tip\` | a callout |

[^1]: Footnotes are numbered and gathered at the end of the page.

## Figures

An ASCII figure keeps every column and scrolls sideways on small screens:

\`\`\`ascii title="A container is a fenced process"
┌──────────── host ─────────────┐
│  ┌── container ──┐            │
│  │  PID 1: app   │  dockerd   │
│  └───────────────┘            │
└───────────────────────────────┘
\`\`\`

A Mermaid diagram is drawn at build time (with Chromium when one is installed):

\`\`\`mermaid
sequenceDiagram
  participant You
  participant Engine
  You->>Engine: docker build .
  Engine-->>You: image ID
\`\`\`

## Callouts

:::tip[Start small]
A callout: \`:::note\`, \`:::tip\`, \`:::warning\`, \`:::danger\` or \`:::production\`.
:::

> [!NOTE]
> GitHub's alert syntax works too.

## Check yourself

1. Why does a distroless image have no shell?
:::details[Show answer]
Because it ships only the application and what it needs at run time; a shell would be
one more thing to patch and to attack.
:::

:::quiz[Predict the result]
The final stage starts \`FROM gcr.io/distroless/static:nonroot\`. What does \`docker run IMAGE sh\` do?

- [ ] It opens a shell
  There is no shell in the image to open.
- [x] It fails: no \`sh\` in the image
  Right: distroless images hold no shell or package manager.
:::

## The lab

::lab{id=${lab}}

Students grade their work with \`drydock grade labs/${lab} <their-folder>\`.
`;

const courseReadme = (title: string) => `# ${title}

A course made with [Drydock](https://www.npmjs.com/package/drydock): a book from \`chapters/\`
and container labs in \`labs/\` that students grade on their own machine.

## Next steps

\`\`\`bash
npm install                      # once: installs Drydock (commit package-lock.json)
npm run book                     # build the book into site/ (open site/index.html)
npm run dev                      # serve it on http://localhost:4000, reloading as you save
npx drydock images labs/${SAMPLE_LAB}  # the lab's base images in your Docker engine (once)
npm test                         # prove every lab: its solution scores full marks, each broken variant fails
\`\`\`

Then:

1. Edit \`chapters/01-your-first-chapter.md\` (it shows every construct) and \`course.yaml\`.
2. Make the lab yours (\`labs/${SAMPLE_LAB}/\`), or start another with \`npx drydock lab new my-lab\`.
3. Push to GitHub and turn on Pages (Settings → Pages → Source: GitHub Actions):
   - \`.github/workflows/book.yml\` publishes the book on every push to main;
   - \`.github/workflows/labs.yml\` runs \`drydock lab test\` on each lab a push changes;
   - \`.github/workflows/drydock-grade.yml\` grades a whole class when you run it (Actions → Run workflow).

## What is where

| path | what |
|------|------|
| \`course.yaml\` | the title and the order of chapters (and parts) |
| \`chapters/\` | one Markdown file per chapter |
| \`labs/<id>/\` | a lab: \`lab.yaml\` (checks, points), \`README.md\` (the handout), \`starter/\` (given to students), \`solution/\` and \`variants/\` (never published) |
| \`site/\` | the built book (not committed: CI builds it) |
| \`.mermaid-cache/\` | diagrams rendered at build time; commit it so CI need not draw them again |
`;

const bookWorkflow = (install: string) =>
  stringify(
    {
      name: 'Publish the book',
      on: { push: { branches: ['main'] }, workflow_dispatch: {} },
      permissions: { contents: 'read', pages: 'write', 'id-token': 'write' },
      concurrency: { group: 'pages', 'cancel-in-progress': false },
      jobs: {
        build: {
          'runs-on': 'ubuntu-latest',
          steps: [
            { uses: 'actions/checkout@v4' },
            { uses: 'actions/setup-node@v4', with: { 'node-version': 20 } },
            { name: 'Install Drydock', run: install },
            { name: 'Build the book', run: 'npm run book' },
            { uses: 'actions/upload-pages-artifact@v3', with: { path: 'site' } },
          ],
        },
        deploy: {
          needs: 'build',
          'runs-on': 'ubuntu-latest',
          environment: { name: 'github-pages', url: '${{ steps.deployment.outputs.page_url }}' },
          steps: [{ id: 'deployment', uses: 'actions/deploy-pages@v4' }],
        },
      },
    },
    { lineWidth: 0 },
  );

// Each lab a push or pull request changed (all of them when the base is unknown) is proven on the runner's engine.
const LABS_SCRIPT = `base="\${BASE_SHA:-}"
if [ -n "$base" ] && git cat-file -e "$base^{commit}" 2>/dev/null; then
  labs=$(git diff --name-only "$base" HEAD -- labs | cut -d/ -f2 | sort -u)
else
  labs=$(ls labs)
fi
status=0
for lab in $labs; do
  [ -f "labs/$lab/lab.yaml" ] || continue
  echo "::group::$lab"
  npx drydock images "labs/$lab" && npx drydock lab test "labs/$lab" || status=1
  echo "::endgroup::"
done
exit $status`;

const labsWorkflow = (install: string) =>
  stringify(
    {
      name: 'Prove the labs',
      on: { push: { paths: ['labs/**'] }, pull_request: { paths: ['labs/**'] } },
      permissions: { contents: 'read' },
      jobs: {
        'lab-test': {
          'runs-on': 'ubuntu-latest',
          'timeout-minutes': 60,
          steps: [
            { uses: 'actions/checkout@v4', with: { 'fetch-depth': 0 } },
            { uses: 'actions/setup-node@v4', with: { 'node-version': 20 } },
            { name: 'Install Drydock', run: install },
            { name: 'drydock lab test on each changed lab', env: { BASE_SHA: '${{ github.event.pull_request.base.sha || github.event.before }}' }, run: LABS_SCRIPT },
          ],
        },
      },
    },
    { lineWidth: 0 },
  );

/** True when `dir` is missing or holds nothing. */
export function isEmptyFolder(dir: string): boolean {
  return !existsSync(dir) || readdirSync(dir).length === 0;
}

/** Writes the course into `dir` (which must be empty or missing); returns the files written, relative to it. */
export function scaffoldCourse(dir: string, o: CourseScaffoldOptions): string[] {
  if (!isEmptyFolder(dir)) throw new Error(`${dir} is not empty; give a new folder`);
  const title = o.title ?? titleFrom(dir);
  const name = basename(dir).toLowerCase().replace(/[^a-z0-9-._~]+/g, '-').replace(/^[-._]+/, '') || 'course';
  // Without a lock file (a new course) npm ci refuses; once one is committed, CI installs exactly it.
  const install = 'if [ -f package-lock.json ]; then npm ci; else npm install; fi';
  const files: Record<string, string> = {
    'course.yaml': `# The book's title and reading order. A chapter on disk that is not listed here is an error.\ntitle: ${JSON.stringify(title)}\nparts:\n  - title: Getting started\n    chapters: [01-your-first-chapter.md]\n`,
    'chapters/01-your-first-chapter.md': chapter(SAMPLE_LAB),
    'package.json': `${JSON.stringify(
      {
        name,
        private: true,
        description: `${title}: a Drydock course`,
        scripts: { book: 'drydock build', dev: 'drydock dev', test: 'for lab in labs/*/; do drydock lab test "$lab" || exit 1; done' },
        devDependencies: { drydock: dependencyOf(o.drydockSpec) },
      },
      null,
      2,
    )}\n`,
    '.gitignore': 'node_modules/\nsite/\n*.tgz\n',
    'README.md': courseReadme(title),
    '.github/workflows/book.yml': bookWorkflow(install),
    '.github/workflows/labs.yml': labsWorkflow(install),
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  const labFiles = scaffoldLab(join(dir, 'labs'), SAMPLE_LAB).map((f) => f.slice(dir.length + 1));
  // The class-grading job is the one `drydock ci github` writes, for the sample lab.
  const lab = loadLab(join(dir, 'labs', SAMPLE_LAB));
  const grade = githubWorkflow(lab, { shards: 2, packageSpec: o.drydockSpec, labPath: `labs/${SAMPLE_LAB}` });
  writeFileSync(join(dir, '.github/workflows/drydock-grade.yml'), grade);
  return [...Object.keys(files), ...labFiles, '.github/workflows/drydock-grade.yml'];
}
