import type { Paragraph, Root } from 'mdast';
import type { ContainerDirective, LeafDirective, TextDirective } from 'mdast-util-directive';
import type { VFile } from 'vfile';
import { authorError } from './problems';
import { CALLOUTS } from './remark-callouts';
import { visitBlocks, visitNodes } from './walk';

const CONTAINERS = new Set([...Object.keys(CALLOUTS), 'details', 'quiz', 'screen', 'print']);
const KNOWN = `${[...CONTAINERS].map((n) => `:::${n}`).join(', ')} and ::lab`;

// A paragraph that opens like a container directive but is not one: `::: details Title`, `:::tip Title`.
const NEAR_MISS = /^(:{3,})[ \t]*([A-Za-z][\w-]*)[ \t]*([^\n]*)/;

const sourceOf = (file: VFile, node: { position?: { start: { offset?: number }; end: { offset?: number } } }) => String(file.value).slice(node.position?.start.offset ?? 0, node.position?.end.offset ?? 0);

/**
 * What remark-directive reads as a directive but no plugin claimed goes back
 * to being what the author wrote. The book defines no inline directives, so
 * `:name` in prose — an image tag such as `static:nonroot`, a ratio such as
 * `a:b` — is text again, exactly as written. A block directive nobody knows
 * is most likely a typo: it is a warning with its line, a leaf keeps its
 * source text, and a container keeps its content. A paragraph that opens
 * with `:::` in another tool's syntax (`::: details Title`, as VitePress
 * writes it) would show its colons to readers: an error that names the fix.
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
      // A known name without hName is a copy (an answer key holds its drawers' content as written).
      if (node.data?.hName || CONTAINERS.has(node.name)) return;
      file.message(`unknown directive :::${node.name} (the book knows ${KNOWN}): its content is shown without a box`, { place: node.position, ruleId: 'directive', source: 'drydock' });
    });
    visitBlocks<Paragraph>(tree, 'paragraph', (node) => {
      const first = node.children[0];
      const m = first?.type === 'text' && (first.position?.start.column ?? 1) === (node.position?.start.column ?? 1) ? NEAR_MISS.exec(first.value) : null;
      if (!m) return;
      const [, colons, name, rest] = m;
      const fix = `${colons}${name}${rest.trim() ? `[${rest.trim()}]` : ''}`;
      authorError(file, node, `"${m[0].trim()}" is not a directive here: write ${fix} (no space after the colons, a title in [brackets]), and close it with ${colons} on a line of its own`, 'directive');
    });
  };
}
