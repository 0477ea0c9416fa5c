// lib/: the small pieces graders and the book share.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { esc } from '../../lib/html';
import { listTree } from '../../lib/tree';

describe('listTree', () => {
  it('meets entries as a sorted depth-first walk does, and lists a link to a folder as a link, never its contents', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drydock-tree-'));
    for (const d of ['a/b', 'a-b', 'outside/deep']) mkdirSync(join(dir, d), { recursive: true });
    for (const f of ['a/b/c', 'a/z', 'a.b', 'a0', 'A', 'outside/deep/secret']) writeFileSync(join(dir, f), f);
    symlinkSync('outside', join(dir, 'link'));
    symlinkSync('/', join(dir, 'root'));
    const root = join(dir, 'a');
    const seen = listTree(dir).map((e) => `${e.rel}${e.entry.isSymbolicLink() ? '@' : e.entry.isDirectory() ? '/' : ''}`);
    // '-' and '.' sort before '/', so a plain string sort would put a-b and a.b before a/b.
    expect(seen).toEqual(['A', 'a/', 'a/b/', 'a/b/c', 'a/z', 'a-b/', 'a.b', 'a0', 'link@', 'outside/', 'outside/deep/', 'outside/deep/secret', 'root@']);
    expect(listTree(root).map((e) => e.path)).toEqual([join(root, 'b'), join(root, 'b/c'), join(root, 'z')]);
    rmSync(dir, { recursive: true });
  });
});

describe('esc', () => {
  it('escapes the four characters that end HTML text or a quoted attribute, as named references, and nothing else', () => {
    expect(esc(`<a href="x?y=1&z=2">it's ≥ 😀</a>`)).toBe(`&lt;a href=&quot;x?y=1&amp;z=2&quot;&gt;it's ≥ 😀&lt;/a&gt;`);
    expect(esc('&amp;')).toBe('&amp;amp;');
    expect(esc('plain')).toBe('plain');
  });
});
