import type { Paragraph, Root } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { visitBlocks } from './walk';

export const CALLOUTS: Record<string, string> = { note: 'Note', tip: 'Tip', warning: 'Warning', danger: 'Danger', production: 'In production' };

/**
 * `:::note[Optional title]` … `:::` becomes an <aside role="note"> with a visible label, for each kind in CALLOUTS.
 * A named <aside> would be a complementary landmark, and a chapter has many callouts with one title
 * ("In short" closes every section): landmarks must have unique names (axe's landmark-unique).
 * role="note" is what a callout is, parenthetic to the text, and is not a landmark.
 */
export default function remarkCallouts() {
  return (tree: Root) => {
    visitBlocks<ContainerDirective>(tree, 'containerDirective', (node) => {
      const label = CALLOUTS[node.name];
      if (!label) return;
      const first = node.children[0] as Paragraph | undefined;
      let title = label;
      if (first?.data && (first.data as { directiveLabel?: boolean }).directiveLabel) {
        title = first.children.map((c) => ('value' in c ? c.value : '')).join('');
        node.children.shift();
      }
      node.data = {
        hName: 'aside',
        hProperties: { className: ['callout', `callout-${node.name}`], role: 'note', 'aria-label': title },
      };
      node.children.unshift({
        type: 'paragraph',
        data: { hProperties: { className: ['callout-title'] } },
        children: [{ type: 'strong', children: [{ type: 'text', value: title === label ? label : `${label}: ${title}` }] }],
      });
    });
  };
}
