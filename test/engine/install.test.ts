// The package is the product: npm pack, install the tarball into a clean npm prefix (no
// checkout, no dev dependencies, no sources), then use every command as an author, a
// student and an instructor would, from folders outside this repository.
import { spawn, spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateCourse } from '../../bench/gen-course';
import { LAB_DIR, ROOT } from '../support/helpers';

const work = mkdtempSync(join(tmpdir(), 'drydock-install-'));
const prefix = join(work, 'prefix');
const bin = join(prefix, 'bin/drydock');
const course = join(work, 'my-course');
let tgz: string;
// A PATH without this repository's node_modules/.bin: only the installed drydock is found.
const env = { ...process.env, PATH: `${join(prefix, 'bin')}:/usr/local/bin:/usr/bin:/bin`, FORCE_COLOR: '0', DRYDOCK_CHROMIUM: 'none' };
const run = (args: string[], opts: SpawnSyncOptions & { cwd: string }) => spawnSync(bin, args, { encoding: 'utf8', env, timeout: 3_400_000, ...opts }) as ReturnType<typeof spawnSync> & { stdout: string; stderr: string };

describe('npm install --global of the packed tarball', () => {
  beforeAll(() => {
    const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    tgz = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    const install = spawnSync('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tgz], { encoding: 'utf8', timeout: 600_000 });
    expect(install.status, install.stderr).toBe(0);
  }, 900_000);

  it('ships the bundle and no sources, no build tools, no reference solutions', () => {
    const installed = join(prefix, 'lib/node_modules/drydock');
    expect(readdirSync(join(installed, 'labs/catalog-image')).sort()).toEqual(['README.md', 'lab.yaml', 'starter']);
    expect(existsSync(join(installed, 'dist/main.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist/render-worker.js'))).toBe(true);
    for (const gone of ['cli', 'graders', 'build/site', 'build/render', 'scripts', 'node_modules/esbuild', 'node_modules/tsx']) expect(existsSync(join(installed, gone)), gone).toBe(false);
    expect(run(['--version'], { cwd: work }).stdout.trim()).toBe(`drydock ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}`);
  });

  it('grades the solution with the lab it ships, from the student\'s folder', () => {
    const mine = join(work, 'my-submission');
    cpSync(join(LAB_DIR, 'starter'), mine, { recursive: true });
    cpSync(join(LAB_DIR, 'solution/Dockerfile'), join(mine, 'Dockerfile'));
    // Room for the build on a busy shared machine (a slow build is not what this test is about).
    const grade = run(['grade', 'catalog-image', '.', '--format', 'json', '-q', '--build-timeout', '1200'], { cwd: mine });
    expect(grade.status, grade.stdout + grade.stderr).toBe(0);
    const report = JSON.parse(grade.stdout);
    expect(report.score).toBe(report.maxScore);
    const missing = run(['grade', 'catalog-image', join(work, 'nope')], { cwd: work });
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([`drydock grade: no such submission: ${join(work, 'nope')} (give a folder, .zip, .tar or .tar.gz)`]);
  }, 1_800_000);

  it('init makes a course whose npm run book builds the book with the drydock it pins', () => {
    const init = run(['init', 'my-course', '--package', `file:${tgz}`], { cwd: work });
    expect(init.status, init.stderr).toBe(0);
    const pkg = JSON.parse(readFileSync(join(course, 'package.json'), 'utf8'));
    expect(pkg.devDependencies.drydock).toBe(`file:${tgz}`);
    expect(Object.keys(pkg.scripts).sort()).toEqual(['book', 'dev', 'test']);
    for (const f of ['course.yaml', '.gitignore', 'README.md', '.github/workflows/book.yml', '.github/workflows/labs.yml', '.github/workflows/drydock-grade.yml', 'labs/webapp-image/lab.yaml']) expect(existsSync(join(course, f)), f).toBe(true);
    // A second init into the same folder refuses, in one line.
    const again = run(['init', 'my-course'], { cwd: work });
    expect([again.status, again.stderr.trim().split('\n').length]).toEqual([2, 1]);

    const install = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: course, encoding: 'utf8', env, timeout: 600_000 });
    expect(install.status, install.stderr).toBe(0);
    const book = spawnSync('npm', ['run', 'book'], { cwd: course, encoding: 'utf8', env, timeout: 600_000 });
    expect(book.status, book.stderr).toBe(0);
    expect(book.stderr).not.toMatch(/^warning: (?!.*Mermaid)/m);
    for (const page of ['index.html', '01-your-first-chapter.html', 'labs/webapp-image.html', 'labs/webapp-image-starter.zip', 'print.html']) expect(existsSync(join(course, 'site', page)), page).toBe(true);
    // The global drydock builds the same course: nothing changed, nothing written.
    const again2 = run(['build'], { cwd: course });
    expect(again2.status, again2.stderr).toBe(0);
    expect(again2.stderr).toContain('up to date');
  }, 900_000);

  it('renders a larger book on page workers from the bundle (worker threads need no sources or tsx)', () => {
    const big = join(work, 'big-course');
    generateCourse(big, 60);
    const r = run(['build', '-j', '2'], { cwd: big });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/rendered on 2 threads/);
    expect(readdirSync(join(big, 'site')).filter((f) => f.endsWith('.html')).length).toBeGreaterThanOrEqual(60);
  }, 600_000);

  it('dev serves the course and stops on SIGTERM', async () => {
    const dev = spawn(bin, ['dev', '--port', '0'], { cwd: course, env });
    let err = '';
    const url = await new Promise<string>((resolve, reject) => {
      dev.stderr.on('data', (d) => {
        err += d;
        const m = /drydock dev: (http:\/\/localhost:\d+\/)/.exec(err);
        if (m) resolve(m[1]);
      });
      dev.on('exit', (code) => reject(new Error(`dev exited ${code}: ${err}`)));
    });
    const page = await fetch(`${url}01-your-first-chapter.html`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Your first chapter');
    const code = await new Promise((r) => {
      dev.removeAllListeners('exit');
      dev.on('exit', r);
      dev.kill('SIGTERM');
    });
    expect(code).toBe(0);
  }, 300_000);

  it("proves init's lab with lab test, and makes another with lab new", () => {
    const images = run(['images', 'labs/webapp-image'], { cwd: course });
    expect(images.status, images.stderr).toBe(0);
    // The solution and its variant each compile Go's standard library from nothing (no layer
    // to reuse, unlike the shipped lab's): one at a time, and with the room a lab.yaml may give
    // its builds, so a busy shared machine does not turn a slow build into a failed lab.
    appendFileSync(join(course, 'labs/webapp-image/lab.yaml'), 'limits:\n  buildTimeoutSeconds: 1500\n');
    const test = run(['lab', 'test', 'labs/webapp-image', '-j', '1'], { cwd: course });
    expect(test.status, test.stdout + test.stderr).toBe(0);
    expect(test.stdout).toMatch(/webapp-image: (every check discriminates|the solution and every variant grade as declared)/);
    const made = run(['lab', 'new', 'second-image'], { cwd: course });
    expect(made.status, made.stderr).toBe(0);
    expect(existsSync(join(course, 'labs/second-image/lab.yaml'))).toBe(true);
  }, 3_600_000);

  it('doctor takes a lab id; ci and classroom write their jobs for the course lab', () => {
    const doctor = run(['doctor', 'catalog-image'], { cwd: work });
    expect(doctor.stdout).toMatch(/golang:1\.26-alpine\s+present/);
    expect(doctor.status, doctor.stdout + doctor.stderr).not.toBe(2);
    const ci = run(['ci', 'github', 'labs/webapp-image', '--shards', '2', '--package', `file:${tgz}`], { cwd: course });
    expect(ci.status, ci.stderr).toBe(0);
    expect(readFileSync(join(course, '.github/workflows/drydock-grade.yml'), 'utf8')).toContain('drydock grade "$LAB" --batch');
    const student = join(work, 'student-template');
    const classroom = run(['classroom', 'labs/webapp-image', '--out', student, '--package', `file:${tgz}`], { cwd: course });
    expect(classroom.status, classroom.stderr).toBe(0);
    expect(existsSync(join(student, '.github/workflows/classroom.yml'))).toBe(true);
  }, 300_000);
});
