import { h } from 'hastscript';
import type { Code, Root } from 'mdast';
import type { VFile } from 'vfile';
import { canHighlight, requestedLanguage, type Highlight } from '../highlight';
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
  return (tree: Root, file: VFile) => {
    visitBlocks<Code>(tree, 'code', (node, index, parent) => {
      const lang = requestedLanguage(node.lang);
      if (!canHighlight(lang)) {
        file.message(`code language "${node.lang}" is not one shiki knows: shown as plain text (see https://shiki.style/languages, or write \`text\`)`, { place: node.position?.start, ruleId: 'code-language', source: 'drydock' });
      }
      const html = options.highlight(lang, node.value);
      const title = metaTitle(node.meta);
      replaceWithFigure(parent, index, node, 'code-block', [
        ...(title ? [h('figcaption', { className: ['code-title'] }, title)] : []),
        h('button', { type: 'button', className: ['copy'], hidden: true, 'aria-label': 'Copy code' }, 'Copy'),
        { type: 'raw', value: html } as never,
      ]);
    });
  };
}
