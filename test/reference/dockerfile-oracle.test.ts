// The differential test of Drydock's Dockerfile rules against BuildKit itself.
// BuildKit's own frontend code (built by scripts/oracle-up.sh from Debian's
// docker.io packages, one binary per frontend generation) says what a build of
// each hostile variant of the lab Dockerfiles would fetch, read or run; wherever
// it says the build reaches beyond the submission, the rules must refuse it.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseDockerfile, withoutSyntaxDirective } from '../../graders/dockerfile/parse';
import { checkDockerfilePolicy, type PolicyContext } from '../../graders/dockerfile/policy';
import { ROOT } from '../support/helpers';
import { GENERATIONS, oracleMissing, parserTestFiles, runOracle, type Generation, type OracleResult } from './buildkit-oracle';
import { FRONTEND, labDockerfiles, mutations, OUTSIDE, URL, type Family, type Mutation } from './dockerfile-mutations';

/*
 * Families where today's rules still accept files BuildKit would build
 * dangerously. Their tests are `it.fails`: they pass while the rules are
 * wrong and turn red the moment a family is fixed, so whoever fixes it moves
 * the family out of this list (and can never silently move it back).
 */
const TODAY: Family[] = [];
const PENDING: Record<Generation, Family[]> = {
  '0.8': TODAY,
  current: TODAY,
};
// BuildKit's parser test files where today's reader disagrees with BuildKit and the rules do not refuse.
const PARSER_FILES_PENDING = false;

const missing = oracleMissing();
const ctxFor = (images: string[]): PolicyContext => ({ images: images.map((ref) => ({ ref })) });
const refused = (text: string, images: string[]) => checkDockerfilePolicy(text, ctxFor(images)).length > 0;

/*
 * What the engine is given is not always the text the rules judged: when the
 * `# syntax=` frontend cannot be fetched offline, the grader blanks that line
 * and builds with the built-in frontend (graders/grade/grade.ts). Both texts count.
 */
function builtTexts(text: string): string[] {
  let df;
  try {
    df = parseDockerfile(text);
  } catch {
    return [text];
  }
  return df.syntax ? [text, withoutSyntaxDirective(df)] : [text];
}

interface Verdict {
  mutation: Mutation;
  gen: Generation;
  dangerous: string[];
  parseError?: string;
  refused: boolean;
}

let verdictCache: Verdict[] | undefined;
function verdicts(): Verdict[] {
  if (verdictCache) return verdictCache;
  const all = mutations(labDockerfiles(ROOT));
  const refusals = all.map((m) => refused(m.text, m.images));
  const out: Verdict[] = [];
  for (const gen of GENERATIONS) {
    const reqs = all.flatMap((m, i) => builtTexts(m.text).map((t, j) => ({ id: `${i}.${j}`, dockerfile: t, allowedImages: m.images })));
    const byMutation = new Map<number, OracleResult[]>();
    for (const r of runOracle(gen, reqs)) {
      const i = Number(r.id.split('.')[0]);
      byMutation.set(i, [...(byMutation.get(i) ?? []), r]);
    }
    all.forEach((m, i) => {
      const rs = byMutation.get(i) ?? [];
      out.push({
        mutation: m,
        gen,
        dangerous: [...new Set(rs.flatMap((r) => r.dangerous))],
        parseError: rs[0]?.parseError,
        refused: refusals[i],
      });
    });
  }
  writeReport(out);
  return (verdictCache = out);
}

/** The failures, grouped by family, in a file the Dockerfile reader's authors can work from. */
function writeReport(vs: Verdict[]) {
  const failing = vs.filter((v) => v.dangerous.length && !v.refused);
  const report: Record<string, Record<string, { id: string; base: string; dangerous: string[]; dockerfile: string }[]>> = {};
  for (const v of failing) {
    ((report[v.gen] ??= {})[v.mutation.family] ??= []).push({ id: v.mutation.id, base: v.mutation.base, dangerous: v.dangerous, dockerfile: v.mutation.text });
  }
  const file = process.env.DRYDOCK_ORACLE_REPORT ?? join(tmpdir(), 'drydock-oracle-report.json');
  writeFileSync(file, JSON.stringify(report, null, 2));
  const lines = GENERATIONS.map((g) => {
    const fams = [...new Set(vs.map((v) => v.mutation.family))];
    const counts = fams.map((f) => {
      const of = vs.filter((v) => v.gen === g && v.mutation.family === f);
      return `${f} ${of.filter((v) => v.dangerous.length && !v.refused).length}/${of.filter((v) => v.dangerous.length).length}`;
    });
    return `  BuildKit ${g}: accepted/dangerous per family: ${counts.join(', ')}`;
  });
  console.log(`[oracle] ${vs.length / GENERATIONS.length} mutations; report of accepted dangerous files: ${file}\n${lines.join('\n')}`);
}

