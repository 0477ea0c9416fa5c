// drydock init: the files an author pushes, and the refusal of a folder that is not empty.
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { scaffoldCourse } from '../../graders/authoring/course';
import { loadCourse } from '../../build/model/course';
import { loadLab } from '../../graders/lab/load';
import { main } from '../../cli/main';

describe('drydock init', () => {
  it('writes a course, its package.json pinning Drydock, and CI that builds, proves labs and grades', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'drydock-init-')), 'my-course');
    const files = scaffoldCourse(dir, { drydockSpec: 'drydock@^1.2.3' });
    expect(files).toEqual(expect.arrayContaining(['course.yaml', 'chapters/01-your-first-chapter.md', 'package.json', '.gitignore', 'README.md', '.github/workflows/book.yml', '.github/workflows/labs.yml', '.github/workflows/drydock-grade.yml', 'labs/webapp-image/lab.yaml']));
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({ name: 'my-course', private: true, devDependencies: { drydock: '^1.2.3' }, scripts: { book: 'drydock build', dev: 'drydock dev' } });
    expect(pkg.scripts.test).toContain('drydock lab test');
    // The course loads with no problem: the chapter is listed, the lab is valid.
    const course = loadCourse(dir);
    expect(course.problems).toEqual([]);
    expect(course.title).toBe('My course');
    expect(course.chapters.map((c) => c.path)).toEqual(['chapters/01-your-first-chapter.md']);
    expect(loadLab(join(dir, 'labs/webapp-image')).id).toBe('webapp-image');
    const book = parse(readFileSync(join(dir, '.github/workflows/book.yml'), 'utf8'));
    expect(book.jobs.build.steps.map((s: { run?: string; uses?: string }) => s.run ?? s.uses)).toContain('npm run book');
    expect(book.jobs.deploy.steps[0].uses).toMatch(/^actions\/deploy-pages@/);
    const labs = parse(readFileSync(join(dir, '.github/workflows/labs.yml'), 'utf8'));
    expect(labs.on.push.paths).toEqual(['labs/**']);
    expect(JSON.stringify(labs.jobs)).toContain('drydock lab test');
    const grade = parse(readFileSync(join(dir, '.github/workflows/drydock-grade.yml'), 'utf8'));
    expect(grade.env).toMatchObject({ LAB: 'labs/webapp-image', SHARDS: '2' });
    expect(readFileSync(join(dir, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['node_modules/', 'site/']));
    expect(readFileSync(join(dir, 'README.md'), 'utf8')).toContain('npm run book');
  });

  it("the sample chapter's advice on adding a chapter works as written", () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'drydock-init-')), 'c');
    scaffoldCourse(dir, { drydockSpec: 'drydock@^1.2.3' });
    const sample = readFileSync(join(dir, 'chapters/01-your-first-chapter.md'), 'utf8');
    expect(sample).toMatch(/`chapters\/02-next-topic\.md` goes into `course\.yaml`'s list/);
    writeFileSync(join(dir, 'chapters/02-next-topic.md'), '# Next topic\n\nText.\n');
    // Not listed yet: the course says so (the advice exists because of this).
    expect(loadCourse(dir).problems.map((p) => p.message).join('\n')).toMatch(/missing from course\.yaml/);
    const yaml = readFileSync(join(dir, 'course.yaml'), 'utf8');
    writeFileSync(join(dir, 'course.yaml'), yaml.replace('[01-your-first-chapter.md]', '[01-your-first-chapter.md, 02-next-topic.md]'));
    const course = loadCourse(dir);
    expect(course.problems).toEqual([]);
    expect(course.chapters.map((c) => c.path)).toEqual(['chapters/01-your-first-chapter.md', 'chapters/02-next-topic.md']);
  });

  it('refuses a folder that is not empty: one line, exit 2, nothing written', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-init-'));
    mkdirSync(join(dir, 'mine'));
    writeFileSync(join(dir, 'mine/notes.md'), 'keep me\n');
    let err = '';
    const write = process.stderr.write;
    process.stderr.write = ((c: string) => ((err += c), true)) as typeof process.stderr.write;
    try {
      expect(await main(['init', join(dir, 'mine')])).toBe(2);
    } finally {
      process.stderr.write = write;
    }
    expect(err.trimEnd().split('\n')).toEqual([`drydock init: ${join(dir, 'mine')} is not empty; give a new or empty folder (drydock init my-course)`]);
    expect(readFileSync(join(dir, 'mine/notes.md'), 'utf8')).toBe('keep me\n');
  });

  it("ci and classroom install the drydock the course's package.json pins, not the course repository", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'drydock-init-')), 'my-course');
    scaffoldCourse(dir, { drydockSpec: 'drydock@^1.2.3' });
    // A pushed course has a remote: installing that repository globally gives no drydock command.
    spawnSync('git', ['init', '-q', dir]);
    spawnSync('git', ['-C', dir, 'remote', 'add', 'origin', 'https://github.com/someone/my-course.git']);
    const quiet = async (args: string[]) => {
      const write = process.stderr.write;
      process.stderr.write = (() => true) as typeof process.stderr.write;
      try {
        return await main(args);
      } finally {
        process.stderr.write = write;
      }
    };
    expect(await quiet(['ci', 'github', join(dir, 'labs/webapp-image'), '--shards', '2', '--out', dir])).toBe(0);
    const installs = (file: string) => [...readFileSync(file, 'utf8').matchAll(/npm install --global "([^"]+)"/g)].map((m) => m[1]);
    expect(installs(join(dir, '.github/workflows/drydock-grade.yml'))).toEqual(['drydock@^1.2.3', 'drydock@^1.2.3']);
    const student = join(dir, '..', 'student');
    expect(await quiet(['classroom', join(dir, 'labs/webapp-image'), '--out', student])).toBe(0);
    expect(installs(join(student, '.github/workflows/classroom.yml'))).toEqual(['drydock@^1.2.3']);
    // A file: or git pin is used as written.
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    pkg.devDependencies.drydock = 'file:../drydock-1.2.3.tgz';
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
    expect(await quiet(['ci', 'gitlab', join(dir, 'labs/webapp-image'), '--shards', '2', '--out', dir])).toBe(0);
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).toContain('file:../drydock-1.2.3.tgz');
    expect(readFileSync(join(dir, '.gitlab-ci.yml'), 'utf8')).not.toContain('someone/my-course');
  });
});
