import type { Report } from './model';

/** The JSON report: the schema the issue fixes, plus phases and notes. */
export function renderJson(r: Report): string {
  const { lab, submission, score, maxScore, durationMs, engine, checks, phases, notes } = r;
  return `${JSON.stringify({ lab, submission, score, maxScore, durationMs, engine, checks, phases, notes }, null, 2)}\n`;
}
