import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseYamlWith, type SourceProblem } from '../../lib/yaml-schema';
import { CourseSchema, firstHeading, hrefOf, titleOfName, type CourseShape, type SourcePage } from './course-model';

/** Folders never read as chapters when the course root itself holds them. */
const SKIP = new Set(['node_modules', 'site', 'labs', 'book', '_site', 'dist']);
const LANDING = /^(index|readme)\.md$/i;
const NUMBER = /^(\d+)[-_. ]/;

/** Numbered entries by their number, then the rest by name (a folder of plain GitHub Markdown). */
function byNumberThenName(a: string, b: string): number {
  const na = NUMBER.exec(a)?.[1];
  const nb = NUMBER.exec(b)?.[1];
  if (na !== undefined && nb !== undefined) return Number(na) - Number(nb) || a.localeCompare(b);
  if (na !== undefined) return -1;
  if (nb !== undefined) return 1;
  return a.localeCompare(b);
}

interface Found {
  /** From the content folder: `02-basics/01-shell.md`. */
  rel: string;
  part?: string;
  depth: number;
}

/**
 * The pages under `dir` in reading order: a folder's landing page (index.md
 * or README.md, as VitePress and GitHub show them) first, then files and
 * sub-folders by their number, else by name. A top-level folder is a part,
 * titled by its landing page's `#` heading or by its name.
 */
function walk(contentAbs: string, rel: string, depth: number, part: string | undefined, top: boolean): Found[] {
  const abs = join(contentAbs, rel);
  const names = readdirSync(abs).filter((n) => !n.startsWith('.') && !n.startsWith('_') && !(top && rel === '' && SKIP.has(n)));
  const found: Found[] = [];
  const landing = names.find((n) => LANDING.test(n) && statSync(join(abs, n)).isFile());
  // The content folder's own landing page is the course index, not a chapter.
  if (landing && rel !== '') found.push({ rel: join(rel, landing), part, depth: Math.max(0, depth - 1) });
  for (const name of names.filter((n) => n !== landing).sort(byNumberThenName)) {
    const p = join(abs, name);
    if (statSync(p).isDirectory()) {
      if (!hasMarkdown(p)) continue;
      const sub = join(rel, name);
      const hasLanding = readdirSync(p).some((n) => LANDING.test(n));
      // A folder in a part with no landing page to nest under is a part of its own ("Docs › Setup");
      // deeper, a folder without one adds no level (its pages would nest under an unrelated page).
      const ownPart = rel !== '' && depth === 0 && !hasLanding;
      const folderTitle = rel === '' ? titleOfFolder(p, name) : ownPart ? `${part} › ${titleOfName(name)}` : part;
      found.push(...walk(contentAbs, sub, rel === '' || ownPart ? 0 : hasLanding ? depth + 1 : depth, folderTitle, false));
    } else if (/\.md$/i.test(name) && !(rel === '' && /^summary\.md$/i.test(name))) {
      found.push({ rel: join(rel, name), part, depth });
    }
  }
  return found;
}

function hasMarkdown(dir: string): boolean {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).some((f) => /\.md$/i.test(f) && !f.split('/').some((s) => s.startsWith('.') || s === 'node_modules'));
}

function titleOfFolder(dir: string, name: string): string {
  const landing = readdirSync(dir).find((n) => LANDING.test(n));
  return (landing && firstHeading(readFileSync(join(dir, landing), 'utf8'))) || titleOfName(name);
}

/**
 * A course of folders: `chapters/` (or, without one, the course root, as a
 * folder of GitHub Markdown is laid out), ordered by course.yaml when there is
 * one, else by folder and file numbers.
 */
export function loadFolders(root: string): CourseShape {
  const problems: SourceProblem[] = [];
  const contentDir = existsSync(join(root, 'chapters')) ? 'chapters' : '';
  const contentAbs = join(root, contentDir);
  const prefix = contentDir ? `${contentDir}/` : '';
  const found = existsSync(contentAbs) ? walk(contentAbs, '', 0, undefined, true) : [];
  const page = (f: Found, part = f.part): SourcePage => ({ kind: 'chapter', path: `${prefix}${f.rel}`, abs: join(contentAbs, f.rel), href: hrefOf(f.rel), part, depth: f.depth });
  let title = 'Course';
  let description: string | undefined;
  let chapters: SourcePage[];
  const manifestFile = join(root, 'course.yaml');
  if (existsSync(manifestFile)) {
    const text = readFileSync(manifestFile, 'utf8');
    const parsed = parseYamlWith(CourseSchema, text, 'course.yaml');
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      chapters = [];
    } else {
      title = parsed.value.title;
      description = parsed.value.description;
      const listed: { entry: string; part?: string }[] = parsed.value.parts
        ? parsed.value.parts.flatMap((p) => p.chapters.map((entry) => ({ entry, part: p.title })))
        : (parsed.value.chapters ?? []).map((entry) => ({ entry }));
      const lines = text.split('\n');
      chapters = [];
      const taken = new Set<string>();
      for (const { entry, part } of listed) {
        // An entry is a chapter file or a folder, which brings its pages in their folder order.
        const folder = entry.replace(/\/$/, '');
        const matches = found.filter((f) => f.rel === entry || f.rel.startsWith(`${folder}/`));
        if (!matches.length) {
          const line = lines.findIndex((l) => l.includes(entry)) + 1;
          problems.push({ file: 'course.yaml', line: line || 1, column: 1, message: `lists ${entry}, which is not in ${contentDir || 'the course folder'}/` });
        }
        for (const f of matches) {
          if (taken.has(f.rel)) continue;
          taken.add(f.rel);
          chapters.push(page({ ...f, depth: f.rel === entry ? 0 : f.depth }, part));
        }
      }
      for (const f of found) if (!taken.has(f.rel)) problems.push({ file: `${prefix}${f.rel}`, line: 1, column: 1, message: 'this chapter is missing from course.yaml' });
    }
  } else {
    chapters = found.map((f) => page(f));
  }
  const landing = existsSync(contentAbs) ? readdirSync(contentAbs).filter((n) => LANDING.test(n)).sort((a) => (/^index/i.test(a) ? -1 : 1))[0] : undefined;
  const index: SourcePage | undefined = landing ? { kind: 'index', path: `${prefix}${landing}`, abs: join(contentAbs, landing), href: 'index.html' } : undefined;
  if (index && !existsSync(manifestFile)) title = firstHeading(readFileSync(index.abs, 'utf8')) ?? title;
  return { title, description, contentDir, manifests: ['course.yaml'], chapters, index, problems };
}
