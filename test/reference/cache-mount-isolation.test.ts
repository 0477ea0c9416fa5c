// Each grading builds with cache mount ids of its own (graders/dockerfile/cache-mounts.ts). The
// rewrite is judged by BuildKit's own frontend (the oracles of scripts/oracle-up.sh): on many
// spellings of cache mounts, the rewritten file must read as the same build with only the cache
// ids changed, every cache id must be the grading's, and a file the rewrite cannot handle must be
// refused by the rules rather than built with a shared id.
import { describe, expect, it } from 'vitest';
import { isolateCacheMounts, CACHE_ID_PREFIX } from '../../graders/dockerfile/cache-mounts';
import { parseDockerfile } from '../../graders/dockerfile/parse';
import { checkDockerfilePolicy } from '../../graders/dockerfile/policy';
import { ROOT } from '../support/helpers';
import { GENERATIONS, oracleMissing, runOracle, type OracleResult } from './buildkit-oracle';
import { labDockerfiles } from './dockerfile-mutations';

const RUN_ID = 'mzz0t3st-abc123';
const IMG = 'golang:1.26-alpine';

/** RUN lines with cache mounts, in the spellings students write and a few they might not. */
const RUNS: string[] = [
  'RUN --mount=type=cache,target=/go/pkg/mod go mod download',
  'RUN --mount=type=cache,target=/go/pkg/mod \\\n    --mount=type=cache,target=/root/.cache/go-build \\\n    go build -o /out/app .',
  'RUN --mount=type=cache,id=gomod,target=/go/pkg/mod go env',
  'RUN --mount=id=gomod,type=cache,target=/go/pkg/mod,sharing=locked go env',
  'RUN --mount=type=cache,ID=upper,target=/c true',
  'RUN --mount=TYPE=cache,target=/c true',
  'RUN --mount=type=CACHE,target=/c true',
  'RUN --mount=type=cache,dst=/d true',
  'RUN --mount=type=cache,destination=/d2,mode=0777,uid=1,gid=2 true',
  'RUN --mount=type=cache,target=/t/ true',
  'RUN --mount=type=cache,target=t-relative true',
  'RUN --mount=type=cache,target=/c,id=a,id=b true',
  'RUN --mount=type=cache,target=/c,ro true',
  'RUN --mount=type=cache,target=/c,from=base,source=/src true',
  'RUN\t--mount=type=cache,target=/tab\ttrue',
  'RUN --mount=type=tmpfs,target=/tmp2 --mount=type=cache,target=/c2 --mount=type=bind,target=/b,from=base,source=/ true',
  'RUN --network=none --mount=type=cache,target=/n true',
  'RUN --mount=type=cache,target=/c echo --mount=type=cache,target=/c id=x',
  'RUN --mount=type=cache,target=/c \\\n# a comment inside the continuation\n\n    --mount=type=cache,target=/c3 true',
  '  RUN --mount=type=cache,target=/indented true',
  'run --mount=type=cache,target=/lower true',
  'RUN --mount=type=cache,target=/c,id= true',
  'RUN --mount=type=cache,target=/c,id=a=b true',
];

/** Split over a continuation: BuildKit joins the halves; the rewrite cannot find them, so the rules must refuse. */
const SPLIT: string[] = ['RUN --mount=type=cache,\\\ntarget=/c true', 'RUN --mount=type=cache,target=/c,\\\nid=x true', 'RUN --mount=\\\ntype=cache,target=/c true'];

function files(): { name: string; text: string; images: string[] }[] {
  const out = RUNS.map((run, i) => ({ name: `run-${i}`, text: `FROM ${IMG} AS base\nRUN true\nFROM ${IMG} AS build\nWORKDIR /src\n${run}\nFROM ${IMG}\n${run}\n`, images: [IMG] }));
  // The labs' own files with a cache mount added to every RUN.
  for (const base of labDockerfiles(ROOT)) {
    const text = base.text.replace(/^RUN /gm, 'RUN --mount=type=cache,target=/root/.cache/x ');
    if (text !== base.text) out.push({ name: base.file, text, images: base.images });
  }
  return out;
}

const cacheMountsOf = (r: OracleResult) => r.mounts.filter((m) => m.type === 'cache');

