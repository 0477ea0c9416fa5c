import type { Root } from 'hast';
import type { VFile } from 'vfile';
import { visitElements } from './walk';

/** Records every id on the page, so links into it (`page.md#id`) can be checked once all pages are rendered. */
export default function rehypePageIds() {
  return (tree: Root, file: VFile) => {
    const ids = new Set<string>();
    visitElements(tree, (node) => {
      // A task list's checkbox has no id worth linking to.
      if (node.tagName === 'input' && node.properties?.type === 'checkbox') return;
      const id = node.properties?.id;
      if (typeof id === 'string') ids.add(id);
    });
    file.data.ids = ids;
  };
}

declare module 'vfile' {
  interface DataMap {
    ids: Set<string>;
  }
}
