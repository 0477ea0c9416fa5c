// The repository's own course: it builds cleanly, and the book and the grader say the same thing.
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCourse } from '../../build/model/course';
import { buildBook } from '../../build/site/site';
import { CHECKS } from '../../graders/checks';
import { excludeMatcher } from '../../graders/checks/dockerignore';
import { loadLab } from '../../graders/lab/load';
import { contextFiles } from '../../graders/submission/context';
import { LAB_DIR, ROOT } from '../support/helpers';

const chapter = readFileSync(join(ROOT, 'chapters/01-containers-and-images.md'), 'utf8');

describe('the course content', () => {
  it('builds with no problems and no warnings', async () => {
    const warnings: string[] = [];
    const r = await buildBook({ root: ROOT, out: join(ROOT, 'site'), warn: (w) => warnings.push(w) });
    expect(r.problems).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('works an example the lab does not accept as it is: the chapter-copy variant is the chapter\'s Dockerfile', () => {
    const block = /```dockerfile title="Dockerfile"\n([\s\S]*?)```/.exec(chapter)?.[1];
    expect(block).toBeDefined();
    expect(readFileSync(join(LAB_DIR, 'solution/Dockerfile'), 'utf8')).not.toBe(block);
    // `drydock lab test` proves the copy fails the lab: the variant must fail what its expect.yaml lists.
    expect(readFileSync(join(LAB_DIR, 'variants/chapter-copy/Dockerfile'), 'utf8')).toBe(block);
    expect(readFileSync(join(LAB_DIR, 'variants/chapter-copy/expect.yaml'), 'utf8')).toMatch(/^fails: \[distroless\]$/m);
  });

  it('has the section every grader check links to', async () => {
    const lab = loadLab(LAB_DIR);
    const html = readFileSync(join(ROOT, 'site', lab.chapter!.replace('chapters/', '').replace('.md', '.html')), 'utf8');
    for (const check of CHECKS) expect(html, check.id).toContain(`id="${check.anchor}"`);
  });

  it('uses every construct: ASCII figures, Mermaid, tables, code, callouts, drawers and the lab card', () => {
    expect((chapter.match(/```ascii/g) ?? []).length).toBeGreaterThanOrEqual(6);
    expect(chapter).toContain('```mermaid\nsequenceDiagram');
    expect(chapter).toMatch(/^\| Namespace \|/m);
    for (const c of [':::production', ':::tip', ':::warning', ':::details', '::lab{id=catalog-image}']) expect(chapter).toContain(c);
    expect((chapter.match(/^:::(details|quiz)\b/gm) ?? []).length).toBeGreaterThanOrEqual(4 + 4 + 4);
  });

  it('states the same thresholds as the lab definition', () => {
    const lab = loadLab(LAB_DIR);
    const handout = readFileSync(join(LAB_DIR, 'README.md'), 'utf8');
    expect(handout).toContain(`**${lab.thresholds.maxImageSizeMB} MB**`);
    expect(handout).toContain(`**${lab.thresholds.user}**`);
    expect(handout).toContain(`**${lab.thresholds.gracePeriodSeconds} s**`);
    expect(chapter).toContain(`${lab.thresholds.gracePeriodSeconds} seconds unless`);
    expect(chapter).toContain('USER 65532:65532');
  });

  it('asks prediction quizzes with one right option and an explanation for every option', () => {
    const quizzes = [...chapter.matchAll(/^:::quiz\[[^\]]*\]\n([\s\S]*?)^:::$/gm)].map((m) => m[1]!);
    expect(quizzes.length).toBeGreaterThanOrEqual(4);
    for (const q of quizzes) {
      const options = [...q.matchAll(/^- \[([ x])\] .*\n((?:  \S.*\n)+)/gm)];
      expect(options.length, q).toBeGreaterThanOrEqual(3);
      expect(options.length, `every option has an indented explanation: ${q}`).toBe((q.match(/^- \[[ x]\] /gm) ?? []).length);
      expect(options.filter((o) => o[1] === 'x').length, q).toBe(1);
      for (const o of options) expect(o[2]!.trim().split(/\s+/).length, `a real explanation: ${o[0]}`).toBeGreaterThanOrEqual(8);
    }
    for (const topic of ['137', 'COPY . .', 'EXPOSE', 'STOPSIGNAL SIGINT', '--init', '-p 127.0.0.1:', 'busybox']) expect(quizzes.join('\n'), topic).toContain(topic);
    // Each quiz is a variant the chapter does not show: its scenario appears in no captured block
    // except the drawer with the engine's answers after the quizzes.
    const shown = [...chapter.matchAll(/^```text[^\n]*captured=([\w-]+)[^\n]*\n([\s\S]*?)^```$/gm)].filter((m) => m[1] !== 'quiz-answers').map((m) => m[2]).join('\n');
    for (const variant of ['STOPSIGNAL SIGINT', '-p 127.0.0.1:', 'touch main.go', "-c '/catalog; echo catalog exited'", 'run -d --init --name catalog ', '--init bookstore/catalog:dev']) {
      expect(shown, variant).not.toContain(variant);
    }
  });

  it('keeps the starter and the handout true to what the engine does with SIGTERM', () => {
    const main = readFileSync(join(LAB_DIR, 'starter/main.go'), 'utf8');
    expect(main).toContain('signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)');
    expect(main).not.toMatch(/ignore SIGTERM entirely|no default handlers/);
    expect(main).toMatch(/status 2/);
    const handout = readFileSync(join(LAB_DIR, 'README.md'), 'utf8');
    expect(handout).toContain('exit code 137');
    expect(handout).toContain('exit code 2');
  });

  it('lists every chapter in reading order', () => {
    expect(loadCourse(ROOT).chapters.map((c) => c.path)).toEqual(['chapters/01-containers-and-images.md']);
  });
});

describe('the handouts, as a student with the installed grader reads them', () => {
  const labs = ['catalog-image', 'reviews-image'].map((id) => ({ id, lab: loadLab(join(ROOT, 'labs', id)), handout: readFileSync(join(ROOT, 'labs', id, 'README.md'), 'utf8') }));

  it.each(labs.map((l) => [l.id, l] as const))('%s: names the lab by its id, never by a path in a course checkout', (_, { id, handout }) => {
    expect(handout).toContain(`drydock grade ${id} `);
    expect(handout).toContain(`drydock doctor ${id}`);
    expect(handout).not.toMatch(/drydock \w+ (\.\/)?labs\//);
  });

  it.each(labs.map((l) => [l.id, l] as const))('%s: says how to install the grader', (_, { handout }) => {
    expect(handout).toMatch(/npm install --global \S+\.tgz/);
    expect(handout.indexOf('npm install --global')).toBeLessThan(handout.indexOf('drydock grade'));
  });

  it.each(labs.map((l) => [l.id, l] as const))('%s: maps every requirement to its check id and points, as lab.yaml scores them', (_, { lab, handout }) => {
    const rows = [...handout.matchAll(/^\| \d+ \| .* \| `([\w-]+)` \| (\d+) \|$/gm)].map((m) => [m[1], Number(m[2])]);
    expect(Object.fromEntries(rows)).toEqual(lab.points);
    expect(rows.length).toBe(Object.keys(lab.points).length);
  });

  it.each(labs.map((l) => [l.id, l] as const))('%s: every container it starts by hand is started with a name and stopped', (_, { handout }) => {
    const runs = [...handout.matchAll(/^docker run (.*)$/gm)].map((m) => m[1]!);
    expect(runs.length).toBeGreaterThan(0);
    for (const r of runs) {
      const name = /--name (\S+)/.exec(r)?.[1];
      expect(name, r).toBeDefined();
      expect(r, 'in the background, so the terminal stays free for docker stop').toMatch(/(^| )-d( |$)/);
      expect(handout, name).toMatch(new RegExp(`^docker stop ${name}`, 'm'));
      expect(handout, name).toMatch(new RegExp(`^docker rm ${name}`, 'm'));
    }
  });
});


describe('the reviews lab\'s solution does what its handout asks of .dockerignore', () => {
  const lab = loadLab(join(ROOT, 'labs/reviews-image'));
  const exclude: string[] = (lab as { dockerignore?: { exclude: string[] } }).dockerignore?.exclude ?? [];

  it('keeps out every file the dockerignore check names, wherever it is in the folder', () => {
    // The handout: leave them out "wherever they are in the folder". The starter has them at the
    // root only, so grading the solution there cannot tell a root-anchored `.env` from `**/.env`.
    expect(exclude.length).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'drydock-reviews-ignore-'));
    try {
      cpSync(lab.starterDir!, dir, { recursive: true });
      cpSync(lab.solutionDir!, dir, { recursive: true });
      const planted = ['.env', 'config/.env', 'config/local.env', 'deploy/prod.env', '.git/HEAD', 'vendor/lib/.git/HEAD', '.venv/bin/python', 'tools/.venv/bin/python', '__pycache__/app.cpython-313.pyc', 'pkg/__pycache__/util.cpython-313.pyc'];
      for (const f of planted) {
        mkdirSync(dirname(join(dir, f)), { recursive: true });
        writeFileSync(join(dir, f), 'x\n');
      }
      const sent = contextFiles(dir);
      expect(sent).toContain('app.py');
      expect(sent.filter((f) => exclude.some((p) => excludeMatcher(p)(f)))).toEqual([]);
      // Each planted file is one the check names: the test would see a leak.
      for (const f of planted) expect(exclude.some((p) => excludeMatcher(p)(f)), f).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the handout lists the same names as lab.yaml', () => {
    const row = /^\| \d+ \| (.*) \| `dockerignore` \| \d+ \|$/m.exec(readFileSync(join(ROOT, 'labs/reviews-image/README.md'), 'utf8'))?.[1] ?? '';
    for (const p of exclude) expect(row, p).toContain(`\`${p}\``);
    expect(row).toMatch(/wherever they are/);
  });
});
