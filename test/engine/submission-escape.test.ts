// The two escapes of issue 20, graded end to end on the real engine: a folder
// whose Dockerfile is a chain of links to the host's /etc/os-release, and a tar
// whose links chain out of the extraction folder. Before the fix the first put
// the host file's first line (PRETTY_NAME=...) in the report and the second
// wrote `marker` two levels above the extraction folder.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../graders/engine/connect';
import { ensureImages } from '../../graders/engine/images';
import { gradeSubmission } from '../../graders/grade/grade';
import { labBaseImages } from '../../graders/lab/load';
import { hostileArchive } from '../support/hostile-archive';
import { fastLab, LAB_DIR } from '../support/helpers';

const docker = connect();
const lab = fastLab();

beforeAll(async () => {
  await ensureImages(docker, labBaseImages(lab));
}, 600_000);

describe('a submission cannot reach outside its folder', () => {
  it('does not read the host file a chain of Dockerfile links points at', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-escape-'));
    cpSync(join(LAB_DIR, 'starter'), dir, { recursive: true });
    rmSync(join(dir, 'Dockerfile'), { force: true });
    mkdirSync(join(dir, 'd'));
    symlinkSync('..', join(dir, 'd/l'));
    symlinkSync(`${'d/l/'.repeat(6)}${'../'.repeat(12)}etc/os-release`, join(dir, 'Dockerfile'));
    const report = await gradeSubmission(lab, dir, { docker });
    const text = JSON.stringify(report);
    expect(text).not.toMatch(/PRETTY_NAME|Debian GNU/);
    const build = report.checks.find((r) => r.id === 'build')!;
    expect(build.status).toBe('fail');
    expect(build.summary).toMatch(/points outside the submission \(Dockerfile -> d\/l\//);
  }, 300_000);

  it('writes nothing above the extraction folder from a tar of chained links', async () => {
    const jail = mkdtempSync(join(tmpdir(), 'drydock-escape-jail-'));
    const file = hostileArchive('tar', join(mkdtempSync(join(tmpdir(), 'drydock-escape-')), 'chain.tar'), [
      ['dir', 'd', ''],
      ['sym', 'd/l', '..'],
      ['sym', 'e', 'd/l/d/l/../..'],
      ['file', 'e/marker', 'pwned'],
      ['file', 'Dockerfile', 'FROM scratch\n'],
    ]);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = jail;
    try {
      const report = await gradeSubmission(lab, file, { docker });
      expect(report.checks.find((r) => r.id === 'build')!.summary).toMatch(/through the symlink d\/l/);
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    expect(existsSync(join(jail, 'marker'))).toBe(false);
    expect(readdirSync(jail).filter((n) => !n.startsWith('drydock-'))).toEqual([]);
  }, 300_000);
});
