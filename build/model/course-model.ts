import { z } from 'zod';
import type { SourceProblem } from '../../lib/yaml-schema';

/**
 * What an author may put in a chapter's front matter. Title is optional (the first
 * `#` heading is the title); keys of other tools' front matter are let through
 * (see FOREIGN_FRONT_MATTER_KEYS), and the front-matter plugin warns about the rest.
 */
export const FrontMatterSchema = z
  .object({
    title: z.string().min(1).optional(),
    summary: z.string().optional(),
    time: z.string().optional(),
    level: z.enum(['beginner', 'intermediate', 'advanced']).optional(),
    prerequisites: z.array(z.string()).default([]),
    outcomes: z.array(z.string()).default([]),
    lab: z.string().optional(),
    /** VitePress: `false` hides the page's contents list. */
    outline: z.unknown().optional(),
    /** VitePress: `home` makes a page of its `hero` (and `features`). */
    layout: z.unknown().optional(),
    hero: z.unknown().optional(),
    features: z.unknown().optional(),
  })
  .loose();
export type FrontMatter = z.infer<typeof FrontMatterSchema>;

/** The book's own front matter keys. */
export const FRONT_MATTER_KEYS = new Set(['title', 'summary', 'time', 'level', 'prerequisites', 'outcomes', 'lab', 'outline', 'layout', 'hero', 'features']);

/** Front matter keys of VitePress, Docusaurus, Jupyter Book (MyST), mdBook preprocessors and Hugo-like tools: accepted and ignored. */
export const FOREIGN_FRONT_MATTER_KEYS = new Set([
  // VitePress
  'titleTemplate', 'description', 'head', 'navbar', 'sidebar', 'aside', 'lastUpdated', 'editLink', 'footer', 'pageClass', 'prev', 'next', 'isHome', 'search', 'returnToTop',
  // Docusaurus
  'id', 'slug', 'sidebar_label', 'sidebar_position', 'sidebar_class_name', 'sidebar_custom_props', 'displayed_sidebar', 'hide_title', 'hide_table_of_contents', 'toc_min_heading_level', 'toc_max_heading_level',
  'pagination_label', 'pagination_prev', 'pagination_next', 'custom_edit_url', 'parse_number_prefixes', 'keywords', 'image', 'draft', 'unlisted', 'last_update', 'tags',
  // Jupyter Book / MyST
  'jupytext', 'kernelspec', 'kernel_info', 'authors', 'author', 'date', 'license', 'numbering', 'exports', 'downloads', 'subject', 'short_title', 'subtitle', 'venue', 'doi', 'thumbnail',
  'banner', 'github', 'math', 'abbreviations', 'exclude', 'site', 'label', 'copyright', 'affiliations', 'bibliography', 'open_access', 'options', 'parts', 'myst', 'mystnb', 'execute', 'html_meta',
  // Hugo, Jekyll and mdBook front-matter preprocessors
  'weight', 'linkTitle', 'aliases', 'categories', 'permalink', 'toc', 'menu', 'type', 'lang', 'order', 'nav_order', 'parent', 'has_children', 'nav_exclude',
]);

export const CourseSchema = z
  .object({
    title: z.string().min(1),
    description: z.string().optional(),
    /** Where the book is published; the grader's feedback links there. */
    url: z.url().optional(),
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
  /** Nesting under its part: 0 for a chapter, 1 for a section of it (a page in a sub-folder, an indented SUMMARY entry), … */
  depth?: number;
  /** The title the table of contents gives it (mdBook's SUMMARY.md), when not the page's own. */
  navTitle?: string;
}

export interface Course {
  root: string;
  title: string;
  description?: string;
  /** The folder the chapters are read from, relative to the root: `chapters`, an mdBook's `src`, or `` (the root itself). */
  contentDir: string;
  /** Files whose change changes the book's shape (course.yaml, book.toml, SUMMARY.md), relative to the root. */
  manifests: string[];
  /** Chapters in reading order. */
  chapters: SourcePage[];
  labs: SourcePage[];
  /** The course index page, `chapters/index.md`, when present. */
  index?: SourcePage;
  problems: SourceProblem[];
}

/** What a course loader finds: everything of the course but its labs. */
export type CourseShape = Pick<Course, 'title' | 'description' | 'contentDir' | 'manifests' | 'chapters' | 'index' | 'problems'>;

/** The page a Markdown file becomes: `a/b.md` → `a/b.html`; an `index.md` or `README.md` is its folder's `index.html`. */
export function hrefOf(rel: string): string {
  return rel.replace(/(^|\/)(index|README)\.md$/i, '$1index.html').replace(/\.md$/i, '.html');
}

/** A folder or file name as a title: `02-first-steps` → `First steps`. */
export function titleOfName(name: string): string {
  const words = name.replace(/\.md$/i, '').replace(/^\d+[-_. ]*/, '').replace(/[-_]+/g, ' ').trim();
  return words ? words[0].toUpperCase() + words.slice(1) : name;
}

/** The first `# ` heading of a Markdown text (outside code), or its front matter's title. */
export function firstHeading(text: string): string | undefined {
  const fm = /^---\r?\n[\s\S]*?^title:\s*(.+)$[\s\S]*?^---$/m.exec(text);
  if (fm && text.startsWith('---')) return fm[1].replace(/^["']|["']$/g, '').trim();
  let fence = false;
  for (const line of text.split('\n')) {
    if (/^ {0,3}(```|~~~)/.test(line)) fence = !fence;
    else if (!fence && /^# +\S/.test(line)) return line.replace(/^# +/, '').replace(/ +#* *$/, '').trim();
  }
  return undefined;
}
