import { esc } from '../../lib/html';
import { labChecks } from '../checks';
import { type Lab, maxScore } from '../lab/load';
import type { ShardSpec } from '../model/shard';
import type { GradebookRow } from './gradebook';
import { outcome, studentsPerHour } from './model';

/** Why a student's grading ended in an infrastructure error, as the report's outcome says it. */
const infraWhy = (r: GradebookRow): string => {
  const o = r.report && outcome(r.report);
  return o?.kind === 'infrastructure-error' ? o.why : '';
};

/** One engine's share of a batch graded on several engines. */
export interface EngineThroughput {
  name: string;
  jobs: number;
  /** Students it graded (infrastructure errors not counted). */
  graded: number;
  /** Students moved off it because it stopped answering. */
  requeued: number;
  /** Time its students spent being graded, summed. */
  busyMs: number;
  /** The batch's wall time, for students per hour. */
  wallMs: number;
  /** Whether it answered at the end of the batch. */
  up: boolean;
  /** What its setup said once for all its students (stand-ins, builds that ran uncapped). */
  notes?: string[];
}

export interface SummaryExtras {
  shard?: ShardSpec;
  engines?: EngineThroughput[];
  /** For a merged gradebook: each shard, where it ran from, and its time. */
  shards?: { spec: ShardSpec; students: number; durationMs: number; dir: string }[];
  /** The one engine's setup notes, when the batch ran on one (several engines carry theirs). */
  engineNotes?: string[];
}

/** A summary row: the gradebook's, and why the student was graded again alone, if they were. */
export type SummaryRow = GradebookRow & { retried?: string };


function extrasHtml(x: SummaryExtras): string {
  const out: string[] = [];
  if (x.shard) out.push(`<p>Shard ${x.shard.index} of ${x.shard.count} (from ${esc(x.shard.source)}): this page covers only this shard's students; <code>drydock gradebook merge</code> combines the shards.</p>`);
  if (x.shards?.length) {
    out.push(`<h2>Shards</h2><table><thead><tr><th scope="col">Shard</th><th scope="col">Students</th><th scope="col">Time</th><th scope="col">Index from</th></tr></thead><tbody>${x.shards
      .map((s) => `<tr><td>${s.spec.index}/${s.spec.count}</td><td>${s.students}</td><td>${(s.durationMs / 1000).toFixed(0)} s</td><td>${esc(s.spec.source)}</td></tr>`)
      .join('')}</tbody></table>`);
  }
  if (x.engines?.length) {
    out.push(`<h2>Engines</h2><table><thead><tr><th scope="col">Engine</th><th scope="col">Jobs</th><th scope="col">Graded</th><th scope="col">Students/hour</th><th scope="col">Moved off (stopped answering)</th><th scope="col">At the end</th></tr></thead><tbody>${x.engines
      .map((e) => `<tr><td>${esc(e.name)}</td><td>${e.jobs}</td><td>${e.graded}</td><td>${studentsPerHour(e.graded, e.wallMs)}</td><td>${e.requeued}</td><td>${e.up ? 'answering' : 'not answering'}</td></tr>`)
      .join('')}</tbody></table>`);
  }
  const notes = [...new Set([...(x.engineNotes ?? []), ...(x.engines ?? []).flatMap((e) => (e.notes ?? []).map((n) => `${e.name}: ${n}`))])];
  if (notes.length) out.push(`<h2>Engine setup</h2><ul>${notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>`);
  return out.join('\n');
}

/** Students graded again alone after the class, grouped by why. */
function retriesHtml(rows: SummaryRow[]): string {
  const retried = rows.filter((r) => r.retried);
  if (!retried.length) return '<p>Graded again alone after the class: none.</p>';
  const stood = retried.filter((r) => r.status === 'infrastructure error').length;
  return `<h2>Graded again alone</h2><p>${retried.length} student(s) hit an infrastructure error or a time limit while others were grading and were graded again alone after the class; ${retried.length - stood} got a verdict, ${stood} failed again alone and stand as infrastructure errors.</p><ul>${retried
    .map((r) => `<li>${esc(r.student.id)}: ${esc(r.retried!)} → ${esc(r.status)}</li>`)
    .join('')}</ul>`;
}

