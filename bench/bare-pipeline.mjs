// The floor the book builder stands on: remark-parse → remark-rehype → rehype-stringify
// over every chapter, one thread, no plugins, no highlighting, nothing written but the HTML.
//   node bench/bare-pipeline.mjs COURSE OUT
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import rehypeStringify from 'rehype-stringify';
import remarkParse from 'remark-parse';
import remarkRehype from 'remark-rehype';
import { unified } from 'unified';

const [course, out] = process.argv.slice(2);
const processor = unified().use(remarkParse).use(remarkRehype).use(rehypeStringify).freeze();
mkdirSync(out, { recursive: true });
for (const name of readdirSync(join(course, 'chapters'))) {
  if (name.endsWith('.md')) writeFileSync(join(out, name.replace(/\.md$/, '.html')), String(processor.processSync(readFileSync(join(course, 'chapters', name), 'utf8'))));
}
