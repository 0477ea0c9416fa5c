import type { Element, Root } from 'hast';
import { visitElements } from './walk';

/** The last character a paragraph shows, skipping trailing whitespace. */
function lastChar(node: Element): string {
  for (let i = node.children.length - 1; i >= 0; i--) {
    const c = node.children[i];
    if (c.type === 'text') {
      const t = c.value.trimEnd();
      if (t) return t[t.length - 1];
    } else if (c.type === 'element') return lastChar(c);
  }
  return '';
}

/**
 * Marks a paragraph that ends with a colon and introduces what follows (a command, a list, a
 * figure) as a lead-in, so print keeps it on the page of what it introduces.
 */
export default function rehypeLeadIns() {
  return (tree: Root) => {
    visitElements(tree, (node, index, parent) => {
      if (node.tagName !== 'p' || lastChar(node) !== ':') return;
      const next = parent.children.slice(index + 1).find((c) => c.type === 'element');
      if (!next) return;
      node.properties.className = [...((node.properties.className as string[] | undefined) ?? []), 'lead-in'];
    });
  };
}
