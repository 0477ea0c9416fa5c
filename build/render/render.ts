// The renderer: a page's source (after the text preprocessors) → mdast → hast → the page's
// HTML and, from the same tree, its print version. Every transform is in the pipeline's
// .use list below, in the order it runs; each plugin does one job (see build/plugins/).
import { readFileSync } from 'node:fs';
import rehypeSlug from 'rehype-slug';
import rehypeStringify from 'rehype-stringify';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkGfmCore from '../plugins/remark-gfm-core';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';
import { VFile } from 'vfile';
import type { Lab } from '../../graders/lab/load';
import { whitespace } from 'hast-util-whitespace';
import type { Root as HastRoot } from 'hast';
import { allPages, relativeHref, type Course, type FrontMatter, type SourcePage } from '../model/course';
import { canHighlight } from './highlight';
import type { Highlight } from '../model/languages';
import type { MermaidResult } from '../model/book';
import rehypeFigureNumbers from '../plugins/rehype-figure-numbers';
import rehypeLeadIns from '../plugins/rehype-lead-ins';
import rehypeLocalAssets from '../plugins/rehype-local-assets';
import rehypeLongCode from '../plugins/rehype-long-code';
import rehypeScrollableTables from '../plugins/rehype-scrollable-tables';
import rehypeChapterLinks, { type InternalLink } from '../plugins/rehype-chapter-links';
import rehypeHeadingAnchors from '../plugins/rehype-heading-anchors';
import rehypePageIds from '../plugins/rehype-page-ids';
import rehypePageTitle from '../plugins/rehype-page-title';
import rehypePrintVersion from '../plugins/rehype-print-version';
import rehypeSearchSections, { type SearchSection } from '../plugins/rehype-search-sections';
import rehypeTaskListLabels from '../plugins/rehype-task-list-labels';
import rehypeToc, { type TocEntry } from '../plugins/rehype-toc';
import remarkAnswerDrawers from '../plugins/remark-answer-drawers';
import remarkQuiz from '../plugins/remark-quiz';
import remarkAsciiFigures from '../plugins/remark-ascii-figures';
import remarkCallouts from '../plugins/remark-callouts';
import remarkScreenPrint from '../plugins/remark-screen-print';
import remarkCodeHighlight from '../plugins/remark-code-highlight';
import remarkFrontMatterData from '../plugins/remark-front-matter-data';
import remarkGithubAlerts from '../plugins/remark-github-alerts';
import remarkLabCard from '../plugins/remark-lab-card';
import remarkMermaid from '../plugins/remark-mermaid';
import remarkNestingLimit from '../plugins/remark-nesting-limit';
import remarkMdbookIncludes from '../plugins/remark-mdbook-includes';
import remarkMdbookTitle from '../plugins/remark-mdbook-title';
import remarkHeadingAttributes from '../plugins/remark-heading-attributes';
import { preprocessText } from '../preprocess';
import remarkUnknownDirectives from '../plugins/remark-unknown-directives';
import type { SourceProblem } from '../../lib/yaml-schema';

/** Everything rendering needs that is shared by all pages of one build. */
export interface RenderContext {
  course: Course;
  labs: Map<string, Lab>;
  highlight: Highlight;
  mermaid: Map<string, MermaidResult>;
}

/** A page as HTML: the whole fragment, and where its own title heading ends in it. */
export interface PageHtml {
  html: string;
  /** Characters at the start of `html` that are the page's own `#` heading; 0 when it opens with none (the layout makes one from the title). */
  headEnd: number;
}

/** One page rendered to an HTML fragment, with what the layout, print, search and link check need. */
export interface RenderedPage extends PageHtml {
  page: SourcePage;
  /** The page as the one-page version shows it; `refMark(i)` stands for the title of the page `refs[i]`. */
  print: PageHtml & { refs: string[] };
  matter?: FrontMatter;
  title: string;
  toc: TocEntry[];
  sections: SearchSection[];
  ids: string[];
  links: InternalLink[];
  /** Course files (images, downloads) the page uses, as paths from the course root. */
  assets: string[];
  drawers: number;
  needsClientMermaid: boolean;
  problems: SourceProblem[];
  warnings: SourceProblem[];
}

/**
 * One processor per build: freezing a unified pipeline costs more than
 * rendering a short page, so the page travels on `file.data.page` instead of
 * in plugin options.
 */
const processors = new WeakMap<RenderContext, { page: ReturnType<typeof makeProcessor>; print: ReturnType<typeof makePrintProcessor> }>();

