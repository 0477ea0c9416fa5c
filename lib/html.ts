import { stringifyEntities } from 'stringify-entities';

/**
 * Escapes text for HTML element content and double-quoted attributes: the
 * four characters that can end either, as named references (`&amp;`,
 * `&lt;`, `&gt;`, `&quot;`), everything else as it is. stringify-entities
 * is the encoder hast-util-to-html writes the book's pages with.
 */
export const esc = (s: string) => stringifyEntities(s, { subset: ['&', '<', '>', '"'], useNamedReferences: true });
