import { highlightWith, loadLanguages, makeHighlighter } from './highlight';
import { parsePage, renderMarkdown, type ParsedPage, type RenderContext, type RenderedPage } from './render';
import type { Lab } from '../../graders/lab/load';
import type { Course, SourcePage } from '../model/course';
import type { MermaidResult } from '../model/book';

/** What rendering any page of one build needs; plain data, so it can be cloned into a worker. */
export interface RenderInputs {
  course: Course;
  labs: [string, Lab][];
  mermaid: [string, MermaidResult][];
}

let highlighter: ReturnType<typeof makeHighlighter> | undefined;
/**
 * Renders pages of one build with this thread's shiki, which stays loaded
 * (the dev server keeps it between builds) and loads each page's grammars as
 * they are needed. `parse` works before shiki has loaded: pages parsed
 * meanwhile are rendered when it is there.
 */
export function pageRenderer(task: RenderInputs) {
  const loading = (highlighter ??= makeHighlighter([]));
  let highlight: ReturnType<typeof highlightWith> | undefined;
  const ctx: RenderContext = { course: task.course, labs: new Map(task.labs), highlight: (lang, code) => highlight!(lang, code), mermaid: new Map(task.mermaid) };
  /** Renders a page whose fences ask for `langs` (from the book model's scan of its source). */
  const render = async (page: SourcePage, text: string, langs: string[], parsed?: ParsedPage): Promise<RenderedPage> => {
    const hl = await loading;
    await loadLanguages(hl, langs);
    highlight ??= highlightWith(hl);
    return renderMarkdown(ctx, page, text, parsed);
  };
  return Object.assign(render, { parse: (page: SourcePage, text: string) => parsePage(ctx, page, text), ready: () => highlight !== undefined });
}
