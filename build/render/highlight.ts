import { bundledLanguages, createCssVariablesTheme, createHighlighter, type HighlighterGeneric } from 'shiki';
import { createOnigurumaEngine } from 'shiki/engine/oniguruma';

/** Code as highlighted HTML (a `<pre>`), from the language a fence asked for, after aliases. */
export type Highlight = (lang: string, code: string) => string;

export const CODE_THEME = 'css-variables';

/** Grammars a highlighter loads when it is not told which languages the pages use. */
export const COMMON_LANGS = ['dockerfile', 'bash', 'go', 'yaml', 'json', 'ini', 'toml', 'diff', 'http', 'markdown', 'typescript', 'javascript', 'python', 'sql', 'make'];

// Words authors write on fences that shiki spells otherwise, or that mean "no language".
const ALIASES: Record<string, string> = { sh: 'bash', shell: 'bash', console: 'bash', zsh: 'bash', yml: 'yaml', golang: 'go', docker: 'dockerfile', txt: 'text', plaintext: 'text', plain: 'text', output: 'text', none: 'text' };

/** Whether a requested language is highlighted: every language (and alias) shiki bundles, and plain text. */
export function canHighlight(lang: string): boolean {
  return lang === 'text' || Object.hasOwn(bundledLanguages, lang);
}

const grammars = (langs: string[]) => langs.filter((l) => l !== 'text' && canHighlight(l));

/** The language a fence's info word asks for: lower case, aliases resolved, `text` when there is none. */
export function requestedLanguage(word: string | null | undefined): string {
  const lang = (word ?? 'text').toLowerCase();
  return ALIASES[lang] ?? lang;
}

/** Fence openings at any indentation: what a page may ask to highlight, to load only those grammars. */
const FENCE_WORD = /^[ \t]*(?:`{3,}|~{3,})[ \t]*([\w+#.-]+)/gm;

/** The languages a page's fences ask for. */
export function fenceLanguages(text: string): string[] {
  return [...new Set([...text.matchAll(FENCE_WORD)].map((m) => requestedLanguage(m[1])))];
}

/** Blocks other plugins turn into figures, never highlighted. */
const NOT_CODE = new Set(['mermaid', 'ascii']);

/**
 * The fenced blocks of a page as micromark reads them when they open at
 * the top level or in a list item (up to three spaces of indentation): what
 * can be highlighted before the page is parsed. Blocks this misses (inside
 * block quotes, deeper nesting) are simply highlighted when the page asks.
 */
export function fencedBlocks(text: string): { lang: string; code: string }[] {
  const lines = text.split(/\r\n|\r|\n/);
  const out: { lang: string; code: string }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i]);
    if (!open || (open[2][0] === '`' && open[3].includes('`'))) continue;
    const [, indent, fence, info] = open;
    const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    const body: string[] = [];
    for (i++; i < lines.length && !close.test(lines[i]); i++) body.push(lines[i].replace(new RegExp(`^ {0,${indent.length}}`), ''));
    const lang = requestedLanguage(info.trim().split(/\s/)[0] || undefined);
    if (!NOT_CODE.has(lang)) out.push({ lang, code: body.join('\n') });
  }
  return out;
}

/** A highlighter with the CSS-variable theme and the given languages (grammars load in ~10-50 ms each). */
export async function makeHighlighter(langs: string[] = COMMON_LANGS): Promise<HighlighterGeneric<string, string>> {
  return (await createHighlighter({
    // One theme whose colours are CSS variables: each block is tokenized once, and the
    // stylesheet supplies light, dark and print palettes (two themes tokenize twice).
    themes: [createCssVariablesTheme({ name: CODE_THEME, variablePrefix: '--shiki-', fontStyle: true })],
    langs: grammars(langs),
    engine: createOnigurumaEngine(import('shiki/wasm')),
  })) as unknown as HighlighterGeneric<string, string>;
}

/** Loads the grammars of `langs` that the highlighter does not have yet. */
export async function loadLanguages(highlighter: HighlighterGeneric<string, string>, langs: string[]): Promise<void> {
  const have = new Set(highlighter.getLoadedLanguages());
  const missing = grammars(langs).filter((l) => !have.has(l));
  if (missing.length) await highlighter.loadLanguage(...(missing as never[]));
}

/** Makes the block focusable (it scrolls) and names its language for styling and scripts. */
const PRE_ATTRIBUTES = {
  pre(this: { options: { lang: string } }, node: { properties: Record<string, unknown> }) {
    node.properties.tabindex = 0;
    node.properties['data-lang'] = this.options.lang;
  },
};

/** Highlights with `highlighter`; a language it has no grammar for comes out as plain text. */
export function highlightWith(highlighter: HighlighterGeneric<string, string>): Highlight {
  return (wanted, code) =>
    // Straight to HTML: building a hast node per token only to stringify it again doubles the work.
    highlighter.codeToHtml(code, {
      // Read per block: the dev server loads grammars as new languages appear.
      lang: highlighter.getLoadedLanguages().includes(wanted) ? wanted : 'text',
      theme: CODE_THEME,
      // No per-line time limit (shiki's default is 0.5 s): on a loaded machine a fresh thread's first
      // lines can take that long, and the rest of the line would come out unhighlighted.
      tokenizeTimeLimit: 0,
      transformers: [PRE_ATTRIBUTES],
    });
}
