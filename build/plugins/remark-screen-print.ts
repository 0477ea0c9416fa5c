import type { Root } from 'mdast';
import type { ContainerDirective } from 'mdast-util-directive';
import { visitBlocks } from './walk';

/** `:::screen` … `:::` is shown on screen only (text about drawers, buttons), `:::print` … `:::` only in print. */
export default function remarkScreenPrint() {
  return (tree: Root) => {
    visitBlocks<ContainerDirective>(tree, 'containerDirective', (node) => {
      if (node.name === 'screen' || node.name === 'print') node.data = { hName: 'div', hProperties: { className: [`${node.name}-only`] } };
    });
  };
}
