import type { Element, Root } from 'hast';
import { scrollableTable } from '../hast/scrollable-table';
import { visitElements } from './walk';

const classes = (node: Root | Element) => (node.type === 'element' ? ((node.properties?.className as string[] | undefined) ?? []) : []);

/** A table is wider than a phone's column: it scrolls sideways in its own box, with a cue under it. */
export default function rehypeScrollableTables() {
  return (tree: Root) => {
    visitElements(tree, (node, index, parent) => {
      if (node.tagName === 'table' && !classes(parent).includes('scroll-x')) parent.children[index] = scrollableTable(node);
    });
  };
}
