import type { Link, List, ListItem, Paragraph, PhrasingContent, RootContent } from 'mdast';
import { toString } from 'mdast-util-to-string';
import remarkParse from 'remark-parse';
import { unified } from 'unified';
import type { SourceProblem } from '../../lib/yaml-schema';
import { decodePath } from '../../lib/paths';

/** One entry of an mdBook SUMMARY.md, in order. */
export interface SummaryEntry {
  title: string;
  /** The page's path from the src folder; undefined for a draft (`[Title]()`). */
  path?: string;
  /** The part (`# Part title`) it is under; prefix and suffix chapters have none. */
  part?: string;
  /** 0 for a top-level chapter, 1 for a sub-chapter, … */
  depth: number;
  line: number;
}

export interface Summary {
  title?: string;
  entries: SummaryEntry[];
  problems: SourceProblem[];
}

const textOf = (nodes: PhrasingContent[]): string => toString(nodes, { includeImageAlt: false });

/**
 * Reads SUMMARY.md by mdBook's rules: an optional `# Summary` title, prefix
 * chapters (links outside a list), numbered chapters as nested lists, part
 * titles (`# Part`) between them, separators (`---`), draft chapters
 * (`[Title]()`) and suffix chapters after the last list.
 */
export function parseSummary(text: string, file: string): Summary {
  const tree = unified().use(remarkParse).parse(text);
  const entries: SummaryEntry[] = [];
  const problems: SourceProblem[] = [];
  let title: string | undefined;
  let part: string | undefined;
  const problem = (node: { position?: { start: { line: number; column: number } } }, message: string) =>
    problems.push({ file, line: node.position?.start.line ?? 1, column: node.position?.start.column ?? 1, message });
  const add = (link: Link, depth: number, inPart: string | undefined) => {
    const url = decodePath(link.url.split('#')[0]);
    entries.push({ title: textOf(link.children).trim(), path: url === '' ? undefined : url.replace(/^\.\//, ''), part: inPart, depth, line: link.position?.start.line ?? 1 });
  };
  const walkList = (list: List, depth: number) => {
    for (const item of list.children as ListItem[]) {
      const para = item.children.find((c): c is Paragraph => c.type === 'paragraph');
      const link = para?.children.find((c): c is Link => c.type === 'link');
      if (!link) problem(item, 'a SUMMARY.md list item must be a link: - [Title](page.md), or - [Title]() for a draft');
      else add(link, depth, part);
      for (const sub of item.children) if (sub.type === 'list') walkList(sub, depth + 1);
    }
  };
  tree.children.forEach((node: RootContent, i) => {
    if (node.type === 'heading') {
      // The first heading, before any chapter, is the summary's own title; later ones are parts.
      if (i === 0 && node.depth === 1 && entries.length === 0) title = textOf(node.children).trim();
      else part = textOf(node.children).trim();
    } else if (node.type === 'list') {
      walkList(node, 0);
    } else if (node.type === 'paragraph') {
      const links = node.children.filter((c): c is Link => c.type === 'link');
      if (!links.length) problem(node, 'SUMMARY.md holds only a title, links, lists of links, part titles and --- separators');
      // Prefix and suffix chapters are unnumbered and outside every part.
      for (const l of links) add(l, 0, undefined);
    } else if (node.type !== 'thematicBreak' && node.type !== 'html') {
      problem(node, `unexpected ${node.type} in SUMMARY.md`);
    }
  });
  return { title, entries, problems };
}
