// Drydock's shell lexer (graders/dockerfile/shell-words.ts) against BuildKit's
// own, through the oracle: generated values and glob patterns in every
// pattern form (${U#p}, ${U##p}, ${U%p}, ${U%%p}, ${U/p/r}, ${U//p/r}). The
// lexer matches globs with a linear automaton instead of a backtracking
// regular expression (a pattern such as *a*a*a…b made that hang the grader);
// this holds it to BuildKit's meaning. BuildKit's expansion is read from the
// URL an ADD would fetch, so the oracle reports it verbatim.
import { describe, expect, it } from 'vitest';
import { processWord } from '../../graders/dockerfile/shell-words';
import { oracleMissing, runOracle } from './buildkit-oracle';
import { rng } from './dockerfile-mutations';

const COUNT = 600;

function cases(seed: number) {
  const r = rng(seed);
  const pick = (s: string) => s[Math.floor(r() * s.length)];
  return Array.from({ length: COUNT }, (_, i) => {
    const value = Array.from({ length: 1 + Math.floor(r() * 10) }, () => pick('ab.-')).join('');
    const pattern = Array.from({ length: 1 + Math.floor(r() * 5) }, () => pick('ab.*?*')).join('');
    const op = ['#', '##', '%', '%%', '/', '//'][Math.floor(r() * 6)];
    const word = op.startsWith('/') ? `\${U${op}${pattern}/${pick('xy')}}` : `\${U${op}${pattern}}`;
    return { id: String(i), word, value, dockerfile: `FROM scratch\nARG U=${value}\nADD http://h/q${word}z /x\n` };
  });
}

const missing = oracleMissing();
describe.skipIf(missing)("glob patterns in expansions, against BuildKit's shell lexer", () => {
  it(`${COUNT} generated values and patterns expand as BuildKit expands them`, () => {
    const all = cases(7);
    const res = runOracle(
      'current',
      all.map((c) => ({ id: c.id, dockerfile: c.dockerfile, allowedImages: [] })),
    );
    const differ: string[] = [];
    let compared = 0;
    for (const [i, c] of all.entries()) {
      const url = res[i].urls.find((u) => u.startsWith('http://h/q'));
      if (res[i].parseError || url === undefined) continue;
      compared++;
      const theirs = url.slice('http://h/q'.length, -1);
      const ours = processWord(c.word, new Map([['U', c.value]]));
      if (ours !== theirs) differ.push(`U=${c.value} ${c.word}: BuildKit ${JSON.stringify(theirs)}, Drydock ${JSON.stringify(ours)}`);
    }
    // Most cases are compared (a generator that only made errors would prove nothing).
    expect(compared).toBeGreaterThan(COUNT * 0.9);
    expect(differ, differ.slice(0, 10).join('\n')).toEqual([]);
  });
});
