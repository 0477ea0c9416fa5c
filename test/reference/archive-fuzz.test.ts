// Hostile archives in bulk (random link chains, absolute targets, `..` through
// links, long pax names, duplicates, a link then a file of the same name,
// backslashed zip names, hard links, FIFOs), opened by Drydock and by other
// extractors (GNU tar, Python's tarfile with the 'data' filter, Python's
// zipfile, Info-ZIP unzip when installed; see archive-fuzz.py). Drydock must
// never write outside its folder, never keep a link that resolves outside, and
// refuse every archive a reference extractor escaped with.
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openSubmission, SubmissionError } from '../../graders/submission/open';
import { isInside } from '../../graders/submission/inside';

interface Ref {
  ok: boolean;
  error: string;
  escaped: string[];
}
interface Case {
  file: string;
  format: 'tar' | 'zip';
  entries: [string, string, string][];
  refs: Record<string, Ref>;
}

const COUNT = 200;
const KINDS: [string, RegExp][] = [
  ['write through a link', /through the symlink/],
  ['link outside', /points outside/],
  ['link loop', /loops/],
  ['name twice', /twice$/],
  ['under a file', /which is a file/],
  ['.. in a name', /escapes its folder/],
  ['hard link', /hard link/],
  ['FIFO', /FIFO/],
  ['absolute name', /absolute path/],
  ['file and folder', /both as a file and as a folder/],
];
const SEED = 20;

/** Every file below `dir`, links included (not followed). */
function everything(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => !lstatSync(join(dir, p)).isDirectory());
}

describe('hostile archives in bulk, against GNU tar, Python tarfile/zipfile and unzip', () => {
  it(`never writes outside or keeps a link that leads out, over ${COUNT} generated archives`, { timeout: 300_000 }, async () => {
    const out = mkdtempSync(join(tmpdir(), 'drydock-fuzz-'));
    execFileSync('python3', [join(import.meta.dirname, '../support/archive-fuzz.py'), out, String(SEED), String(COUNT)]);
    const { abs, cases } = JSON.parse(readFileSync(join(out, 'cases.json'), 'utf8')) as { abs: string; cases: Case[] };
    const jailRoot = join(out, 'dd');
    const tally: Record<string, number> = {};
    const disagreements: string[] = [];
    const count = (k: string) => (tally[k] = (tally[k] ?? 0) + 1);
    const saved = process.env.TMPDIR;
    try {
      for (const [i, c] of cases.entries()) {
        // The extraction folder lands at JAIL/a/b/drydock-sub-X/submission: any climb shows up under the jail.
        const jail = join(jailRoot, String(i));
        mkdirSync(join(jail, 'a/b'), { recursive: true });
        process.env.TMPDIR = join(jail, 'a/b');
        let opened = false;
        let reason = '';
        try {
          const s = await openSubmission(c.file, { maxBytes: 1024 * 1024 });
          opened = true;
          // An independent judge of where links lead: coreutils' realpath, on the tree as extracted.
          const root = realpathSync(join(s.dir));
          const links = everything(root).filter((p) => lstatSync(join(root, p)).isSymbolicLink());
          if (links.length) {
            const targets = execFileSync('realpath', ['-m', ...links.map((l) => join(root, l))], { encoding: 'utf8' }).trim().split('\n');
            for (const [j, t] of targets.entries()) expect(isInside(root, t), `case ${i}: ${links[j]} -> ${t}\n${JSON.stringify(c.entries)}`).toBe(true);
          }
          s.dispose();
        } catch (err) {
          if (!(err instanceof SubmissionError)) throw new Error(`case ${i} (${JSON.stringify(c.entries)}): ${(err as Error).stack}`);
          reason = err.reason;
        }
        expect(everything(jail), `case ${i} wrote outside: ${JSON.stringify(c.entries)}`).toEqual([]);
        expect(everything(abs), `case ${i} wrote through an absolute link: ${JSON.stringify(c.entries)}`).toEqual([]);
        count(`${c.format} drydock ${opened ? 'opened' : 'refused'}`);
        if (!opened) count(`${c.format} drydock refused: ${KINDS.find(([, re]) => re.test(reason))?.[0] ?? reason}`);
        for (const [tool, r] of Object.entries(c.refs)) {
          count(`${tool} ${r.ok ? 'finished' : 'stopped'}${r.escaped.length ? ' and escaped' : ''}`);
          count(`${tool} ${r.ok ? 'finished' : 'stopped'} / drydock ${opened ? 'opened' : 'refused'}`);
          if (r.ok !== opened) disagreements.push(`case ${i} ${tool} ${r.ok ? 'finished' : `stopped (${r.error})`}, drydock ${opened ? 'opened' : `refused (${reason})`}: ${JSON.stringify(c.entries)}`);
          // Whatever another extractor let out, Drydock refused.
          if (r.escaped.length) expect(opened, `case ${i}: ${tool} escaped to ${r.escaped} but Drydock opened it`).toBe(false);
        }
      }
    } finally {
      if (saved === undefined) delete process.env.TMPDIR;
      else process.env.TMPDIR = saved;
    }
    console.log(disagreements.join('\n'));
    console.log(Object.entries(tally).sort().map(([k, v]) => `${String(v).padStart(4)}  ${k}`).join('\n'));
    // The generator must produce both outcomes, or it is not testing anything.
    expect(tally['tar drydock opened'] ?? 0).toBeGreaterThan(0);
    expect(tally['tar drydock refused'] ?? 0).toBeGreaterThan(0);
    expect(tally['zip drydock opened'] ?? 0).toBeGreaterThan(0);
    expect(tally['zip drydock refused'] ?? 0).toBeGreaterThan(0);
  });
});
