import type { Element, Root as HastRoot } from 'hast';
import type { Parent as MdastParent, Root as MdastRoot, RootContent } from 'mdast';
import type { Node, Parent } from 'unist';

/**
 * The book's plugins walk every page's tree ten times. They do it here rather
 * than with unist-util-visit, which builds and names a closure for every node
 * it passes (for readable stack traces): on the benchmark course that was a
 * fifth of rendering a page. Same order and semantics as `visit` without
 * return values: preorder, the visitor may replace `parent.children[index]`
 * or change the node's own children, and the walk goes on into the children
 * the node has after the visitor ran.
 */
function walk(parent: Parent, type: string, visitor: (node: never, index: number, parent: never) => void, descend: (node: Node) => boolean): void {
  const children = parent.children;
  for (let index = 0; index < children.length; index++) {
    const node = children[index];
    if (node.type === type) visitor(node as never, index, parent as never);
    if ('children' in node && descend(node)) walk(node as Parent, type, visitor, descend);
  }
}

// mdast nodes whose content is phrasing only: no block (code, directive, block quote) can sit inside.
const PHRASING_ONLY = new Set(['paragraph', 'heading', 'table', 'leafDirective']);
const holdsBlocks = (node: Node) => !PHRASING_ONLY.has(node.type);
const always = () => true;

/** Calls `visitor` for each block-level node of `type` (code, a directive, a block quote) in document order. */
export function visitBlocks<T extends RootContent>(tree: MdastRoot, type: T['type'], visitor: (node: T, index: number, parent: MdastParent) => void): void {
  walk(tree, type, visitor, holdsBlocks);
}

/** Calls `visitor` for each node of `type` anywhere in an mdast tree (inline nodes too), in document order. */
export function visitNodes<T extends RootContent>(tree: MdastRoot, type: T['type'], visitor: (node: T, index: number, parent: MdastParent) => void): void {
  walk(tree, type, visitor, always);
}

/** Calls `visitor` for each element of a hast tree in document order. */
export function visitElements(tree: HastRoot, visitor: (node: Element, index: number, parent: HastRoot | Element) => void): void {
  walk(tree, 'element', visitor, always);
}
