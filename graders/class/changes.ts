import type { CheckStatus } from '../checks/types';
import type { Report, StudentStatus } from '../report/model';

/** One check of one student that came out differently in a regrade. */
export interface CheckChange {
  check: string;
  before: { status: CheckStatus; score: number; summary: string; evidence: string[] } | undefined;
  after: { status: CheckStatus; score: number; summary: string; evidence: string[] } | undefined;
}

export interface StudentChange {
  student: string;
  before: { status: StudentStatus; score: number };
  after: { status: StudentStatus; score: number };
  checks: CheckChange[];
}

const view = (c: Report['checks'][number] | undefined) => (c ? { status: c.status, score: c.score, summary: c.summary, evidence: c.evidence } : undefined);

/**
 * What a regrade changed for one student, check by check: status or points,
 * with the summary and evidence before and after, so an instructor sees why
 * before publishing. Nothing when both gradings agree on every check.
 */
export function studentChange(student: string, before: { status: StudentStatus; report: Report }, after: { status: StudentStatus; report: Report }): StudentChange | undefined {
  const ids = [...new Set([...before.report.checks.map((c) => c.id), ...after.report.checks.map((c) => c.id)])];
  const checks: CheckChange[] = [];
  for (const id of ids) {
    const b = before.report.checks.find((c) => c.id === id);
    const a = after.report.checks.find((c) => c.id === id);
    if (b?.status !== a?.status || b?.score !== a?.score) checks.push({ check: id, before: view(b), after: view(a) });
  }
  if (!checks.length && before.status === after.status) return undefined;
  return { student, before: { status: before.status, score: before.report.score }, after: { status: after.status, score: after.report.score }, checks };
}

/** changes.md: one section per student whose grade changed, each check with its evidence before and after. */
export function renderChanges(changes: StudentChange[], regraded: number): string {
  const out = [`# What the regrade changed`, '', `${regraded} student(s) graded again; ${changes.length} with a different result.`, ''];
  for (const c of changes) {
    out.push(`## ${c.student}: ${c.before.score} → ${c.after.score}${c.before.status !== c.after.status ? ` (${c.before.status} → ${c.after.status})` : ''}`, '');
    for (const k of c.checks) {
      out.push(`### ${k.check}: ${k.before ? `${k.before.status} ${k.before.score}` : 'not scored'} → ${k.after ? `${k.after.status} ${k.after.score}` : 'not scored'}`, '');
      if (k.before) out.push(`Before: ${k.before.summary}`, ...(k.before.evidence.length ? ['```text', ...k.before.evidence, '```'] : []), '');
      if (k.after) out.push(`After: ${k.after.summary}`, ...(k.after.evidence.length ? ['```text', ...k.after.evidence, '```'] : []), '');
    }
  }
  return out.join('\n');
}
