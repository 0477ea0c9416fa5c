import { headingRank } from 'hast-util-heading-rank';
import type { Root } from 'hast';
import { visitElements } from './walk';

/** After rehype-slug: each heading with an id gets a visible `#` link to itself. */
export default function rehypeHeadingAnchors() {
  return (tree: Root) => {
    visitElements(tree, (node) => {
      const id = node.properties?.id;
      if (!headingRank(node) || typeof id !== 'string') return;
      node.children.push({ type: 'element', tagName: 'a', properties: { className: ['anchor'], href: `#${id}`, 'aria-label': `Link to this section` }, children: [{ type: 'text', value: '#' }] });
    });
  };
}
