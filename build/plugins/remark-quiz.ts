import type { List, ListItem, Paragraph, PhrasingContent, Root, RootContent } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { toString } from 'mdast-util-to-string';
import type { VFile } from 'vfile';
import { authorError } from './problems';
import { visitBlocks } from './walk';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

const textOf = (nodes: readonly RootContent[]): string => toString(nodes as RootContent[], { includeImageAlt: false });

/**
 * An option's first line is the choice; what is indented under it (after a line break or a
 * blank line) is its explanation. Splits a paragraph at its first line break.
 */
function splitOption(item: ListItem): { choice: PhrasingContent[]; explanation: RootContent[] } {
  const [first, ...rest] = item.children;
  if (!first || first.type !== 'paragraph') return { choice: [], explanation: item.children as RootContent[] };
  const choice: PhrasingContent[] = [];
  const after: PhrasingContent[] = [];
  let broken = false;
  for (const c of first.children) {
    if (broken) after.push(c);
    else if (c.type === 'break') broken = true;
    else if (c.type === 'text' && c.value.includes('\n')) {
      const at = c.value.indexOf('\n');
      if (c.value.slice(0, at).trim()) choice.push({ type: 'text', value: c.value.slice(0, at).trimEnd() });
      const tail = c.value.slice(at + 1).trimStart();
      if (tail) after.push({ type: 'text', value: tail });
      broken = true;
    } else choice.push(c);
  }
  const explanation: RootContent[] = after.length ? [{ type: 'paragraph', children: after }] : [];
  return { choice, explanation: [...explanation, ...(rest as RootContent[])] };
}

const box = (className: string[], children: RootContent[], props: Record<string, unknown> = {}): RootContent =>
  ({ type: 'blockquote', data: { hName: 'div', hProperties: { className, ...props } }, children }) as never;

/**
 * `:::quiz[Predict the output]` … `:::`: a question (any Markdown) followed by a task list of
 * options, `- [x]` marking each right one, with each option's explanation indented under it.
 *
 * Without JavaScript the reader sees the question, the lettered options and a closed answer
 * drawer explaining every option; the print version gathers that drawer into the answer key.
 * book.js turns the options into buttons with immediate feedback and counts right answers
 * per chapter in the reader's own browser. A quiz without a right option, an option without an
 * explanation, or without options at all is a build error at its line.
 */
export default function remarkQuiz() {
  return (tree: Root, file: VFile) => {
    let count = 0;
    visitBlocks<ContainerDirective>(tree, 'containerDirective', (node) => {
      if (node.name !== 'quiz') return;
      const number = ++count;
      const children = [...node.children];
      let kicker = 'Quiz';
      const first = children[0] as Paragraph | undefined;
      if (first?.type === 'paragraph' && (first.data as { directiveLabel?: boolean } | undefined)?.directiveLabel) {
        kicker = textOf(first.children) || kicker;
        children.shift();
      }
      const optionsAt = children.findLastIndex((c) => c.type === 'list');
      const list = children[optionsAt] as List | undefined;
      const fail = (at: { position?: unknown } | undefined, reason: string) => {
        authorError(file, (at ?? node) as never, reason, 'quiz');
        node.data = { hName: 'section', hProperties: { className: ['quiz'] } };
      };
      if (!list || list.children.some((i) => typeof i.checked !== 'boolean')) {
        return fail(list ?? node, 'a :::quiz needs its options as a task list after the question: "- [x] right option" and "- [ ] wrong option", each with its explanation indented under it');
      }
      if (list.children.length < 2) return fail(list, 'a :::quiz needs at least two options');
      if (!list.children.some((i) => i.checked)) return fail(node, 'this :::quiz has no correct option: mark the right one with "- [x]"');
      const question = children.slice(0, optionsAt);
      if (question.length === 0) return fail(node, 'a :::quiz needs its question before the options');
      const options = list.children.map((item, i) => ({ item, letter: LETTERS[i] ?? String(i + 1), right: Boolean(item.checked), ...splitOption(item) }));
      for (const o of options) {
        if (o.choice.length === 0) return fail(o.item, `option ${o.letter} of this :::quiz is empty`);
        if (o.explanation.length === 0) {
          return fail(o.item, `option ${o.letter} ("${textOf(o.choice).slice(0, 40)}") of this :::quiz has no explanation: indent one under it, on the next line`);
        }
      }
      const id = `quiz-${number}`;
      const optionList: RootContent = {
        type: 'list',
        ordered: true,
        spread: false,
        data: { hProperties: { className: ['quiz-options'], type: 'A' } },
        children: options.map(
          (o): ListItem => ({
            type: 'listItem',
            spread: false,
            data: { hProperties: { dataCorrect: String(o.right), dataOption: o.letter } },
            children: [{ type: 'paragraph', children: o.choice }],
          }),
        ),
      } as never;
      // The answer drawer (and, through it, the printed answer key) explains every option.
      const drawer: ContainerDirective = {
        type: 'containerDirective',
        name: 'details',
        data: { answerLabel: `Quiz ${number}` } as never,
        children: [
          { type: 'paragraph', data: { directiveLabel: true } as never, children: [{ type: 'text', value: 'Show the answer' }] },
          ...options.map((o) =>
            box(['quiz-explanation'], [
              { type: 'paragraph', children: [{ type: 'strong', children: [{ type: 'text', value: `${o.letter}. ` }, ...o.choice, { type: 'text', value: o.right ? ' — right.' : ' — not quite.' }] }] } as never,
              ...o.explanation,
            ], { dataOption: o.letter, dataCorrect: String(o.right) }),
          ),
        ] as never,
      };
      node.data = { hName: 'section', hProperties: { className: ['quiz'], id, dataQuiz: String(number), 'aria-labelledby': `${id}-title` } };
      node.children = [
        { type: 'paragraph', data: { hProperties: { className: ['quiz-kicker'], id: `${id}-title` } }, children: [{ type: 'text', value: kicker === 'Quiz' ? `Quiz ${number}` : `Quiz ${number} · ${kicker}` }] },
        ...question,
        optionList,
        drawer,
        { type: 'paragraph', data: { hProperties: { className: ['quiz-score'], hidden: true, role: 'status' } }, children: [] },
      ] as never;
    });
  };
}
