import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Lab } from '../../graders/lab/load';
import type { SourceProblem } from '../../lib/yaml-schema';
import { allPages, loadCourse, type Course, type SourcePage } from './course';
import { scanSource, type SourceScan } from './source-scan';

/** A Mermaid diagram drawn at build time, light and dark, or why it could not be. */
export interface MermaidResult {
  svg?: string;
  /** The same diagram drawn for dark pages (absent when it could not be rendered: the light one is shown). */
  svgDark?: string;
  /** Mermaid's own parse message for an invalid diagram. */
  error?: string;
}

/** One page of the book: where it comes from and goes, its source, and what the one scan of it found. */
export interface BookPage {
  source: SourcePage;
  text: string;
  scan: SourceScan;
  /** Files the page includes (mdBook's `{{#include}}`), as absolute paths: the page changes when they do. */
  includes: string[];
}

/**
 * The book as mdBook models one: the course (chapters in reading order, parts, labs'
 * handouts) with every page's source, read once. Preprocessors add what rendering
 * needs (`labs`, `diagrams`); the renderer turns pages into HTML.
 */
export interface Book {
  root: string;
  course: Course;
  pages: BookPage[];
  /** Lab definitions by id (the lab data preprocessor). */
  labs: Map<string, Lab>;
  /** Drawn diagrams by source (the Mermaid preprocessor). */
  diagrams: Map<string, MermaidResult>;
  problems: SourceProblem[];
}

/** The files a page includes, and those its included Markdown includes in turn (each once). */
function includedFiles(abs: string, scan: SourceScan, seen = new Set<string>()): string[] {
  for (const arg of scan.includes) {
    const file = join(dirname(abs), arg.split(':')[0]);
    if (seen.has(file)) continue;
    seen.add(file);
    if (/\.(md|markdown)$/i.test(file) && existsSync(file) && seen.size < 100) includedFiles(file, scanSource(readFileSync(file, 'utf8')), seen);
  }
  return [...seen];
}

/** Loads the course at `root` and reads and scans each of its pages once. */
export function loadBook(root: string): Book {
  const course = loadCourse(root);
  const pages = allPages(course).map((source): BookPage => {
    const text = readFileSync(source.abs, 'utf8');
    const scan = scanSource(text);
    return { source, text, scan, includes: includedFiles(source.abs, scan) };
  });
  return { root, course, pages, labs: new Map(), diagrams: new Map(), problems: [...course.problems] };
}
