// Every command's usage mistakes: one line on stderr naming the mistake, nothing on
// stdout, exit 2 — never a stack trace. The table runs the CLI's main in this process
// (a thrown error fails the test: it would be a stack trace); the last cases run the
// bundled bin as a user's shell does.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { COMMAND_NAMES, main } from '../../cli/main';
import { ROOT } from '../support/helpers';

const BIN = join(ROOT, 'bin/drydock.mjs');
const spawnBin = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: ROOT, env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } });

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

async function run(args: string[]): Promise<Run> {
  const out = { stdout: '', stderr: '' };
  const [write1, write2] = [process.stdout.write, process.stderr.write];
  process.stdout.write = ((c: string) => ((out.stdout += c), true)) as typeof process.stdout.write;
  process.stderr.write = ((c: string) => ((out.stderr += c), true)) as typeof process.stderr.write;
  try {
    return { status: await main(args), ...out };
  } finally {
    process.stdout.write = write1;
    process.stderr.write = write2;
  }
}

// [command words, an option that takes a value, a wrong value for an option with a type]
const COMMANDS: [string[], string | undefined, string[] | undefined][] = [
  [['init'], '--title', undefined],
  [['build'], '--out', ['-j', 'two']],
  [['dev'], '--root', ['--port', 'eighty']],
  [['lab', 'new'], '--dir', undefined],
  [['lab', 'test'], '--format', ['--jobs', '0']],
  [['grade'], '--out', ['--format', 'pdf']],
  [['gradebook', 'merge'], '--roster', undefined],
  [['images'], undefined, undefined],
  [['doctor'], '--engines-file', undefined],
  [['classroom'], '--package', undefined],
  [['report-check'], undefined, undefined],
  [['ci'], '--shards', ['--shards', '1000']],
];

function expectUsageError(r: Run, command: string, mentions: string) {
  const lines = r.stderr.trimEnd().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^drydock${command ? ` ${command}` : ''}: `));
  expect(lines[0]).toContain(mentions);
  expect(r.stdout).toBe('');
  expect(r.status).toBe(2);
}

describe('a usage mistake is one line and exit 2', () => {
  it('the table covers every command', () => {
    expect(new Set(COMMANDS.map(([words]) => words[0]))).toEqual(new Set(COMMAND_NAMES));
  });

  it.each(COMMANDS)('%j with an unknown option', async (words) => {
    expectUsageError(await run([...words, '--bogus']), words.join(' '), 'unknown option --bogus');
  });

  it.each(COMMANDS.filter(([, opt]) => opt))('%j with %s and no value', async (words, opt) => {
    expectUsageError(await run([...words, opt!]), words.join(' '), `${opt} needs a value`);
  });

  it.each(COMMANDS.filter(([, , wrong]) => wrong))('%j with a value of the wrong type: %j', async (words, _opt, wrong) => {
    expectUsageError(await run([...words, 'x', ...wrong!]), words.join(' '), `"${wrong![1]}"`);
  });

  it('a negative number is a value of the wrong type, not an "ambiguous" option', async () => {
    expectUsageError(await run(['build', '-j', '-3']), 'build', '--threads wants a whole number of 1 or more, not "-3"');
    expectUsageError(await run(['dev', '--port', '-1']), 'dev', '--port wants a whole number from 0 to 65535, not "-1"');
    expectUsageError(await run(['ci', 'github', 'x', '--shards', '-2']), 'ci', '--shards wants a whole number from 1 to 256, not "-2"');
    expectUsageError(await run(['init', 'x', '--title', '-Intro']), 'init', '--title needs a value; one that starts with a dash is written --title=-Intro');
  });

  it('--root must be a folder: a typo is not an empty book built into <typo>/site', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-root-'));
    writeFileSync(join(dir, 'README.md'), '# A file\n');
    for (const command of ['build', 'dev']) {
      expectUsageError(await run([command, '--root', join(dir, 'nope')]), command, `--root ${join(dir, 'nope')}: no such folder`);
      expectUsageError(await run([command, '--root', join(dir, 'README.md')]), command, 'not a folder');
      expectUsageError(await run([command, '--root=']), command, '--root needs a value');
    }
    expect(readdirSync(dir)).toEqual(['README.md']);
  });

  it('init into a file: one line, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-init-file-'));
    writeFileSync(join(dir, 'notes.txt'), 'x\n');
    expectUsageError(await run(['init', join(dir, 'notes.txt')]), 'init', 'is a file');
  });

  it('an unknown command and an unknown subcommand', async () => {
    expectUsageError(await run(['bogus']), '', 'unknown command "bogus"');
    expectUsageError(await run(['lab', 'bogus']), 'lab', 'unknown subcommand "bogus"');
  });

  it('--help answers on stdout with exit 0', async () => {
    for (const [words] of COMMANDS) {
      const r = await run([...words, '--help']);
      expect(r.status, words.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^Usage: drydock /);
    }
  });
});

describe('the bundled bin', () => {
  it.each([
    [['build', '--bogus'], 'drydock build: unknown option --bogus'],
    [['images', '--bogus'], 'drydock images: unknown option --bogus'],
    [['grade', 'catalog-image', '.', '--out'], 'drydock grade: --out needs a value'],
  ])('%j: one line, exit 2', (args, line) => {
    const r = spawnBin(args);
    expect(r.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(line)]);
    expect(r.status).toBe(2);
  }, 60_000);

  it('runs dist/ as it is: a source newer than the bundle does not rebuild it', () => {
    const bundle = join(ROOT, 'dist/main.js');
    const before = statSync(bundle).mtimeMs;
    const now = new Date();
    utimesSync(join(ROOT, 'cli/main.ts'), now, now);
    expect(spawnBin(['--version']).stdout).toMatch(/^drydock \d+\.\d+\.\d+/);
    expect(statSync(bundle).mtimeMs).toBe(before);
  }, 60_000);
});