describe.skipIf(oracleMissing())('cache mount isolation, judged by BuildKit', () => {
  const cases = files();

  it('the rules accept every case (so the rewrite is what isolates them)', () => {
    for (const c of cases) expect(checkDockerfilePolicy(c.text, { images: c.images.map((ref) => ({ ref })) }).map((v) => `${v.line}: ${v.message}`), c.name).toEqual([]);
  });

  for (const gen of GENERATIONS) {
    it(`BuildKit ${gen}: the rewritten file is the same build with every cache id the grading's own`, () => {
      const rewritten = cases.map((c) => isolateCacheMounts(parseDockerfile(c.text), c.text, RUN_ID).text);
      const before = runOracle(gen, cases.map((c) => ({ id: c.name, dockerfile: c.text, allowedImages: c.images })));
      const after = runOracle(gen, cases.map((c, i) => ({ id: c.name, dockerfile: rewritten[i], allowedImages: c.images })));
      let checked = 0;
      cases.forEach((c, i) => {
        const [b, a] = [before[i], after[i]];
        expect(a.parseError, c.name).toBe(b.parseError);
        if (b.parseError) return;
        // The same instructions on the same lines, the same commands.
        expect(a.ast.map((n) => [n.keyword, n.line, n.endLine, n.words]), c.name).toEqual(b.ast.map((n) => [n.keyword, n.line, n.endLine, n.words]));
        // The same mounts but for the cache ids.
        const strip = (ms: OracleResult['mounts']) => ms.map((m) => ({ ...m, id: m.type === 'cache' ? undefined : m.id }));
        expect(strip(a.mounts), c.name).toEqual(strip(b.mounts));
        // Every cache id is this grading's, and two mounts share an id after exactly when they did before.
        const [bc, ac] = [cacheMountsOf(b), cacheMountsOf(a)];
        expect(ac.length, c.name).toBe(bc.length);
        for (const m of ac) expect(m.id, `${c.name}: ${JSON.stringify(m)}`).toMatch(new RegExp(`^/?${CACHE_ID_PREFIX}${RUN_ID}-`));
        const pairs = (ms: typeof bc) => ms.flatMap((x, j) => ms.slice(j + 1).map((y) => (x.id || x.target) === (y.id || y.target)));
        expect(pairs(ac), c.name).toEqual(pairs(bc));
        checked += ac.length;
      });
      // Nothing vacuous: most cases have two or more cache mounts to compare.
      expect(checked).toBeGreaterThanOrEqual(cases.length);
    });

    it(`BuildKit ${gen}: a cache mount split over a continuation is refused by the rules, never built with a shared id`, () => {
      const texts = SPLIT.map((run) => `FROM ${IMG}\n${run}\n`);
      const read = runOracle(gen, texts.map((t, i) => ({ id: `split-${i}`, dockerfile: t, allowedImages: [IMG] })));
      texts.forEach((t, i) => {
        // BuildKit reads a cache mount there...
        expect(cacheMountsOf(read[i]).length, SPLIT[i]).toBe(1);
        // ...which the rewrite cannot reach, so the rules refuse the file.
        expect(checkDockerfilePolicy(t, { images: [{ ref: IMG }] }).map((v) => v.rule), SPLIT[i]).toContain('mount');
      });
    });
  }

  // Found by a review: a first line holding only a backslash made the reader place flags too far left.
  it('an accepted file is never one the rewrite throws on', () => {
    const text = `FROM ${IMG}\n\\\n   RUN --mount=type=cache,target=/c true\n`;
    expect(checkDockerfilePolicy(text, { images: [{ ref: IMG }] })).toEqual([]);
    expect(() => isolateCacheMounts(parseDockerfile(text), text, RUN_ID)).not.toThrow();
  });

  for (const gen of GENERATIONS) {
    it(`BuildKit ${gen}: a decoy inside a bind mount does not take the rewrite meant for a cache mount`, () => {
      const W = '--mount=type=cache,target=/go/pkg/mod';
      const text = `FROM ${IMG}\n\\\n${' '.repeat(56)}RUN --mount=type=bind,target=/x${W},target=/tmp/decoy --mount=type=cache,\\\ntarget=/go/pkg/mod go build ./...\n`;
      // Refused (the real cache flag is split), or rewritten so that BuildKit builds no shared id.
      if (checkDockerfilePolicy(text, { images: [{ ref: IMG }] }).length) return;
      const out = isolateCacheMounts(parseDockerfile(text), text, RUN_ID).text;
      for (const m of cacheMountsOf(runOracle(gen, [{ id: 'decoy', dockerfile: out, allowedImages: [IMG] }])[0])) expect(m.id).toMatch(new RegExp(`^/?${CACHE_ID_PREFIX}${RUN_ID}-`));
    });

    it(`BuildKit ${gen}: the rewrite never pushes an accepted line past BuildKit's line limit`, () => {
      const head = 'RUN --mount=type=cache,target=/c --mount=type=cache,target=/d true ';
      const longest = `FROM ${IMG}\n${head}${'x'.repeat(16 * 1024 - head.length)}\n`;
      expect(checkDockerfilePolicy(longest, { images: [{ ref: IMG }] })).toEqual([]);
      const out = isolateCacheMounts(parseDockerfile(longest), longest, RUN_ID).text;
      expect(runOracle(gen, [{ id: 'long', dockerfile: out, allowedImages: [IMG] }])[0].parseError).toBeUndefined();
      // A line BuildKit itself would still take, but that leaves the rewrite no room, is refused.
      const tooLong = `FROM ${IMG}\n${head}${'x'.repeat(65530 - head.length)}\n`;
      expect(runOracle(gen, [{ id: 'too-long', dockerfile: tooLong, allowedImages: [IMG] }])[0].parseError).toBeUndefined();
      expect(checkDockerfilePolicy(tooLong, { images: [{ ref: IMG }] }).map((v) => v.line)).toEqual([2]);
    });
  }
});
