import type { Root } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import type { VFile } from 'vfile';
import { CALLOUTS } from './remark-callouts';
import { visitBlocks, visitNodes } from './walk';

const KNOWN = `${[...Object.keys(CALLOUTS), 'details'].map((n) => `:::${n}`).join(', ')} and ::lab`;

const sourceOf = (file: VFile, node: { position?: { start: { offset?: number }; end: { offset?: number } } }) => String(file.value).slice(node.position?.start.offset ?? 0, node.position?.end.offset ?? 0);

/**
 * What remark-directive reads as a directive but no plugin claimed goes back
 * to being what the author wrote. The book defines no inline directives, so
 * `:name` in prose — an image tag such as `static:nonroot`, a ratio such as
 * `a:b` — is text again, exactly as written. A block directive nobody knows
 * is most likely a typo: it is a warning with its line, a leaf keeps its
 * source text, and a container keeps its content.
 * Runs after the plugins that handle directives (they set `data.hName`).
 */
export default function remarkUnknownDirectives() {
  return (tree: Root, file: VFile) => {
    visitNodes<TextDirective>(tree, 'textDirective', (node, index, parent) => {
      if (node.data?.hName) return;
      parent.children[index] = { type: 'text', value: sourceOf(file, node), position: node.position };
    });
    visitBlocks<LeafDirective>(tree, 'leafDirective', (node, index, parent) => {
      // An unknown lab id is already an error of the lab card's.
      if (node.data?.hName || node.name === 'lab') return;
      file.message(`unknown directive ::${node.name} (the book knows ${KNOWN}): kept as text`, { place: node.position, ruleId: 'directive', source: 'drydock' });
      parent.children[index] = { type: 'paragraph', children: [{ type: 'text', value: sourceOf(file, node) }], position: node.position };
    });
    visitBlocks<ContainerDirective>(tree, 'containerDirective', (node) => {
      if (node.data?.hName) return;
      file.message(`unknown directive :::${node.name} (the book knows ${KNOWN}): its content is shown without a box`, { place: node.position, ruleId: 'directive', source: 'drydock' });
    });
  };
}
