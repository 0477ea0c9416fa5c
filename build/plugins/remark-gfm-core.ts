import { gfmFootnote } from 'micromark-extension-gfm-footnote';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { gfmAutolinkLiteralFromMarkdown } from 'mdast-util-gfm-autolink-literal';
import { gfmFootnoteFromMarkdown } from 'mdast-util-gfm-footnote';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import type { Root } from 'mdast';
import type { Processor } from 'unified';
import type { VFile } from 'vfile';

// GitHub's literal autolinks (bare https://…, www.…, name@host) as mdast-util's tree
// transform: regexes over text nodes (links and code left alone), and only on pages whose
// source has a URL or an address at all. The micromark tokenizer remark-gfm adds for them
// tries a link at every letter of every paragraph and made parsing ~40% slower.
const [autolinkLiterals] = gfmAutolinkLiteralFromMarkdown().transforms as [(tree: Root) => void];

/** GitHub-flavoured tables, strikethrough, task lists, footnotes and literal autolinks. */
export default function remarkGfmCore(this: Processor) {
  const data = this.data() as { micromarkExtensions?: unknown[]; fromMarkdownExtensions?: unknown[] };
  (data.micromarkExtensions ??= []).push(gfmTable(), gfmStrikethrough(), gfmTaskListItem(), gfmFootnote());
  (data.fromMarkdownExtensions ??= []).push(gfmTableFromMarkdown(), gfmStrikethroughFromMarkdown(), gfmTaskListItemFromMarkdown(), gfmFootnoteFromMarkdown());
  return (tree: Root, file: VFile) => {
    const text = String(file.value);
    if (text.includes('://') || text.includes('www.') || text.includes('@')) autolinkLiterals(tree);
  };
}
