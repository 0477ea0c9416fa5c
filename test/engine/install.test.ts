// The student's path from the handout: install the packed grader into a clean
// npm prefix (no checkout, no dev dependencies), then grade from anywhere.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAB_DIR, ROOT } from '../support/helpers';

describe('npm install --global of the packed tarball', () => {
  it('gives a drydock that answers --version and grades the solution with the lab it ships', () => {
    const work = mkdtempSync(join(tmpdir(), 'drydock-install-'));
    const pack = spawnSync('npm', ['pack', '--silent', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' });
    expect(pack.status, pack.stderr).toBe(0);
    const tgz = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
    const prefix = join(work, 'prefix');
    const install = spawnSync('npm', ['install', '--global', '--prefix', prefix, '--no-audit', '--no-fund', '--prefer-offline', tgz], { encoding: 'utf8', timeout: 600_000 });
    expect(install.status, install.stderr).toBe(0);
    const installed = join(prefix, 'lib/node_modules/drydock');
    // The reference solution never ships to students.
    expect(readdirSync(join(installed, 'labs/catalog-image')).sort()).toEqual(['README.md', 'lab.yaml', 'starter']);

    const bin = join(prefix, 'bin/drydock');
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    expect(version.stdout.trim()).toBe(`drydock ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}`);

    const mine = join(work, 'my-submission');
    cpSync(join(LAB_DIR, 'starter'), mine, { recursive: true });
    cpSync(join(LAB_DIR, 'solution/Dockerfile'), join(mine, 'Dockerfile'));
    const grade = spawnSync(bin, ['grade', 'catalog-image', '.', '--format', 'json', '-q'], { cwd: mine, encoding: 'utf8', timeout: 600_000 });
    expect(grade.status, grade.stderr).toBe(0);
    const report = JSON.parse(grade.stdout);
    expect(report.score).toBe(report.maxScore);

    const missing = spawnSync(bin, ['grade', 'catalog-image', join(work, 'nope')], { encoding: 'utf8' });
    expect(missing.status).toBe(2);
    expect(missing.stderr.trim().split('\n')).toEqual([`drydock grade: no such submission: ${join(work, 'nope')} (give a folder, .zip, .tar or .tar.gz)`]);
  }, 900_000);
});
