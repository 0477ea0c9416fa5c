import { h } from 'hastscript';
import type { Code, Root } from 'mdast';
import { replaceWithFigure } from './figure-node';
import type { VFile } from 'vfile';
import type { MermaidResult } from '../mermaid';
import { metaTitle } from './remark-ascii-figures';
import { authorError } from './problems';
import { visitBlocks } from './walk';

export interface MermaidOptions {
  /** Rendered diagrams by source text, made before the pages are processed. */
  rendered: Map<string, MermaidResult>;
}

/**
 * ```mermaid blocks become the inline SVG rendered at build time. A diagram
 * that could not be rendered (no browser, no cache) stays as source for the
 * client-side fallback, and the page is marked so it loads mermaid.
 */
export default function remarkMermaid(options: MermaidOptions) {
  return (tree: Root, file: VFile) => {
    visitBlocks<Code>(tree, 'code', (node, index, parent) => {
      if (node.lang !== 'mermaid') return;
      const result = options.rendered.get(node.value);
      const title = metaTitle(node.meta);
      const caption = title ? [h('figcaption', title)] : [];
      if (result?.error) {
        authorError(file, node, `invalid Mermaid diagram: ${result.error}`, 'mermaid');
        return;
      }
      if (result?.svg) {
        replaceWithFigure(parent, index, node, 'mermaid-figure', [{ type: 'raw', value: result.svg } as never, ...caption]);
        return;
      }
      file.data.needsClientMermaid = true;
      replaceWithFigure(parent, index, node, 'mermaid-figure', [h('pre', { className: ['mermaid'] }, node.value), ...caption]);
    });
  };
}

declare module 'vfile' {
  interface DataMap {
    needsClientMermaid: boolean;
  }
}
