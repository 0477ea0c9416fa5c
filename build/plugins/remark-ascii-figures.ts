import { h } from 'hastscript';
import type { Code, Root } from 'mdast';
import { metaTitle, replaceWithFigure } from './figure-node';
import { visitBlocks } from './walk';

/** Box-drawing and block characters: a `text` block with any of these is a diagram. */
const BOX = /[\u2500-\u259f]/;

/**
 * ```ascii (and ```text with box-drawing characters) becomes a captioned
 * figure whose columns are kept exactly: no wrapping, scroll on overflow.
 */
export default function remarkAsciiFigures() {
  return (tree: Root) => {
    visitBlocks<Code>(tree, 'code', (node, index, parent) => {
      const isAscii = node.lang === 'ascii' || ((node.lang === 'text' || node.lang === 'txt') && BOX.test(node.value));
      if (!isAscii) return;
      const title = metaTitle(node.meta);
      const label = title ?? 'Diagram';
      // The widest line in characters: the stylesheet shrinks the type (down to a legible floor) to fit it.
      const cols = Math.max(...node.value.split('\n').map((l) => [...l.trimEnd()].length));
      replaceWithFigure(parent, index, node, 'ascii-figure', [
        h('div', { className: ['ascii-scroll', 'scroll-x'], role: 'img', 'aria-label': label, tabIndex: 0, style: `--cols:${cols}` }, [h('pre', { className: ['ascii'] }, node.value)]),
        // The cue's words come from the stylesheet, so they stay out of search and print.
        h('p', { className: ['scroll-hint'] }),
        ...(title ? [h('figcaption', title)] : []),
      ]);
    });
  };
}
