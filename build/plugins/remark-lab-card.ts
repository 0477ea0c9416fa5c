import { h } from 'hastscript';
import type { Root } from 'mdast';
import type { LeafDirective } from 'mdast-util-directive';
import type { VFile } from 'vfile';
import { maxScore, type Lab } from '../../graders/lab/load';
import { checksTable } from '../hast/lab-checks-table';
import { authorError } from './problems';
import { visitBlocks } from './walk';

export interface LabCardOptions {
  /** Labs by id, read from each lab's own definition. */
  labs: Map<string, Lab>;
  /** Link from the page being rendered to a lab's page. */
  hrefFor: (labId: string, file: VFile) => string;
}

/** `::lab{id=catalog-image}` renders a card for the lab from its own definition: one source of truth. */
export default function remarkLabCard(options: LabCardOptions) {
  return (tree: Root, file: VFile) => {
    visitBlocks<LeafDirective>(tree, 'leafDirective', (node) => {
      if (node.name !== 'lab') return;
      const id = node.attributes?.id ?? '';
      const lab = options.labs.get(id);
      if (!lab) {
        authorError(file, node, `unknown lab id "${id}" (labs: ${[...options.labs.keys()].join(', ') || 'none'})`, 'lab-card');
        return;
      }
      const total = maxScore(lab);
      node.data = {
        hName: 'section',
        hProperties: { className: ['lab-card'], 'aria-label': `Lab: ${lab.title}` },
        hChildren: [
          h('p', { className: ['lab-card-kicker'] }, 'Hands-on lab'),
          h('p', { className: ['lab-card-title'] }, h('a', { href: options.hrefFor(id, file), dataUrl: `labs/${id}.html` }, lab.title)),
          ...(lab.summary ? [h('p', lab.summary)] : []),
          checksTable(lab),
          h('p', [`${total} points in all. `, h('a', { href: options.hrefFor(id, file) }, 'Open the lab handout →')]),
        ],
      };
    });
  };
}
