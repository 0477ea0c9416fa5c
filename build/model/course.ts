import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Course, SourcePage } from './course-model';
import { loadFolders } from './course-folders';
import { loadMdBook } from './course-mdbook';

export { FrontMatterSchema, type FrontMatter, type CourseManifest, type SourcePage, type Course } from './course-model';

/** Loads the course: an mdBook (book.toml and SUMMARY.md), or chapters/ (or the root) read as folders. */
export function loadCourse(root: string): Course {
  const labsDir = join(root, 'labs');
  const labs: SourcePage[] = existsSync(labsDir)
    ? readdirSync(labsDir)
        .filter((d) => existsSync(join(labsDir, d, 'README.md')))
        .sort()
        .map((d) => ({ kind: 'lab' as const, path: `labs/${d}/README.md`, abs: join(labsDir, d, 'README.md'), href: `labs/${d}.html`, labId: d }))
    : [];
  const shape = existsSync(join(root, 'book.toml')) ? loadMdBook(root) : loadFolders(root);
  return { root, labs, ...shape };
}

export function allPages(course: Course): SourcePage[] {
  return [...(course.index ? [course.index] : []), ...course.chapters, ...course.labs];
}

/** Finds the page a relative link from `from` points at, by source path. */
export function resolveLink(course: Course, from: SourcePage, target: string): SourcePage | undefined {
  const dir = from.path.split('/').slice(0, -1);
  const parts = [...dir];
  for (const seg of target.split('/')) {
    if (seg === '..') parts.pop();
    else if (seg !== '.' && seg !== '') parts.push(seg);
  }
  const path = parts.join('/');
  return allPages(course).find((p) => p.path === path || (p.kind === 'lab' && `labs/${p.labId}` === path.replace(/\/$/, '')));
}

/** A link from one page to another, as a URL: a file name with a space (an mdBook's) is written %20. */
export const relativeHref = (fromHref: string, toHref: string): string => {
  const depth = fromHref.split('/').length - 1;
  return `${'../'.repeat(depth)}${encodeURI(toHref)}`;
};

/** Where a course file (`chapters/img/a.png`) is published in the site. */
export const publishedAssetPath = (sourcePath: string) => `media/${sourcePath}`;

declare module 'vfile' {
  interface DataMap {
    /** The page a file is rendered as; set by the renderer for plugins that need links relative to it. */
    page: SourcePage;
  }
}
