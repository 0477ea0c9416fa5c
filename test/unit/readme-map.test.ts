// The README's map of the code (its Layout section) is the folder tree: every
// folder of graders/, build/ and test/ has its line, every source file of
// graders/, build/, cli/ and lib/ is named, and every file the map names exists.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/helpers';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const layout = /^## Layout\n[\s\S]*?^```\n([\s\S]*?)^```/m.exec(readme)?.[1] ?? '';
const files = (dir: string) => readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(ROOT.length + 1));
const folders = (dir: string) => readdirSync(join(ROOT, dir), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
const named = (word: string) => new RegExp(`(^|[^\\w.-])${word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![\\w-])`, 'm').test(layout);

describe("the README's map of the code", () => {
  it('is found', () => expect(layout).toMatch(/^graders\/ /m));

  it('has a line for every folder of graders/, build/ and test/', () => {
    for (const top of ['graders', 'build', 'test']) for (const f of folders(top)) expect(layout, `${top}/${f}/`).toMatch(new RegExp(`^  ([\\w-]+/, )*${f}/`, 'm'));
  });

  it('names every source file (a plugin by its name after remark- or rehype-, a command or check by its name)', () => {
    const unnamed = ['graders', 'build', 'cli', 'lib'].flatMap(files).filter((f) => {
      const name = basename(f);
      const stem = name.replace(/\.[^.]+$/, '').replace(/^(remark|rehype)-/, '');
      return !named(name) && !named(stem);
    });
    expect(unnamed).toEqual([]);
  });

  it('names no file that does not exist', () => {
    const everyFile = new Set(['graders', 'build', 'cli', 'lib', 'test'].flatMap(files).map((f) => basename(f)));
    const gone = [...layout.matchAll(/[\w-]+\.(?:ts|mjs|css|js)\b/g)].map((m) => m[0]).filter((n) => !everyFile.has(n));
    expect(gone).toEqual([]);
  });
});
