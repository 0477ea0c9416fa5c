import type Docker from 'dockerode';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { z } from 'zod';
import { parseYamlWith, SourceError, type SourceProblem } from '../../lib/yaml-schema';
import { CHECK_IDS, labChecks } from '../checks';
import type { CheckStatus } from '../checks/types';
import { afterRetry, retryReason } from '../class/retry';
import { prepareEngine } from '../engine/setup';
import { gradeSubmission, type Report } from '../grade/grade';
import type { Lab } from '../lab/load';

/*
 * A lab's self-test: the reference solution must score full marks, and each
 * broken variant (labs/<id>/variants/<name>/: the files that differ from the
 * solution, plus expect.yaml) must fail exactly the checks it declares. A
 * check that no variant fails is reported too: nothing shows it can tell a
 * wrong submission from a right one. That is a warning, not a failure: a new
 * lab starts with one variant.
 */

export const EXPECT_FILE = 'expect.yaml';

const ExpectSchema = z
  .object({
    /** What the variant gets wrong, in a sentence (shown in the report). */
    mistake: z.string().min(1),
    /** Checks that must fail. */
    fails: z.array(z.string()).min(1),
  })
  .strict();

export interface Variant {
  name: string;
  dir: string;
  mistake: string;
  fails: string[];
}

export interface SelfTestCase {
  name: string;
  /** What had to happen: every check passes, or the listed checks fail. */
  expected: string;
  report: Report;
  /** Each way the result differs from what was declared. */
  problems: string[];
  /** Why this case was graded again alone after the others (the class's rule, graders/class/retry.ts). */
  retried?: string;
}

export interface SelfTestResult {
  lab: string;
  cases: SelfTestCase[];
  /** Checks the lab scores that no variant is declared to fail: nothing shows they discriminate (a warning). */
  uncovered: string[];
  infrastructureErrors: number;
  ok: boolean;
}

/** The variants of a lab, each with its declaration checked against the lab (file:line on a mistake). */
export function loadVariants(lab: Lab): Variant[] {
  const root = join(lab.dir, 'variants');
  if (!existsSync(root)) return [];
  const problems: SourceProblem[] = [];
  const variants: Variant[] = [];
  const scored = labChecks(lab).map((c) => c.id);
  for (const name of readdirSync(root).sort()) {
    const dir = join(root, name);
    const file = join(dir, EXPECT_FILE);
    const shown = `labs/${lab.id}/variants/${name}/${EXPECT_FILE}`;
    if (!existsSync(file)) {
      problems.push({ file: shown, line: 1, column: 1, message: `a variant declares the checks it must fail in ${EXPECT_FILE} (fails: [check-id])` });
      continue;
    }
    const parsed = parseYamlWith(ExpectSchema, readFileSync(file, 'utf8'), shown);
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      continue;
    }
    for (const id of parsed.value.fails) {
      if (!scored.includes(id)) {
        problems.push({ file: shown, line: 1, column: 1, message: `fails: "${id}" is not a check this lab scores (${scored.join(', ')})${CHECK_IDS.includes(id) ? '' : '; no such check'}` });
      }
    }
    variants.push({ name, dir, ...parsed.value });
  }
  if (problems.length) throw new SourceError(problems);
  return variants;
}

/** starter + solution, then the variant's files on top: what a student with that one mistake would hand in. */
function assemble(lab: Lab, variant?: Variant): string {
  const dir = mkdtempSync(join(tmpdir(), `drydock-selftest-${variant?.name ?? 'solution'}-`));
  for (const part of [lab.starterDir, lab.solutionDir, variant?.dir]) {
    if (part) cpSync(part, dir, { recursive: true, filter: (src) => !src.endsWith(`/${EXPECT_FILE}`) });
  }
  return dir;
}

const statusOf = (r: Report, id: string): CheckStatus | undefined => r.checks.find((c) => c.id === id)?.status;

export function judgeSolution(report: Report): string[] {
  return report.checks.filter((c) => c.status !== 'pass').map((c) => `${c.id} is ${c.status}, not pass: ${c.summary}`);
}

