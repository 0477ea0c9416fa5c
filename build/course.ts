import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { parseYamlWith, type SourceProblem } from '../lib/yaml-schema';

/** What an author may put in a chapter's front matter. */
export const FrontMatterSchema = z
  .object({
    title: z.string().min(1),
    summary: z.string().optional(),
    time: z.string().optional(),
    level: z.enum(['beginner', 'intermediate', 'advanced']).optional(),
    prerequisites: z.array(z.string()).default([]),
    outcomes: z.array(z.string()).default([]),
    lab: z.string().optional(),
  })
  .strict();
export type FrontMatter = z.infer<typeof FrontMatterSchema>;

const CourseSchema = z
  .object({
    title: z.string().min(1),
    description: z.string().optional(),
    chapters: z.array(z.string()).optional(),
    parts: z.array(z.object({ title: z.string(), chapters: z.array(z.string()).min(1) }).strict()).optional(),
  })
  .strict();
export type CourseManifest = z.infer<typeof CourseSchema>;

/** One source page of the book: a chapter or a lab handout. */
export interface SourcePage {
  kind: 'chapter' | 'lab' | 'index';
  /** Path relative to the course root, as authors write it in links and errors. */
  path: string;
  abs: string;
  /** Output path relative to the site root. */
  href: string;
  labId?: string;
  part?: string;
}

export interface Course {
  root: string;
  title: string;
  description?: string;
  /** Chapters in reading order. */
  chapters: SourcePage[];
  labs: SourcePage[];
  /** The course index page, `chapters/index.md`, when present. */
  index?: SourcePage;
  problems: SourceProblem[];
}

const CHAPTER_RE = /^(\d+)[-_].+\.md$/;

/** Reading order: course.yaml when present, else the numeric filename prefix. */
export function loadCourse(root: string): Course {
  const problems: SourceProblem[] = [];
  const chaptersDir = join(root, 'chapters');
  const onDisk = existsSync(chaptersDir)
    ? readdirSync(chaptersDir).filter((f) => f.endsWith('.md') && f !== 'index.md' && !f.startsWith('_'))
    : [];
  let title = 'Course';
  let description: string | undefined;
  const page = (file: string, part?: string): SourcePage => ({
    kind: 'chapter',
    path: `chapters/${file}`,
    abs: join(chaptersDir, file),
    href: `${file.replace(/\.md$/, '')}.html`,
    part,
  });
  let chapters: SourcePage[];
  const manifestFile = join(root, 'course.yaml');
  if (existsSync(manifestFile)) {
    const parsed = parseYamlWith(CourseSchema, readFileSync(manifestFile, 'utf8'), 'course.yaml');
    if (!parsed.ok) {
      problems.push(...parsed.problems);
      chapters = [];
    } else {
      title = parsed.value.title;
      description = parsed.value.description;
      const listed: { file: string; part?: string }[] = parsed.value.parts
        ? parsed.value.parts.flatMap((p) => p.chapters.map((file) => ({ file, part: p.title })))
        : (parsed.value.chapters ?? []).map((file) => ({ file }));
      const text = readFileSync(manifestFile, 'utf8').split('\n');
      for (const { file } of listed) {
        if (!onDisk.includes(file)) {
          const line = text.findIndex((l) => l.includes(file)) + 1;
          problems.push({ file: 'course.yaml', line: line || 1, column: 1, message: `lists ${file}, which is not in chapters/` });
        }
      }
      for (const file of onDisk) {
        if (!listed.some((l) => l.file === file)) {
          problems.push({ file: `chapters/${file}`, line: 1, column: 1, message: 'this chapter is missing from course.yaml' });
        }
      }
      chapters = listed.filter((l) => onDisk.includes(l.file)).map((l) => page(l.file, l.part));
    }
  } else {
    for (const file of onDisk) {
      if (!CHAPTER_RE.test(file)) problems.push({ file: `chapters/${file}`, line: 1, column: 1, message: 'chapter file names start with a number (e.g. 01-intro.md), or list the chapter in course.yaml' });
    }
    chapters = onDisk
      .filter((f) => CHAPTER_RE.test(f))
      .sort((a, b) => Number(CHAPTER_RE.exec(a)![1]) - Number(CHAPTER_RE.exec(b)![1]) || a.localeCompare(b))
      .map((f) => page(f));
  }
  const indexFile = join(chaptersDir, 'index.md');
  const index: SourcePage | undefined = existsSync(indexFile) ? { kind: 'index', path: 'chapters/index.md', abs: indexFile, href: 'index.html' } : undefined;
  if (index && !existsSync(manifestFile)) {
    const m = /^---\n[\s\S]*?^title:\s*(.+)$/m.exec(readFileSync(indexFile, 'utf8'));
    if (m) title = m[1].replace(/^["']|["']$/g, '').trim();
  }
  const labsDir = join(root, 'labs');
  const labs: SourcePage[] = existsSync(labsDir)
    ? readdirSync(labsDir)
        .filter((d) => existsSync(join(labsDir, d, 'README.md')))
        .sort()
        .map((d) => ({ kind: 'lab' as const, path: `labs/${d}/README.md`, abs: join(labsDir, d, 'README.md'), href: `labs/${d}.html`, labId: d }))
    : [];
  return { root, title, description, chapters, labs, index, problems };
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

export const relativeHref = (fromHref: string, toHref: string): string => {
  const depth = fromHref.split('/').length - 1;
  return `${'../'.repeat(depth)}${toHref}`;
};

declare module 'vfile' {
  interface DataMap {
    /** The page a file is rendered as; set by the renderer for plugins that need links relative to it. */
    page: SourcePage;
  }
}
