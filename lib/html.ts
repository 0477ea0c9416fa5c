import { stringifyEntities } from 'stringify-entities';

const ESCAPE = { subset: ['&', '<', '>', '"'], useNamedReferences: true };

/** Escapes text for HTML element content and double-quoted attributes (as `&amp;`, `&lt;`, `&gt;`, `&quot;`). */
export const esc = (s: string) => stringifyEntities(s, ESCAPE);
