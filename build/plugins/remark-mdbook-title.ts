import type { Root, Text } from 'mdast';
import type { VFile } from 'vfile';
import { escapedOccurrences } from './remark-mdbook-includes';
import { visitNodes } from './walk';

const ANY = /\{\{#([a-z_]+)[^}]*\}\}/g;

/**
 * mdBook's `{{#title …}}` in prose sets the page's title (and a paragraph that held
 * only it goes); any other `{{#…}}` outside code that remark-mdbook-includes left (it
 * warned about those it could not expand) is a warning at its line and stays as
 * written. An escaped `\{{#…}}` is text, as in mdBook: no warning.
 */
export default function remarkMdbookTitle() {
  return (tree: Root, file: VFile) => {
    if (!String(file.value).includes('{{#')) return;
    visitNodes<Text>(tree, 'text', (node) => {
      if (!node.value.includes('{{#')) return;
      const start = node.position?.start.offset;
      const end = node.position?.end.offset;
      const escaped = start !== undefined && end !== undefined ? escapedOccurrences(node.value, String(file.value).slice(start, end)) : undefined;
      const value = node.value;
      node.value = value.replace(ANY, (whole, name: string, at: number) => {
        if (escaped?.[value.slice(0, at).split('{{#').length - 1]) return whole;
        // remark-mdbook-includes has expanded these, or said why it could not.
        if (/^\{\{#(include|rustdoc_include|playground)\s+[^}\s]/.test(whole)) return whole;
        if (name === 'title') {
          file.data.pageTitle = whole.replace(/^\{\{#title\s+|\s*\}\}$/g, '');
          return '';
        }
        const before = value.slice(0, at).split('\n');
        const start = node.position?.start ?? { line: 1, column: 1 };
        const place = { line: start.line + before.length - 1, column: before.length > 1 ? before[before.length - 1].length + 1 : start.column + before[0].length };
        file.message(`${whole.length > 60 ? `${whole.slice(0, 57)}...` : whole}: mdBook's {{#${name}}} is not supported (the book knows {{#include}}, {{#rustdoc_include}}, {{#playground}} and {{#title}}); kept as text`, { place, ruleId: 'mdbook', source: 'drydock' });
        return whole;
      });
    });
    // A paragraph that held only {{#title}} goes.
    tree.children = tree.children.filter((n) => !(n.type === 'paragraph' && n.children.every((c) => c.type === 'text' && c.value.trim() === '')));
  };
}

declare module 'vfile' {
  interface DataMap {
    /** The page's title set by mdBook's {{#title}}. */
    pageTitle: string;
  }
}
