// The browser tests leave nothing in /tmp: every folder they make goes through
// test/support/temp.ts, whose `remove` their afterAll calls.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/helpers';
import { tempDirs } from '../support/temp';

describe('temporary folders of the browser tests', () => {
  it('tempDirs removes every folder it made, with what is in it', () => {
    const temps = tempDirs();
    const a = temps.make('drydock-temp-test-');
    const b = temps.make('drydock-temp-test-');
    writeFileSync(join(a, 'file'), 'x');
    expect(a).not.toBe(b);
    expect(existsSync(a) && existsSync(b)).toBe(true);
    expect(temps.remove()).toEqual([]);
    expect(existsSync(a) || existsSync(b)).toBe(false);
    expect(temps.remove()).toEqual([]); // a second call has nothing left to do
  });

  const files = [
    ...readdirSync(join(ROOT, 'test/browser')).filter((f) => f.endsWith('.ts')).map((f) => `test/browser/${f}`),
    'test/support/book-site.ts',
  ];
  it.each(files)('%s makes temp folders only through tempDirs, and removes them in afterAll', (file) => {
    const src = readFileSync(join(ROOT, file), 'utf8');
    expect(src, 'a bare mkdtemp is never removed for it').not.toMatch(/mkdtemp/);
    const makes = /\btemps\.make\(/.test(src);
    if (!makes) return;
    if (file.startsWith('test/support/')) {
      expect(src).toMatch(/temps\.remove\(\)/); // openBookSite's close
    } else {
      expect(src).toMatch(/afterAll\([\s\S]*temps\.remove\(\)/);
    }
  });

  it('the test files that open a fixture site close it in afterAll', () => {
    for (const file of files.filter((f) => f.startsWith('test/browser/'))) {
      const src = readFileSync(join(ROOT, file), 'utf8');
      if (src.includes('openBookSite(')) expect(src, file).toMatch(/afterAll\([\s\S]*closeSite\?\.\(\)/);
    }
  });
});
