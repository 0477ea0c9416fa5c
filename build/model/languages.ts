import { scanSource, type SourceScan } from './source-scan';

/** Code as highlighted HTML (a `<pre>`), from the language a fence asked for, after aliases. */
export type Highlight = (lang: string, code: string) => string;

// Words authors write on fences that shiki spells otherwise, or that mean "no language".
const ALIASES: Record<string, string> = { sh: 'bash', shell: 'bash', console: 'bash', zsh: 'bash', yml: 'yaml', golang: 'go', docker: 'dockerfile', txt: 'text', plaintext: 'text', plain: 'text', output: 'text', none: 'text' };

/** The language a fence's info word asks for: lower case, aliases resolved, `text` when there is none. */
export function requestedLanguage(word: string | null | undefined): string {
  const lang = (word ?? 'text').toLowerCase();
  return ALIASES[lang] ?? lang;
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
