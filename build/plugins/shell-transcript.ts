import { esc } from '../../lib/html';
import type { Highlight } from '../model/languages';

/** Fence words under which `$ ` at a line's start is a prompt, not code: shells, and plain text (captured sessions). */
const SHELLS = new Set(['console', 'shell-session', 'terminal', 'sh', 'bash', 'shell', 'zsh', 'text', 'txt', 'output', 'plaintext', 'plain', '']);

export interface TranscriptLine {
  /** A command (its first line or a continuation after `\`), or what the command printed. */
  kind: 'command' | 'continuation' | 'output';
  text: string;
}

/**
 * A shell session as commands and output: lines after a `$ ` prompt are commands (with their
 * `\` continuations), the rest is output. Undefined for a block with no prompt (a script).
 */
export function transcriptLines(lang: string | null | undefined, code: string): TranscriptLine[] | undefined {
  if (!SHELLS.has((lang ?? '').toLowerCase()) || !/^\$ /m.test(code)) return undefined;
  let continues = false;
  return code.split('\n').map((line): TranscriptLine => {
    const kind = line.startsWith('$ ') ? 'command' : continues ? 'continuation' : 'output';
    const text = kind === 'command' ? line.slice(2) : line;
    continues = kind !== 'output' && text.endsWith('\\');
    return { kind, text };
  });
}

/**
 * The transcript as shiki's `<pre>`: commands highlighted as shell with the prompt outside the
 * selection, output plain and marked, so readers (and the copy button) tell them apart.
 */
export function transcriptHtml(lines: TranscriptLine[], highlight: Highlight): string {
  const commands = lines.filter((l) => l.kind !== 'output');
  const html = highlight('bash', commands.map((l) => l.text).join('\n'));
  const open = html.slice(0, html.indexOf('<code>') + '<code>'.length);
  const close = html.slice(html.lastIndexOf('</code>'));
  const highlighted = html.slice(open.length, html.length - close.length).split('\n');
  let next = 0;
  const out = lines.map((l) => {
    if (l.kind === 'output') return `<span class="line out">${esc(l.text)}</span>`;
    const line = highlighted[next++] ?? '<span class="line"></span>';
    const prompt = l.kind === 'command' ? '<span class="prompt" aria-hidden="true">$ </span>' : '';
    return line.replace(/^<span class="line">/, `<span class="line cmd">${prompt}`);
  });
  return `${open.replace('<pre class="', '<pre data-transcript class="')}${out.join('\n')}${close}`;
}
