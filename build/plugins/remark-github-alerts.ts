import type { Blockquote, Paragraph, Root } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { visitBlocks } from './walk';

const ALERTS: Record<string, string> = { NOTE: 'note', TIP: 'tip', IMPORTANT: 'note', WARNING: 'warning', CAUTION: 'danger' };

/** Turns GitHub's `> [!NOTE]` blockquotes into the same directives `:::note` makes, so callouts have one renderer. */
export default function remarkGithubAlerts() {
  return (tree: Root) => {
    visitBlocks<Blockquote>(tree, 'blockquote', (node, index, parent) => {
      const first = node.children[0] as Paragraph | undefined;
      const text = first?.type === 'paragraph' && first.children[0]?.type === 'text' ? first.children[0] : undefined;
      const m = text && /^\[!(\w+)\][ \t]*(\n|$)/.exec(text.value);
      if (!m || !ALERTS[m[1].toUpperCase()]) return;
      text!.value = text!.value.slice(m[0].length);
      if (text!.value === '') first!.children.shift();
      if (first!.children.length === 0) node.children.shift();
      const directive: ContainerDirective = { type: 'containerDirective', name: ALERTS[m[1].toUpperCase()], attributes: {}, children: node.children as ContainerDirective['children'], position: node.position };
      parent.children[index] = directive;
    });
  };
}