function describeFailures(vs: Verdict[]): string {
  return vs
    .slice(0, 12)
    .map((v) => `- ${v.mutation.id} (from ${v.mutation.base})\n    BuildKit ${v.gen}: ${v.dangerous.join('; ')}\n    ${JSON.stringify(v.mutation.text)}`)
    .join('\n') + (vs.length > 12 ? `\n… and ${vs.length - 12} more (see the report file)` : '');
}

if (missing) {
  describe('BuildKit oracle', () => {
    if (process.env.CI === 'true') {
      it('is built (scripts/oracle-up.sh runs before the tests in npm test)', () => {
        throw new Error(missing);
      });
    } else {
      console.warn(`[oracle] skipped: ${missing}`);
      it.skip(`differential test against BuildKit: ${missing}`, () => {});
    }
  });
} else {
  describe('the oracle itself sees plain dangers (so a broken oracle cannot pass everything)', () => {
    const FROM = 'FROM golang:1.26-alpine\n';
    const images = ['golang:1.26-alpine'];
    const cases: [string, string, RegExp][] = [
      ['ADD of a URL is a fetch', `${FROM}ADD ${URL} /x\n`, /^fetch: http:\/\/127\.0\.0\.1:8765\/x$/],
      ['COPY --from an outside image reads it', `${FROM}COPY --from=${OUTSIDE} /bin/sh /sh\n`, /^image: reads docker\.io\/library\/busybox:latest/],
      ['a secret mount', `${FROM}RUN --mount=type=secret,id=tok cat /run/secrets/tok\n`, /^secret: mounts secret tok/],
      ['a syntax directive runs a frontend', `# syntax=${FRONTEND}\n${FROM}RUN true\n`, /^frontend: runs 127\.0\.0\.1:8765\/frontend/],
      ['FROM an outside image', `FROM ${OUTSIDE}\nRUN true\n`, /^image: reads docker\.io\/library\/busybox:latest/],
    ];
    for (const gen of GENERATIONS) {
      it(`BuildKit ${gen}`, () => {
        const safe = runOracle(gen, [{ id: 'safe', dockerfile: `# syntax=docker/dockerfile:1\n${FROM}COPY . .\nRUN --mount=type=cache,target=/c go build\n`, allowedImages: images }])[0];
        expect(safe.parseError).toBeUndefined();
        expect(safe.dangerous).toEqual([]);
        expect(safe.network).toEqual(['none']);
        const res = runOracle(gen, cases.map(([id, dockerfile]) => ({ id, dockerfile, allowedImages: images })));
        res.forEach((r, i) => {
          expect(r.parseError, cases[i][0]).toBeUndefined();
          expect(r.dangerous.some((d) => cases[i][2].test(d)), `${cases[i][0]}: ${r.dangerous.join('; ')}`).toBe(true);
        });
        // A file BuildKit refuses fetches nothing; a frontend is chosen before parsing.
        const [bad, badWithFrontend] = runOracle(gen, [
          { id: 'bad', dockerfile: `${FROM}ADD --nope ${URL} /x\n`, allowedImages: images },
          { id: 'bad-frontend', dockerfile: `# syntax=${FRONTEND}\n${FROM}ADD --nope ${URL} /x\n`, allowedImages: images },
        ]);
        expect(bad.parseError).toMatch(/unknown flag/i);
        expect(bad.dangerous).toEqual([]);
        expect(badWithFrontend.dangerous).toEqual([`frontend: runs ${FRONTEND} as the Dockerfile frontend`]);
      });
    }
  });

  describe('every lab Dockerfile is safe as it stands, for BuildKit and for the rules', () => {
    for (const gen of GENERATIONS) {
      it(`BuildKit ${gen}`, () => {
        const bases = labDockerfiles(ROOT);
        const res = runOracle(gen, bases.map((b) => ({ id: b.file, dockerfile: b.text, allowedImages: b.images })));
        for (const [i, r] of res.entries()) {
          expect(r.dangerous, r.id).toEqual([]);
          expect(refused(bases[i].text, bases[i].images), r.id).toBe(false);
        }
      });
    }
  });

  describe('hostile variants of the lab Dockerfiles: wherever BuildKit would reach out, the rules refuse', () => {
    it('at least 500 variants, and in every family some that BuildKit would really build dangerously', () => {
      const vs = verdicts();
      expect(vs.length / GENERATIONS.length).toBeGreaterThanOrEqual(500);
      const families = new Set(vs.map((v) => v.mutation.family));
      for (const f of families) expect(vs.some((v) => v.mutation.family === f && v.dangerous.length), f).toBe(true);
    });
    const families: Family[] = ['confirmed', 'whitespace', 'continuation', 'escape', 'quoting', 'variables', 'stages', 'directives', 'heredoc', 'case', 'sources', 'flags'];
    for (const gen of GENERATIONS) {
      for (const family of families) {
        const test = PENDING[gen].includes(family) ? it.fails : it;
        test(`BuildKit ${gen}: ${family}`, () => {
          const failing = verdicts().filter((v) => v.gen === gen && v.mutation.family === family && v.dangerous.length && !v.refused);
          expect(failing.length, `accepted though BuildKit ${gen} would build them dangerously:\n${describeFailures(failing)}`).toBe(0);
        });
      }
    }
  });

  describe("BuildKit's own parser test files", () => {
    const files = parserTestFiles();
    it('are there, and the oracle reads each exactly as BuildKit expects', () => {
      expect(files.length).toBeGreaterThan(20);
      // The current generation's parser is the one the files were written for; its dump must match them.
      const res = runOracle('current', files.map((f) => ({ id: f.name, dockerfile: f.dockerfile, allowedImages: [] })));
      const withResult = files.filter((f) => f.result !== undefined);
      for (const f of withResult) {
        const r = res.find((x) => x.id === f.name)!;
        expect(r.astDump?.trim(), f.name).toBe(f.result!.trim());
      }
    });
    (PARSER_FILES_PENDING ? it.fails : it)("wherever Drydock's reading differs from BuildKit's, the rules refuse", () => {
      const disagreements: string[] = [];
      for (const gen of GENERATIONS) {
        const res = runOracle(gen, files.map((f) => ({ id: f.name, dockerfile: f.dockerfile, allowedImages: [] })));
        for (const [i, r] of res.entries()) {
          if (r.parseError && !r.frontend) continue; // BuildKit refuses the file: nothing is built
          const ours = drydockReading(files[i].dockerfile);
          const theirs = r.ast.map((a) => `${a.line} ${a.keyword.toLowerCase()}`);
          const firstFrom = theirs.findIndex((k) => k.endsWith(' from'));
          const buildkit = theirs.slice(Math.max(0, firstFrom));
          if (ours.join('|') === buildkit.join('|')) continue;
          // Images are not the point here: the file's own are allowed.
          if (refused(files[i].dockerfile, r.images.length ? r.images : r.baseImages)) continue;
          disagreements.push(`${gen} ${files[i].name}: BuildKit ${buildkit.join(', ')} / Drydock ${ours.join(', ')}`);
        }
      }
      console.log(`[oracle] parser test files: ${disagreements.length} readings differ from BuildKit's and are not refused`);
      expect(disagreements, disagreements.join('\n')).toEqual([]);
    });
  });
}

/** Drydock's reading of a Dockerfile, as BuildKit's line and keyword of each instruction from the first FROM on. */
function drydockReading(text: string): string[] {
  try {
    return parseDockerfile(text).stages.flatMap((s) => s.instructions.map((i) => `${i.line} ${i.keyword.toLowerCase()}`));
  } catch {
    return [];
  }
}
