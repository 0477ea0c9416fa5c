import type { Element } from 'hast';
import type { Code, Parent } from 'mdast';

/** The title a fence gives its block: `title="Layers"` (or 'Layers', or one word) after the language. */
export function metaTitle(meta: string | null | undefined): string | undefined {
  const m = /title=(?:"([^"]*)"|'([^']*)'|(\S+))/.exec(meta ?? '');
  return m ? (m[1] ?? m[2] ?? m[3]) : undefined;
}

/**
 * Replaces a fenced code node with a node remark-rehype turns into exactly
 * `<figure>` with the given children. Setting `hName` on the code node itself
 * would rename only the inner `<code>` and leave it inside a `<pre>`.
 */
export function replaceWithFigure(parent: Parent, index: number, code: Code, className: string, children: Element[]): void {
  parent.children[index] = {
    type: 'figureBlock',
    position: code.position,
    data: { hName: 'figure', hProperties: { className: [className] }, hChildren: children },
  } as never;
}
