import { scanSource, type SourceScan } from './source-scan';

/** Code as highlighted HTML (a `<pre>`), from the language a fence asked for, after aliases. */
export type Highlight = (lang: string, code: string) => string;

// Words authors write on fences that shiki spells otherwise, or that mean "no language".
const ALIASES: Record<string, string> = { sh: 'bash', shell: 'bash', console: 'bash', zsh: 'bash', yml: 'yaml', golang: 'go', docker: 'dockerfile', txt: 'text', plaintext: 'text', plain: 'text', output: 'text', none: 'text' };

/**
 * The language a fence's info word asks for: lower case, aliases resolved, `text` when there is none.
 * mdBook's and rustdoc's attributes after a comma (`rust,ignore`, `rust,editable`) are not part of it.
 */
export function requestedLanguage(word: string | null | undefined): string {
  const lang = (fenceLanguageWord(word) || 'text').toLowerCase();
  return ALIASES[lang] ?? lang;
}

/** The language word of a fence's info string as written, without mdBook's `,attribute`s. */
export function fenceLanguageWord(word: string | null | undefined): string {
  return (word ?? '').split(',')[0].trim();
}

/**
 * A Rust block as mdBook and rustdoc show it: a line that is `#` or starts with `# ` (after
 * indentation) is hidden boilerplate (`# fn main() {}`), and `##` at a line's start is a literal `#`.
 */
export function visibleRustLines(code: string): string {
  return code
    .split('\n')
    .filter((l) => !/^\s*#(\s|$)/.test(l))
    .map((l) => l.replace(/^(\s*)##/, '$1#'))
    .join('\n');
}

/** The languages a page's fences ask for, from the scan of its source: the grammars to load before it renders. */
export function fenceLanguages(scan: SourceScan): string[] {
  return [...new Set(scan.fences.map((f) => requestedLanguage(f.lang || undefined)))];
}

/** Blocks other plugins turn into figures, never highlighted. */
const NOT_CODE = new Set(['mermaid', 'ascii']);

/** The fenced blocks of a page that are highlighted as code, from the one scan of its source (see `scanSource`). */
export function fencedBlocks(text: string): { lang: string; code: string }[] {
  return scanSource(text)
    .fences.map((f) => ({ lang: requestedLanguage(f.lang || undefined), code: f.value }))
    .filter((f) => !NOT_CODE.has(f.lang));
}
