// The repository's own course: it builds cleanly, and the book and the grader say the same thing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCourse } from '../../build/course';
import { buildBook } from '../../build/site';
import { CHECKS } from '../../graders/checks';
import { loadLab } from '../../graders/lab/load';
import { LAB_DIR, ROOT } from '../support/helpers';

const chapter = readFileSync(join(ROOT, 'chapters/01-containers-and-images.md'), 'utf8');

describe('the course content', () => {
  it('builds with no problems and no warnings', async () => {
    const warnings: string[] = [];
    const r = await buildBook({ root: ROOT, out: join(ROOT, 'site'), warn: (w) => warnings.push(w) });
    expect(r.problems).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('teaches exactly the Dockerfile of the reference solution', () => {
    const block = /```dockerfile title="Dockerfile"\n([\s\S]*?)```/.exec(chapter)?.[1];
    expect(block).toBe(readFileSync(join(LAB_DIR, 'solution/Dockerfile'), 'utf8'));
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
    for (const topic of ['137', 'COPY . .', 'EXPOSE', 'docker rm']) expect(quizzes.join('\n'), topic).toContain(topic);
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
