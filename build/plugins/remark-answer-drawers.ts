import type { Paragraph, Root, RootContent } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import type { VFile } from 'vfile';
import { visitBlocks } from './walk';

/** One answer drawer, kept so the print version can gather an answer key. */
export interface Drawer {
  number: number;
  summary: string;
  children: RootContent[];
}

/**
 * `:::details[Show answer]` … `:::` becomes a native <details>, closed by
 * default and usable without JavaScript. Each drawer is numbered and its
 * content kept on `file.data.drawers` for the printed answer key.
 */
export default function remarkAnswerDrawers() {
  return (tree: Root, file: VFile) => {
    const drawers: Drawer[] = [];
    visitBlocks<ContainerDirective>(tree, 'containerDirective', (node) => {
      if (node.name !== 'details') return;
      const first = node.children[0] as Paragraph | undefined;
      let summary = 'Show answer';
      if (first?.data && (first.data as { directiveLabel?: boolean }).directiveLabel) {
        summary = first.children.map((c) => ('value' in c ? c.value : '')).join('') || summary;
        node.children.shift();
      }
      const number = drawers.length + 1;
      drawers.push({ number, summary, children: structuredClone(node.children) as RootContent[] });
      node.data = { hName: 'details', hProperties: { className: ['drawer'], id: `answer-${number}` } };
      node.children.unshift({
        type: 'paragraph',
        data: { hName: 'summary' },
        children: [{ type: 'text', value: summary }],
      });
      node.children.splice(1, node.children.length - 1, {
        type: 'blockquote',
        data: { hName: 'div', hProperties: { className: ['drawer-body'] } },
        children: node.children.slice(1) as never,
      });
    });
    if (drawers.length === 0) return;
    file.data.drawers = drawers;
    // The key is hidden on screen and shown in print, where drawers cannot be opened.
    tree.children.push({
      type: 'blockquote',
      data: { hName: 'section', hProperties: { className: ['answer-key'], 'aria-label': 'Answer key' } },
      children: [
        { type: 'heading', depth: 2, data: { hProperties: { id: 'answer-key' } }, children: [{ type: 'text', value: 'Answer key' }] },
        ...drawers.flatMap((d): RootContent[] => [
          { type: 'paragraph', children: [{ type: 'strong', children: [{ type: 'text', value: `Answer ${d.number}` }] }] },
          ...(structuredClone(d.children) as RootContent[]),
        ]),
      ] as never,
    });
  };
}

declare module 'vfile' {
  interface DataMap {
    drawers: Drawer[];
  }
}
