import type { Book } from '../model/book';
import { labData } from './labs';
import { mermaidDiagrams } from './mermaid';
import { vitePressContainers } from './vitepress-containers';

/** A step between loading the book and rendering it, as mdBook's preprocessors are: it reads the book and adds to it. */
export interface BookPreprocessor {
  name: string;
  run(book: Book, warn: (message: string) => void): void | Promise<void>;
}

/** A step that rewrites a page's source before it is parsed: another tool's syntax into the book's. */
export interface TextPreprocessor {
  name: string;
  run(text: string): string;
}

/** In order: lab definitions, then every diagram drawn in one browser session. */
export const BOOK_PREPROCESSORS: BookPreprocessor[] = [labData, mermaidDiagrams];

/** Run on each page's source as it is parsed (line numbers are kept, so problems point at the source). */
export const TEXT_PREPROCESSORS: TextPreprocessor[] = [vitePressContainers];

export async function preprocessBook(book: Book, warn: (message: string) => void): Promise<void> {
  for (const p of BOOK_PREPROCESSORS) await p.run(book, warn);
}

export function preprocessText(text: string): string {
  for (const p of TEXT_PREPROCESSORS) text = p.run(text);
  return text;
}
