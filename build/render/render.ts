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
import { relativeHref, type Course, type FrontMatter, type SourcePage } from '../model/course';
import type { Highlight } from './highlight';
import type { MermaidResult } from '../preprocess/mermaid';
import rehypeFigureNumbers from '../plugins/rehype-figure-numbers';
import rehypeLeadIns from '../plugins/rehype-lead-ins';
import rehypeLocalAssets from '../plugins/rehype-local-assets';
import rehypeWideContent from '../plugins/rehype-wide-content';
import rehypeChapterLinks, { type InternalLink } from '../plugins/rehype-chapter-links';
import rehypeHeadingAnchors, { type SearchSection, type TocEntry } from '../plugins/rehype-heading-anchors';
import remarkAnswerDrawers from '../plugins/remark-answer-drawers';
import remarkAsciiFigures from '../plugins/remark-ascii-figures';
import remarkCallouts from '../plugins/remark-callouts';
import remarkCodeHighlight from '../plugins/remark-code-highlight';
import remarkFrontMatterData from '../plugins/remark-front-matter-data';
import remarkGithubAlerts from '../plugins/remark-github-alerts';
import remarkLabCard from '../plugins/remark-lab-card';
import remarkMermaid from '../plugins/remark-mermaid';
import remarkMdbook from '../plugins/remark-mdbook';
import { fromVitePressContainers } from '../preprocess/vitepress-containers';
import remarkUnknownDirectives from '../plugins/remark-unknown-directives';
import type { SourceProblem } from '../../lib/yaml-schema';

/** Everything rendering needs that is shared by all pages of one build. */
export interface RenderContext {
  course: Course;
  labs: Map<string, Lab>;
  highlight: Highlight;
  mermaid: Map<string, MermaidResult>;
}

/** One page rendered to an HTML fragment, with what the layout, search and link check need. */
export interface RenderedPage {
  page: SourcePage;
  html: string;
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
const processors = new WeakMap<RenderContext, ReturnType<typeof makeProcessor>>();

function makeProcessor(ctx: RenderContext) {
  return unified()
    .use(remarkParse)
    .use(remarkFrontmatter, ['yaml'])
    .use(remarkFrontMatterData, { required: false })
    .use(remarkGfmCore)
    .use(remarkMdbook)
    .use(remarkDirective)
    .use(remarkGithubAlerts)
    .use(remarkCallouts)
    .use(remarkAnswerDrawers)
    .use(remarkLabCard, { labs: ctx.labs, hrefFor: (id, file) => relativeHref(file.data.page!.href, `labs/${id}.html`) })
    .use(remarkUnknownDirectives)
    .use(remarkAsciiFigures)
    .use(remarkMermaid, { rendered: ctx.mermaid })
    .use(remarkCodeHighlight, { highlight: ctx.highlight })
    // Authors are trusted: inline HTML such as <kbd> passes through as written.
    .use(remarkRehype, { allowDangerousHtml: true })
    .use(rehypeSlug)
    .use(rehypeFigureNumbers)
    .use(rehypeWideContent)
    .use(rehypeLeadIns)
    .use(rehypeHeadingAnchors)
    .use(rehypeChapterLinks, { course: ctx.course })
    .use(rehypeLocalAssets, { root: ctx.course.root })
    .use(rehypeStringify, { allowDangerousHtml: true })
    .freeze();
}

/** A page parsed ahead of its transforms, e.g. while the highlighter is still loading. */
export interface ParsedPage {
  file: VFile;
  tree: ReturnType<ReturnType<typeof makeProcessor>['parse']>;
}

function processorFor(ctx: RenderContext) {
  let processor = processors.get(ctx);
  if (!processor) processors.set(ctx, (processor = makeProcessor(ctx)));
  return processor;
}

/** Parses a page; transforms (and highlighting) come later, in `renderMarkdown`. */
export function parsePage(ctx: RenderContext, page: SourcePage, text = readFileSync(page.abs, 'utf8')): ParsedPage {
  const file = new VFile({ path: page.path, value: fromVitePressContainers(text), data: { page } });
  return { file, tree: processorFor(ctx).parse(file) };
}

export function renderMarkdown(ctx: RenderContext, page: SourcePage, text?: string, parsed = parsePage(ctx, page, text)): RenderedPage {
  const { file } = parsed;
  const processor = processorFor(ctx);
  const tree = processor.runSync(parsed.tree, file);
  const html = processor.stringify(tree, file);
  const toProblem = (m: (typeof file.messages)[number]): SourceProblem => ({ file: page.path, line: m.line ?? 1, column: m.column ?? 1, message: m.reason });
  const matter = file.data.matter;
  const h1 = /<h1[^>]*>(.*?)<\/h1>/s.exec(html)?.[1]?.replace(/<[^>]+>/g, '').replace(/#$/, '');
  return {
    page,
    html,
    matter,
    // As mdBook titles a page: {{#title}}, else its SUMMARY.md entry; else the first heading.
    title: matter?.title ?? file.data.pageTitle ?? page.navTitle ?? h1 ?? page.labId ?? page.path,
    toc: file.data.toc ?? [],
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
