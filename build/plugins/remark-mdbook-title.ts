import type { Root, Text } from 'mdast';
import type { VFile } from 'vfile';
import { visitNodes } from './walk';

const ANY = /\{\{#([a-z_]+)[^}]*\}\}/g;

/**
 * mdBook's `{{#title …}}` in prose sets the page's title (and a paragraph that held
 * only it goes); any other `{{#…}}` outside code (after remark-mdbook-includes) is a
 * warning at its line and stays as written.
 */
export default function remarkMdbookTitle() {
  return (tree: Root, file: VFile) => {
    if (!String(file.value).includes('{{#')) return;
    visitNodes<Text>(tree, 'text', (node) => {
      if (!node.value.includes('{{#')) return;
      node.value = node.value.replace(ANY, (whole, name: string) => {
        if (name === 'title') {
          file.data.pageTitle = whole.replace(/^\{\{#title\s+|\s*\}\}$/g, '');
          return '';
        }
        const before = node.value.slice(0, node.value.indexOf(whole)).split('\n');
        const start = node.position?.start ?? { line: 1, column: 1 };
        const place = { line: start.line + before.length - 1, column: before.length > 1 ? before[before.length - 1].length + 1 : start.column + before[0].length };
        file.message(`${whole.length > 60 ? `${whole.slice(0, 57)}...` : whole}: mdBook's {{#${name}}} is not supported here (only inside a code block for {{#include}}); kept as text`, { place, ruleId: 'mdbook', source: 'drydock' });
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
