import type { Root } from 'mdast';
import type { Node, Parent } from 'unist';
import type { VFile } from 'vfile';
import { authorError } from './problems';

export interface NestingLimitOptions {
  /** Deepest nesting of blocks and inlines rendered (default 1000: real pages stay under 20, and the HTML steps overflowed near 2000). */
  maxDepth?: number;
}

/**
 * Blockquotes or lists nested thousands deep parse fine but overflow the
 * recursive tree-to-HTML steps later (a stack trace, not a problem at a line).
 * Past the limit the page is an authoring error at the first node too deep, and
 * that node's contents are cut so the rest of the page still renders for the
 * list of problems. The walk is iterative: it must not overflow itself.
 */
export default function remarkNestingLimit(options: NestingLimitOptions = {}) {
  const max = options.maxDepth ?? 1000;
  return (tree: Root, file: VFile) => {
    const stack: [Node, number][] = [[tree, 0]];
    while (stack.length) {
      const [node, depth] = stack.pop()!;
      const children = (node as Parent).children;
      if (!children) continue;
      if (depth >= max) {
        authorError(file, node, `this content is nested more than ${max} levels deep (quotes or lists inside each other); the book renders at most ${max}`, 'nesting');
        (node as Parent).children = [];
        continue;
      }
      for (const child of children) stack.push([child, depth + 1]);
    }
  };
}
