import { h } from 'hastscript';
import type { Code, Root } from 'mdast';
import type { HighlighterGeneric } from 'shiki';
import { visit } from 'unist-util-visit';
import { replaceWithFigure } from './figure-node';
import { metaTitle } from './remark-ascii-figures';

export interface CodeHighlightOptions {
  highlighter: HighlighterGeneric<string, string>;
  /** A theme loaded in the highlighter. */
  theme: string;
}

/** Makes the block focusable (it scrolls) and names its language for styling and scripts. */
const PRE_ATTRIBUTES = {
  pre(this: { options: { lang: string } }, node: { properties: Record<string, unknown> }) {
    node.properties.tabindex = 0;
    node.properties['data-lang'] = this.options.lang;
  },
};

export const ALIASES: Record<string, string> = { sh: 'bash', shell: 'bash', console: 'bash', zsh: 'bash', yml: 'yaml', golang: 'go', docker: 'dockerfile', Dockerfile: 'dockerfile', txt: 'text', plaintext: 'text' };

/**
 * Highlights code at build time with shiki (colours as CSS variables the
 * stylesheet defines for light, dark and print), adds an optional title and a copy button that scripts reveal.
 */
export default function remarkCodeHighlight(options: CodeHighlightOptions) {
  return (tree: Root) => {
    visit(tree, 'code', (node: Code, index, parent) => {
      if (!parent || index === undefined) return;
      const wanted = ALIASES[node.lang ?? ''] ?? node.lang ?? 'text';
      // Read per block: the dev server loads grammars as new languages appear.
      const lang = options.highlighter.getLoadedLanguages().includes(wanted) ? wanted : 'text';
      // Straight to HTML: building a hast node per token only to stringify it again doubles the work.
      const html = options.highlighter.codeToHtml(node.value, {
        lang,
        theme: options.theme,
        transformers: [PRE_ATTRIBUTES],
      });
      const title = metaTitle(node.meta);
      replaceWithFigure(parent, index, node, 'code-block', [
        ...(title ? [h('figcaption', { className: ['code-title'] }, title)] : []),
        h('button', { type: 'button', className: ['copy'], hidden: true, 'aria-label': 'Copy code' }, 'Copy'),
        { type: 'raw', value: html } as never,
      ]);
    });
  };
}

/** The highlighter languages a page's fences ask for (after aliases), to load only those grammars. */
export function fenceLanguages(text: string): string[] {
  const out = new Set<string>();
  for (const m of text.matchAll(/^[ \t]*(?:`{3,}|~{3,})[ \t]*([\w+#.-]+)/gm)) out.add(ALIASES[m[1]] ?? m[1].toLowerCase());
  return [...out];
}
