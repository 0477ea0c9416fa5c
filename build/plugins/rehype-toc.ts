import { headingRank } from 'hast-util-heading-rank';
import { toString } from 'hast-util-to-string';
import type { Element, Root } from 'hast';
import type { VFile } from 'vfile';
import { visitElements } from './walk';

export interface TocEntry {
  depth: number;
  id: string;
  text: string;
}

const inAnswerKey = (node: Root | Element) => node.type === 'element' && String(node.properties?.className ?? '').includes('answer-key');

/** After rehype-slug, before the anchors: the page's h2 and h3 headings (not the printed answer key's) for the on-page contents. */
export default function rehypeToc() {
  return (tree: Root, file: VFile) => {
    const toc: TocEntry[] = [];
    visitElements(tree, (node, _i, parent) => {
      const depth = headingRank(node);
      const id = node.properties?.id;
      if ((depth === 2 || depth === 3) && typeof id === 'string' && !inAnswerKey(parent)) toc.push({ depth, id, text: toString(node) });
    });
    file.data.toc = toc;
  };
}

declare module 'vfile' {
  interface DataMap {
    toc: TocEntry[];
  }
}