/** A bar chart of the score distribution in ten bins, as inline SVG (no script, prints fine). */
function histogram(scores: number[], max: number): string {
  const bins = Array.from({ length: 10 }, () => 0);
  for (const s of scores) bins[Math.min(9, Math.floor((s / max) * 10))]++;
  const top = Math.max(1, ...bins);
  const w = 40;
  const bars = bins
    .map((n, i) => {
      const h = (n / top) * 140;
      return `<rect x="${i * w + 30}" y="${160 - h}" width="${w - 6}" height="${h}" fill="#0b5cad"><title>${i * 10}–${i === 9 ? 100 : i * 10 + 9}%: ${n}</title></rect><text x="${i * w + 30 + (w - 6) / 2}" y="${155 - h}" text-anchor="middle" font-size="11">${n || ''}</text><text x="${i * w + 30 + (w - 6) / 2}" y="176" text-anchor="middle" font-size="10">${i * 10}%</text>`;
    })
    .join('');
  return `<svg role="img" aria-label="Score distribution" viewBox="0 0 440 185" width="440" height="185" xmlns="http://www.w3.org/2000/svg"><line x1="28" y1="160" x2="430" y2="160" stroke="#888"/>${bars}</svg>`;
}

/** The instructor's overview of a batch: pass rates, distribution, slow submissions, infrastructure errors. */
export function renderSummaryHtml(lab: Pick<Lab, 'title' | 'points'>, rows: SummaryRow[], durationMs: number, extras: SummaryExtras = {}): string {
  const graded = rows.filter((r) => r.report && (r.status === 'graded' || r.status === 'failed'));
  const rate = (id: string) => {
    const n = graded.filter((r) => r.report!.checks.find((c) => c.id === id)?.status === 'pass').length;
    return graded.length ? `${Math.round((n / graded.length) * 100)}% (${n}/${graded.length})` : '–';
  };
  const slow = [...graded].sort((a, b) => b.report!.durationMs - a.report!.durationMs).slice(0, 5);
  const infra = rows.filter((r) => r.status === 'infrastructure error');
  const missing = rows.filter((r) => r.status === 'missing');
  const count = (s: string) => rows.filter((r) => r.status === s).length;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(lab.title)}: class summary</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:56rem;margin:2rem auto;padding:0 1rem;color:#1d232b}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .7rem;text-align:left}</style></head><body>
<h1>${esc(lab.title)}: class summary</h1>
<p>${rows.length} students: ${count('graded')} graded, ${count('failed')} failed to build or open, ${infra.length} infrastructure errors, ${missing.length} missing. Run took ${(durationMs / 1000).toFixed(0)} s.</p>
${extrasHtml(extras)}
${retriesHtml(rows)}
<h2>Pass rate per check</h2><table><thead><tr><th scope="col">Check</th><th scope="col">Passed</th></tr></thead><tbody>${labChecks(lab).map(({ id }) => `<tr><td>${id}</td><td>${rate(id)}</td></tr>`).join('')}</tbody></table>
<h2>Score distribution</h2>${histogram(graded.map((r) => r.report!.score), maxScore(lab))}
<h2>Slowest submissions</h2><table><thead><tr><th scope="col">Student</th><th scope="col">Time</th><th scope="col">Score</th></tr></thead><tbody>${slow.map((r) => `<tr><td>${esc(r.student.id)}</td><td>${(r.report!.durationMs / 1000).toFixed(1)} s</td><td>${r.report!.score}</td></tr>`).join('')}</tbody></table>
<h2>Infrastructure errors</h2>${infra.length ? `<ul>${infra.map((r) => `<li>${esc(r.student.id)}: ${esc(infraWhy(r))}</li>`).join('')}</ul>` : '<p>None.</p>'}
${missing.length ? `<h2>No submission</h2><ul>${missing.map((r) => `<li>${esc(r.student.id)}${r.student.name ? ` (${esc(r.student.name)})` : ''}</li>`).join('')}</ul>` : ''}
</body></html>
`;
}
