import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseToml } from 'smol-toml';
import type { SourceProblem } from '../../lib/yaml-schema';
import { hrefOf, type CourseShape, type SourcePage } from './course-model';
import { parseSummary } from './summary';

/**
 * An mdBook as it is: book.toml for the title and source folder, SUMMARY.md
 * for the order, parts and nesting. Files SUMMARY.md does not name are not
 * pages (as in mdBook); a named file that does not exist is a problem at its line.
 */
export function loadMdBook(root: string): CourseShape {
  const problems: SourceProblem[] = [];
  let config: { book?: { title?: unknown; description?: unknown; src?: unknown } } = {};
  try {
    config = parseToml(readFileSync(join(root, 'book.toml'), 'utf8')) as typeof config;
  } catch (err) {
    const e = err as Error & { line?: number; column?: number };
    problems.push({ file: 'book.toml', line: e.line ?? 1, column: e.column ?? 1, message: e.message.split('\n')[0] });
  }
  const src = typeof config.book?.src === 'string' ? config.book.src.replace(/^\.\/|\/$/g, '') : 'src';
  const summaryFile = `${src}/SUMMARY.md`;
  const shape: CourseShape = {
    title: typeof config.book?.title === 'string' ? config.book.title : 'Book',
    description: typeof config.book?.description === 'string' ? config.book.description : undefined,
    contentDir: src,
    manifests: ['book.toml', summaryFile],
    chapters: [],
    problems,
  };
  if (!existsSync(join(root, summaryFile))) {
    problems.push({ file: 'book.toml', line: 1, column: 1, message: `an mdBook needs ${summaryFile}: its table of contents` });
    return shape;
  }
  const summary = parseSummary(readFileSync(join(root, summaryFile), 'utf8'), summaryFile);
  problems.push(...summary.problems);
  const seen = new Set<string>();
  for (const e of summary.entries) {
    // A draft chapter (`[Title]()`) has no page yet; mdBook lists it greyed out.
    if (!e.path || seen.has(e.path)) continue;
    seen.add(e.path);
    const abs = join(root, src, e.path);
    if (!existsSync(abs)) {
      problems.push({ file: summaryFile, line: e.line, column: 1, message: `links to ${e.path}, which is not in ${src}/` });
      continue;
    }
    const page: SourcePage = { kind: 'chapter', path: `${src}/${e.path}`, abs, href: hrefOf(e.path), part: e.part, depth: e.depth, navTitle: e.title };
    shape.chapters.push(page);
  }
  return shape;
}