export function judgeVariant(variant: Variant, report: Report): string[] {
  const problems: string[] = [];
  for (const id of variant.fails) {
    const status = statusOf(report, id);
    if (status !== 'fail') problems.push(`${id} should fail but is ${status ?? 'missing'}${status === 'pass' ? ': the check did not tell this mistake apart' : ''}`);
  }
  for (const c of report.checks) {
    if (c.status === 'error') problems.push(`${c.id} hit an infrastructure error: ${c.summary}`);
  }
  return problems;
}

const judged = (variant: Variant | undefined, report: Report, retried?: string): SelfTestCase => {
  const c: SelfTestCase = variant
    ? { name: variant.name, expected: `fails ${variant.fails.join(', ')} (${variant.mistake})`, report, problems: judgeVariant(variant, report) }
    : { name: 'solution', expected: 'every check passes', report, problems: judgeSolution(report) };
  return retried ? { ...c, retried } : c;
};

/**
 * Grades the solution (`undefined`) and each variant, `jobs` at a time, and judges each.
 * As in a class, an infrastructure error, or a time limit hit while other cases were
 * grading, is not the lab's verdict: such a case is graded again alone after the rest,
 * and the second report stands (graders/class/retry.ts). Measured need: on a cold
 * Docker 26.1.5 engine (BuildKit 0.13), two builds of the same steps at once left the
 * reviews solution's probe with no cache record to find, twice in a row.
 */
export async function gradeCases(
  all: (Variant | undefined)[],
  grade: (variant: Variant | undefined) => Promise<Report>,
  opts: { jobs?: number; onCase?: (c: SelfTestCase) => void; signal?: AbortSignal } = {},
): Promise<SelfTestCase[]> {
  const limit = pLimit(opts.jobs ?? 2);
  // Who graded beside whom: each case counts the others that ran at some moment during it.
  const active = new Set<{ beside: number }>();
  const besideOthers = async (variant: Variant | undefined) => {
    const me = { beside: active.size };
    for (const other of active) other.beside++;
    active.add(me);
    try {
      return { report: await grade(variant), beside: me.beside };
    } finally {
      active.delete(me);
    }
  };
  const cases: SelfTestCase[] = [];
  const again: { i: number; first: Report; why: string; beside: number }[] = [];
  await Promise.all(
    all.map((variant, i) =>
      limit(async () => {
        const { report, beside } = await besideOthers(variant);
        const why = opts.signal?.aborted ? undefined : retryReason(report, beside);
        if (why) return again.push({ i, first: report, why, beside });
        cases[i] = judged(variant, report);
        opts.onCase?.(cases[i]);
      }),
    ),
  );
  for (const { i, first, why, beside } of again.sort((a, b) => a.i - b.i)) {
    const second = opts.signal?.aborted ? first : afterRetry(first, await grade(all[i]), why, beside);
    cases[i] = judged(all[i], second, why);
    opts.onCase?.(cases[i]);
  }
  return cases;
}

export async function selfTestLab(
  lab: Lab,
  opts: { docker: Docker; jobs?: number; onCase?: (c: SelfTestCase) => void; signal?: AbortSignal; onRunStart?: (runId: string) => void },
): Promise<SelfTestResult> {
  if (!lab.solutionDir) throw new SourceError([{ file: `labs/${lab.id}`, line: 1, column: 1, message: 'the lab has no solution/ folder to test against' }]);
  const variants = loadVariants(lab);
  const setup = await prepareEngine(opts.docker, lab);
  const grade = async (variant: Variant | undefined) => {
    const dir = assemble(lab, variant);
    try {
      return await gradeSubmission(lab, dir, { docker: opts.docker, setup, signal: opts.signal, onRunStart: opts.onRunStart });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const cases = await gradeCases([undefined, ...variants], grade, opts);
  const covered = new Set(variants.flatMap((v) => v.fails));
  const uncovered = labChecks(lab).map((c) => c.id).filter((id) => !covered.has(id));
  const infrastructureErrors = cases.filter((c) => c.report.checks.some((x) => x.status === 'error')).length;
  return { lab: lab.id, cases, uncovered, infrastructureErrors, ok: cases.every((c) => c.problems.length === 0) };
}
