import { h } from 'hastscript';
import type { Code, Root } from 'mdast';
import type { VFile } from 'vfile';
import { fenceLanguageWord, requestedLanguage, visibleRustLines, type Highlight } from '../model/languages';
import { metaTitle, replaceWithFigure } from './figure-node';
import { transcriptHtml, transcriptLines } from './shell-transcript';
import { visitBlocks } from './walk';

const PLAIN = new Set(['text', 'txt', 'output', 'plaintext', 'plain']);

export interface CodeHighlightOptions {
  /** Turns a block into highlighted HTML (shiki, with the grammars the page asks for). */
  highlight: Highlight;
  /** Whether a language has a grammar (or is plain text); any other is shown as plain text, with a warning. */
  canHighlight: (lang: string) => boolean;
}

/**
 * Highlights code at build time (shiki, colours as CSS variables the
 * stylesheet defines for light, dark and print), adds an optional title and a copy button that scripts reveal.
 */
export default function remarkCodeHighlight(options: CodeHighlightOptions) {
  return (tree: Root, file: VFile) => {
    visitBlocks<Code>(tree, 'code', (node, index, parent) => {
      const lang = requestedLanguage(node.lang);
      if (!options.canHighlight(lang)) {
        file.message(`code language "${fenceLanguageWord(node.lang)}" is not one shiki knows: shown as plain text (see https://shiki.style/languages, or write \`text\`)`, { place: node.position?.start, ruleId: 'code-language', source: 'drydock' });
      }
      const code = lang === 'rust' ? visibleRustLines(node.value) : node.value;
      const transcript = transcriptLines(node.lang, code);
      const html = transcript ? transcriptHtml(transcript, options.highlight) : options.highlight(lang, code);
      const title = metaTitle(node.meta);
      const copy = h('button', { type: 'button', className: ['copy'], hidden: true, 'aria-label': transcript ? `Copy commands${title ? ` of ${title}` : ''}` : title ? `Copy ${title}` : 'Copy code' }, transcript ? 'Copy commands' : 'Copy');
      // A bar above the code holds the title (or the language) and the copy button, so neither covers code.
      const label = lang && !PLAIN.has(lang) ? fenceLanguageWord(node.lang) || lang : '';
      const head = title
        ? h('figcaption', { className: ['code-head'] }, [h('span', { className: ['code-title'] }, title), copy])
        : h('div', { className: ['code-head'] }, [h('span', { className: ['code-lang'] }, label), copy]);
      replaceWithFigure(parent, index, node, 'code-block', [head, { type: 'raw', value: html } as never]);
    });
  };
}
