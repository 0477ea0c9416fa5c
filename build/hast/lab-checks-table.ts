import { h } from 'hastscript';
import { labChecks } from '../../graders/checks';
import type { Lab } from '../../graders/lab/load';

/** The checks a lab's grader runs and their points, from the lab's own definition (its card in a chapter, its handout). */
export function checksTable(lab: Lab) {
  return h('table', { className: ['lab-checks'] }, [
    h('thead', h('tr', [h('th', { scope: 'col' }, 'Check'), h('th', { scope: 'col' }, 'What it measures'), h('th', { scope: 'col' }, 'Points')])),
    h(
      'tbody',
      labChecks(lab).map((c) => h('tr', [h('td', h('code', c.id)), h('td', c.title), h('td', String(lab.points[c.id]))])),
    ),
  ]);
}
