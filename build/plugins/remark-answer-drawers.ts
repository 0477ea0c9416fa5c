import type { List, Paragraph, Parent, Root, RootContent } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';

/** One answer drawer, kept so the print version can gather an answer key. */
export interface Drawer {
  number: number;
  /** What the answer key calls it: the number of its question ("Question 2", "Q1", "Quiz 1"). */
  label: string;
  /** The heading of the section the question sits in. */
  section: string;
  summary: string;
  children: RootContent[];
}

const isDrawer = (n: RootContent | undefined): n is ContainerDirective => n?.type === 'containerDirective' && n.name === 'details' && !n.data?.hName;
/** The text of some nodes, as a reader sees it (an image's alt text is not part of a heading's or question's words). */
const plain = (nodes: readonly RootContent[]): string => toString(nodes as RootContent[], { includeImageAlt: false });

/**
 * A drawer written right after a numbered question (at the start of a line, which ends the
 * list) belongs to that question: it moves into the question's list item, and the list that
 * the drawer had cut in two is joined again, so the drawer sits under its question.
 */
function tuckUnderQuestions(parent: Parent): void {
  const out: RootContent[] = [];
  for (const child of parent.children as RootContent[]) {
    const before = out[out.length - 1];
    if (isDrawer(child) && !(child.data as { answerLabel?: string } | undefined)?.answerLabel && before?.type === 'list' && before.ordered && before.children.length) {
      before.children[before.children.length - 1].children.push(child as never);
      continue;
    }
    if (child.type === 'list' && child.ordered && before?.type === 'list' && before.ordered) {
      const last = before.children[before.children.length - 1];
      const lastHasDrawer = last?.children.some((c) => isDrawer(c as RootContent));
      if (lastHasDrawer && (child.start ?? 1) === (before.start ?? 1) + before.children.length) {
        before.children.push(...child.children);
        before.spread = before.spread || child.spread;
        continue;
      }
    }
    out.push(child);
    if ('children' in child && child.type !== 'paragraph' && child.type !== 'heading' && child.type !== 'table') tuckUnderQuestions(child as Parent);
  }
  parent.children = out as never;
}

/**
 * `:::details[Show answer]` … `:::` becomes a native <details>, closed by
 * default and usable without JavaScript. Each drawer is labelled with the
 * number of the question it answers and its content kept on
 * `file.data.drawers` for the printed answer key. Runs after remark-quiz:
 * a quiz's answers join the same key.
 */
export default function remarkAnswerDrawers() {
  return (tree: Root, file: VFile) => {
    tuckUnderQuestions(tree);
    const drawers: Drawer[] = [];
    let unnumbered = 0;
    let section = '';
    const walk = (parent: Parent, question?: string) => {
      const children = parent.children as RootContent[];
      for (let index = 0; index < children.length; index++) {
        const node = children[index];
        if (parent === tree && node.type === 'heading' && node.depth === 2) section = plain(node.children);
        if (node.type === 'list' && node.ordered) {
          node.children.forEach((item, i) => walk(item, `Question ${(node.start ?? 1) + i}`));
          continue;
        }
        if (isDrawer(node)) convert(node, children[index - 1], question);
        if ('children' in node && node.type !== 'paragraph' && node.type !== 'heading' && node.type !== 'table') walk(node as Parent, node.type === 'listItem' ? question : undefined);
      }
    };
    const convert = (node: ContainerDirective, before: RootContent | undefined, question: string | undefined) => {
      const first = node.children[0] as Paragraph | undefined;
      let summary = 'Show answer';
      if (first?.data && (first.data as { directiveLabel?: boolean }).directiveLabel) {
        summary = first.children.map((c) => ('value' in c ? c.value : '')).join('') || summary;
        node.children.shift();
      }
      // "**Q1. Why…?**" before an interview answer: the key says Q1.
      const lead = before?.type === 'paragraph' ? /^\s*(Q\d+|\d+)[.):]/.exec(plain(before.children)) : null;
      const label = (node.data as { answerLabel?: string } | undefined)?.answerLabel ?? question ?? (lead ? (/^\d/.test(lead[1]) ? `Question ${lead[1]}` : lead[1]) : `Answer ${++unnumbered}`);
      const number = drawers.length + 1;
      drawers.push({ number, label, section, summary, children: structuredClone(node.children) as RootContent[] });
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
    };
    walk(tree);
    if (drawers.length === 0) return;
    file.data.drawers = drawers;
    // The key is hidden on screen and shown in print, where drawers cannot be opened:
    // grouped under the sections the questions are in, each answer under its question's number.
    const key: RootContent[] = [{ type: 'heading', depth: 2, data: { hProperties: { id: 'answer-key' } }, children: [{ type: 'text', value: 'Answer key' }] }];
    let shown: string | undefined;
    for (const d of drawers) {
      if (d.section !== shown && d.section) key.push({ type: 'heading', depth: 3, data: { hProperties: { id: `answer-key-${d.number}` } }, children: [{ type: 'text', value: d.section }] });
      shown = d.section;
      key.push(
        { type: 'paragraph', data: { hProperties: { className: ['key-label'] } }, children: [{ type: 'strong', children: [{ type: 'text', value: d.label }] }] },
        ...(structuredClone(d.children) as RootContent[]),
      );
    }
    tree.children.push({
      type: 'blockquote',
      data: { hName: 'section', hProperties: { className: ['answer-key'], 'aria-label': 'Answer key' } },
      children: key as never,
    });
  };
}

declare module 'vfile' {
  interface DataMap {
    drawers: Drawer[];
  }
}
