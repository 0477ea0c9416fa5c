import pc from 'picocolors';
import { outcome, showsEvidence, showsFix, type Report } from './model';
import type { CheckStatus } from '../checks/types';

const MARK: Record<CheckStatus, (s: string) => string> = {
  pass: (s) => pc.green(s),
  fail: (s) => pc.red(s),
  error: (s) => pc.magenta(s),
  skipped: (s) => pc.dim(s),
};
const LABEL: Record<CheckStatus, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIP' };

/**
 * Text a submission controls (file names from an archive, a build's log lines,
 * a Dockerfile's words) reaches the terminal of whoever runs the grader: its
 * control characters are shown as `\x1b`-style escapes, never sent, so an
 * archive entry named `ESC ] 0 ; … BEL ESC [ 2 J` cannot retitle, clear or
 * overwrite the report (a forged PASS line) or reach the terminal's own
 * escape-sequence handlers. Tabs stay; line breaks become escapes too, so one
 * evidence line stays one line.
 */
export function plain(s: string): string {
  return s.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The report a student reads in a terminal: verdict, evidence, fix and where to read more, per check. */
export function renderTerminal(report: Report): string {
  const r = plainReport(report);
  const out: string[] = [];
  out.push(pc.bold(`Drydock · ${r.lab} · ${r.submission}`));
  out.push(pc.dim(`engine ${r.engine.version} (API ${r.engine.apiVersion})${r.engine.standIns.length ? ` · stand-in images: ${r.engine.standIns.join(', ')}` : ''}`));
  out.push('');
  for (const c of r.checks) {
    out.push(`${MARK[c.status](LABEL[c.status].padEnd(5))} ${pc.bold(c.title)} ${pc.dim(`[${c.id}] ${c.score}/${c.maxScore}`)}`);
    out.push(`      ${c.summary}`);
    if (showsEvidence(c)) for (const e of c.evidence) out.push(pc.dim(`        ${e}`));
    if (c.fix && showsFix(c)) out.push(`      ${pc.yellow('fix:')} ${c.fix}`);
    if (c.learnMore && showsFix(c)) out.push(`      ${pc.cyan('read:')} ${c.learnMore}`);
  }
  out.push('');
  for (const n of r.notes) out.push(pc.dim(`note: ${n}`));
  const infra = outcome(r).kind === 'infrastructure-error';
  out.push(
    pc.bold(`Score ${r.score}/${r.maxScore}`) +
      (infra ? pc.magenta(`  (an infrastructure error: this is not a grade, re-run when the engine is healthy)`) : '') +
      pc.dim(`  in ${(r.durationMs / 1000).toFixed(1)} s (${r.phases.map((p) => `${p.name} ${(p.ms / 1000).toFixed(1)} s`).join(', ')})`),
  );
  return out.join('\n') + '\n';
}

/** The report with every string a submission can influence made plain (see plain()). */
function plainReport(r: Report): Report {
  return {
    ...r,
    lab: plain(r.lab),
    submission: plain(r.submission),
    engine: { ...r.engine, version: plain(r.engine.version), standIns: r.engine.standIns.map(plain) },
    checks: r.checks.map((c) => ({ ...c, title: plain(c.title), summary: plain(c.summary), evidence: c.evidence.map(plain), fix: c.fix && plain(c.fix), learnMore: c.learnMore && plain(c.learnMore) })),
    notes: r.notes.map(plain),
  };
}
