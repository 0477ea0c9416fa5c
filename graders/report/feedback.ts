import { outcome, showsEvidence, showsFix, type Report } from './model';
import type { Lab } from '../lab/load';
import { esc } from '../../lib/html';

// Words, not emoji: feedback is read where no emoji font is installed (a terminal, an LMS, a plain PDF).
const LABEL: Record<string, string> = { pass: 'PASS', fail: 'FAIL', error: 'ERROR', skipped: 'SKIPPED' };

/** A link into the book, or where to find the section when the book's address is not known. */
function readMore(link: string): { text: string; href?: string } {
  if (/^[a-z][a-z0-9+.-]*:/i.test(link)) return { text: link, href: link };
  const [page, anchor] = link.split('#');
  return { text: `the course book, page ${page}${anchor ? `, section "${anchor}"` : ''} (ask your instructor for the book's address)` };
}

/** Feedback written for the student: what passed, what failed, the evidence, and how to fix it. */
export function renderFeedbackMarkdown(r: Report, lab: Lab): string {
  const out = [`# ${lab.title}: ${r.score}/${r.maxScore}`, ''];
  if (outcome(r).kind === 'infrastructure-error') out.push('> **The grader hit an infrastructure problem.** This is not your grade; your instructor will re-run it.', '');
  for (const c of r.checks) {
    out.push(`## [${LABEL[c.status]}] ${c.title} (${c.score}/${c.maxScore})`, '', c.summary, '');
    if (showsEvidence(c)) out.push('```text', ...c.evidence, '```', '');
    if (c.fix && showsFix(c)) out.push(`**How to fix it:** ${c.fix}`, '');
    if (c.learnMore && showsFix(c)) out.push(`Read more: ${readMore(c.learnMore).text}`, '');
  }
  if (r.notes.length) out.push('---', '', ...r.notes.map((n) => `- ${n}`), '');
  return out.join('\n');
}

export function renderFeedbackHtml(r: Report, lab: Lab): string {
  const checks = r.checks
    .map((c) => {
      const evidence = showsEvidence(c) ? `<pre>${esc(c.evidence.join('\n'))}</pre>` : '';
      const fix = c.fix && showsFix(c) ? `<p><strong>How to fix it:</strong> ${esc(c.fix)}</p>` : '';
      const link = c.learnMore && showsFix(c) ? readMore(c.learnMore) : undefined;
      const more = link ? `<p>Read more: ${link.href ? `<a href="${esc(link.href)}">${esc(link.text)}</a>` : esc(link.text)}</p>` : '';
      return `<section class="check ${c.status}"><h2><span class="badge">${LABEL[c.status]}</span> ${esc(c.title)} <small>${c.score}/${c.maxScore}</small></h2><p>${esc(c.summary)}</p>${evidence}${fix}${more}</section>`;
    })
    .join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(lab.title)}: ${r.score}/${r.maxScore}</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;color:#1d232b}pre{background:#f6f8fa;padding:.8rem;overflow-x:auto;border-radius:6px}.check{border-left:4px solid #bbb;padding-left:1rem;margin:1.5rem 0}.pass{border-color:#1a7f37}.fail{border-color:#b3261e}.error{border-color:#7d5300}small{color:#5a6472;font-weight:400}.badge{font-size:.75em;padding:.1em .4em;border-radius:4px;background:#eef0f3;vertical-align:middle}</style></head>
<body><h1>${esc(lab.title)}: ${r.score}/${r.maxScore}</h1>${outcome(r).kind === 'infrastructure-error' ? '<p><strong>The grader hit an infrastructure problem.</strong> This is not your grade; your instructor will re-run it.</p>' : ''}
${checks}
${r.notes.length ? `<ul>${r.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}</body></html>
`;
}
