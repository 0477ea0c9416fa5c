import { h } from 'hastscript';
import type { Code, Root } from 'mdast';
import { requestedLanguage, type Highlight } from '../highlight';
import { replaceWithFigure } from './figure-node';
import { metaTitle } from './remark-ascii-figures';
import { visitBlocks } from './walk';

export interface CodeHighlightOptions {
  /** Turns a block into highlighted HTML: shiki on this thread, or a highlighting thread working ahead. */
  highlight: Highlight;
}

/**
 * Highlights code at build time (shiki, colours as CSS variables the
 * stylesheet defines for light, dark and print), adds an optional title and a copy button that scripts reveal.
 */
export default function remarkCodeHighlight(options: CodeHighlightOptions) {
  return (tree: Root) => {
    visitBlocks<Code>(tree, 'code', (node, index, parent) => {
      const html = options.highlight(requestedLanguage(node.lang), node.value);
      const title = metaTitle(node.meta);
      replaceWithFigure(parent, index, node, 'code-block', [
        ...(title ? [h('figcaption', { className: ['code-title'] }, title)] : []),
        h('button', { type: 'button', className: ['copy'], hidden: true, 'aria-label': 'Copy code' }, 'Copy'),
        { type: 'raw', value: html } as never,
      ]);
    });
  };
}
