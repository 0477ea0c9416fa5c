import type { Heading, Root, Text } from 'mdast';
import { visitBlocks } from './walk';

// `{#id .class}` at a heading's end, as mdBook, VitePress, Pandoc and kramdown write it.
const ATTRIBUTES = /[ \t]*\{[ \t]*((?:[#.][A-Za-z][\w:.-]*[ \t]*)+)\}[ \t]*$/;

/**
 * `## Derive macros {#derive}`: the heading's id is `derive` (links written `#derive` reach
 * it) and the braces are not shown; `.name` words become classes. A heading without them
 * gets its id from its text, as before.
 */
export default function remarkHeadingAttributes() {
  return (tree: Root) => {
    visitBlocks<Heading>(tree, 'heading', (node) => {
      const last = node.children[node.children.length - 1];
      if (last?.type !== 'text') return;
      const m = ATTRIBUTES.exec((last as Text).value);
      if (!m) return;
      const words = m[1].trim().split(/\s+/);
      const id = words.filter((w) => w.startsWith('#')).pop()?.slice(1);
      const classes = words.filter((w) => w.startsWith('.')).map((w) => w.slice(1));
      (last as Text).value = (last as Text).value.slice(0, m.index);
      if (!(last as Text).value) node.children.pop();
      const props = ((node.data ??= {}).hProperties ??= {}) as Record<string, unknown>;
      if (id) props.id = id;
      if (classes.length) props.className = classes;
    });
  };
}
