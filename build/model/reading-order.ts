import type { Lab } from '../../graders/lab/load';
import type { Course, SourcePage } from './course';

export interface PagerLink {
  page: SourcePage;
  title: string;
}

const INDEX: SourcePage = { kind: 'index', path: 'index', abs: '', href: 'index.html' };

/**
 * The course in reading order, as Previous/Next walk it: the front page, then each chapter
 * followed by the labs it prepares for (a lab's `chapter:`, else the chapter whose front
 * matter names it), then any lab no chapter claims.
 */
export function readingOrder(course: Course, labs: Map<string, Lab>, labOfChapter: Map<string, string | undefined> = new Map()): SourcePage[] {
  const order: SourcePage[] = [course.index ?? INDEX];
  const placed = new Set<string>();
  for (const c of course.chapters) {
    order.push(c);
    for (const l of course.labs) {
      if (placed.has(l.path)) continue;
      const lab = l.labId ? labs.get(l.labId) : undefined;
      const chapter = lab?.chapter?.replace(/^\.\//, '');
      if (chapter === c.path || (!chapter && labOfChapter.get(c.path) === l.labId)) {
        order.push(l);
        placed.add(l.path);
      }
    }
  }
  for (const l of course.labs) if (!placed.has(l.path)) order.push(l);
  return order;
}

/** Previous and next page of each page in reading order, by page path. */
export function pagerLinks(order: SourcePage[], titles: Map<string, string>, courseTitle: string): Map<string, { prev?: PagerLink; next?: PagerLink }> {
  const link = (p: SourcePage | undefined): PagerLink | undefined => (p ? { page: p, title: p.kind === 'index' ? (titles.get(p.path) ?? courseTitle) : (titles.get(p.path) ?? p.path) } : undefined);
  return new Map(order.map((p, i) => [p.path, { prev: link(order[i - 1]), next: link(order[i + 1]) }]));
}