function makeProcessor(ctx: RenderContext) {
  return unified()
    .use(remarkParse)
    .use(remarkFrontmatter, ['yaml'])
    .use(remarkFrontMatterData, { required: false })
    .use(remarkGfmCore)
    .use(remarkMdbookIncludes, { root: ctx.course.root })
    .use(remarkNestingLimit)
    .use(remarkMdbookTitle)
    .use(remarkHeadingAttributes)
    .use(remarkDirective)
    .use(remarkGithubAlerts)
    .use(remarkScreenPrint)
    .use(remarkCallouts)
    .use(remarkQuiz)
    .use(remarkAnswerDrawers)
    .use(remarkLabCard, { labs: ctx.labs, hrefFor: (id, file) => relativeHref(file.data.page!.href, `labs/${id}.html`) })
    .use(remarkUnknownDirectives)
    .use(remarkAsciiFigures)
    .use(remarkMermaid, { rendered: ctx.mermaid })
    .use(remarkCodeHighlight, { highlight: ctx.highlight, canHighlight })
    // Authors are trusted: inline HTML such as <kbd> passes through as written.
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeSlug)
    .use(rehypeFigureNumbers)
    .use(rehypeScrollableTables)
    .use(rehypeLongCode)
    .use(rehypeLeadIns)
    .use(rehypeTaskListLabels)
    .use(rehypePageIds)
    .use(rehypePageTitle)
    .use(rehypeToc)
    .use(rehypeHeadingAnchors)
    .use(rehypeSearchSections)
    .use(rehypeChapterLinks, { course: ctx.course })
    .use(rehypeLocalAssets, { root: ctx.course.root })
    .use(rehypeStringify, { allowDangerousHtml: true })
    .freeze();
}

/** Run on a page's tree once its HTML is made: the same page as the one-page version shows it. */
function makePrintProcessor(ctx: RenderContext) {
  return unified()
    .use(rehypePrintVersion, { pages: new Set(allPages(ctx.course).map((p) => p.href)) })
    .use(rehypeStringify, { allowDangerousHtml: true })
    .freeze();
}

/** How many of the tree's first children make the page's own title heading: blank text, then an `h1`; 0 when it opens otherwise. */
function titleHeadingLength(tree: HastRoot): number {
  const first = tree.children.findIndex((c) => !whitespace(c));
  const node = tree.children[first];
  return node?.type === 'element' && node.tagName === 'h1' ? first + 1 : 0;
}

/** The page's HTML from the HTML of each top-level node, and where its title heading (the first `lead` nodes) ends. */
function toPageHtml(pieces: string[], lead: number): PageHtml {
  const head = pieces.slice(0, lead).join('');
  return { html: head + pieces.slice(lead).join(''), headEnd: head.length };
}

/** A page parsed ahead of its transforms, e.g. while the highlighter is still loading. */
export interface ParsedPage {
  file: VFile;
  tree: ReturnType<ReturnType<typeof makeProcessor>['parse']>;
}

function processorsFor(ctx: RenderContext) {
  let processor = processors.get(ctx);
  if (!processor) processors.set(ctx, (processor = { page: makeProcessor(ctx), print: makePrintProcessor(ctx) }));
  return processor;
}

/** Parses a page; transforms (and highlighting) come later, in `renderMarkdown`. */
export function parsePage(ctx: RenderContext, page: SourcePage, text = readFileSync(page.abs, 'utf8')): ParsedPage {
  const file = new VFile({ path: page.path, value: preprocessText(text), data: { page } });
  return { file, tree: processorsFor(ctx).page.parse(file) };
}

export function renderMarkdown(ctx: RenderContext, page: SourcePage, text?: string, parsed = parsePage(ctx, page, text)): RenderedPage {
  const { file } = parsed;
  const { page: processor, print } = processorsFor(ctx);
  const tree = processor.runSync(parsed.tree, file);
  const lead = titleHeadingLength(tree);
  // Each top-level node is stringified alone (their HTML, joined, is the page's), so the print
  // version can reuse the blocks it reads the same: most prose, code and tables.
  const stringify = (node: HastRoot['children'][number], by: typeof processor | typeof print) => by.stringify({ type: 'root', children: [node] }, file);
  const pieces = tree.children.map((node) => stringify(node, processor));
  // The page's HTML is made: its tree becomes the print version's in place.
  const printTree = print.runSync(tree, file) as HastRoot;
  const changed = file.data.printChanged ?? [];
  const printPieces = printTree.children.map((node, i) => (changed[i] === false ? pieces[i] : stringify(node, print)));
  const toProblem = (m: (typeof file.messages)[number]): SourceProblem => ({ file: page.path, line: m.line ?? 1, column: m.column ?? 1, message: m.reason });
  return {
    page,
    ...toPageHtml(pieces, lead),
    print: { ...toPageHtml(printPieces, lead), refs: file.data.printRefs ?? [] },
    matter: file.data.matter,
    title: file.data.title ?? page.path,
    // VitePress's `outline: false` hides the page's contents.
    toc: file.data.matter?.outline === false ? [] : (file.data.toc ?? []),
    sections: file.data.sections ?? [],
    ids: [...(file.data.ids ?? [])],
    links: file.data.links ?? [],
    assets: file.data.assets ?? [],
    drawers: file.data.drawers?.length ?? 0,
    needsClientMermaid: Boolean(file.data.needsClientMermaid),
    problems: file.messages.filter((m) => m.fatal).map(toProblem),
    warnings: file.messages.filter((m) => !m.fatal).map(toProblem),
  };
}
