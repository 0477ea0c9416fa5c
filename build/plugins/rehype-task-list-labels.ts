import { toString } from 'hast-util-to-string';
import type { Element, Root } from 'hast';
import { visitElements } from './walk';

/** A task list's checkbox is named by its item's text, so a screen reader says what is done. */
export default function rehypeTaskListLabels() {
  return (tree: Root) => {
    visitElements(tree, (node, _i, parent) => {
      if (node.tagName !== 'input' || node.properties?.type !== 'checkbox' || node.properties.ariaLabel) return;
      node.properties.ariaLabel = toString(parent as Element).trim().slice(0, 120) || 'Done';
    });
  };
}
