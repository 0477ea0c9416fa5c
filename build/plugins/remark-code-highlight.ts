import { h } from 'hastscript';
import type { Code, Root } from 'mdast';
import type { HighlighterGeneric } from 'shiki';
import { visit } from 'unist-util-visit';
import { metaTitle } from './remark-ascii-figures';

export interface CodeHighlightOptions {
  highlighter: HighlighterGeneric<string, string>;
}

const ALIASES: Record<string, string> = { sh: 'bash', shell: 'bash', console: 'bash', zsh: 'bash', yml: 'yaml', golang: 'go', docker: 'dockerfile', Dockerfile: 'dockerfile', txt: 'text', plaintext: 'text' };

/**
 * Highlights code at build time with shiki (light and dark colours as CSS
 * variables), adds an optional title and a copy button that scripts reveal.
 */
export default function remarkCodeHighlight(options: CodeHighlightOptions) {
  const loaded = new Set(options.highlighter.getLoadedLanguages());
  return (tree: Root) => {
    visit(tree, 'code', (node: Code) => {
      if (node.data?.hName) return; // already a diagram
      const wanted = ALIASES[node.lang ?? ''] ?? node.lang ?? 'text';
      const lang = loaded.has(wanted) ? wanted : 'text';
      const hast = options.highlighter.codeToHast(node.value, {
        lang,
        themes: { light: 'github-light', dark: 'github-dark' },
        defaultColor: false,
      });
      const pre = hast.children[0] as ReturnType<typeof h>;
      pre.properties = { ...pre.properties, tabIndex: 0, 'data-lang': lang };
      const title = metaTitle(node.meta);
      node.data = {
        hName: 'figure',
        hProperties: { className: ['code-block'] },
        hChildren: [
          ...(title ? [h('figcaption', { className: ['code-title'] }, title)] : []),
          h('button', { type: 'button', className: ['copy'], hidden: true, 'aria-label': 'Copy code' }, 'Copy'),
          pre,
        ],
      };
    });
  };
}
