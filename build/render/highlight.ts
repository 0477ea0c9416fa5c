import { bundledLanguages, createCssVariablesTheme, createHighlighter, type HighlighterGeneric } from 'shiki';
import { createOnigurumaEngine } from 'shiki/engine/oniguruma';
import type { Highlight } from '../model/languages';


export const CODE_THEME = 'css-variables';

/** Grammars a highlighter loads when it is not told which languages the pages use. */
export const COMMON_LANGS = ['dockerfile', 'bash', 'go', 'yaml', 'json', 'ini', 'toml', 'diff', 'http', 'markdown', 'typescript', 'javascript', 'python', 'sql', 'make'];

/** Whether a requested language is highlighted: every language (and alias) shiki bundles, and plain text. */
export function canHighlight(lang: string): boolean {
  return lang === 'text' || Object.hasOwn(bundledLanguages, lang);
}

const grammars = (langs: string[]) => langs.filter((l) => l !== 'text' && canHighlight(l));

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
