// GitHub's literal autolinks (bare URLs) and what they cost the book's parser, in one run
// on the same chapters: the 200-chapter benchmark course and this repository's chapters.
//   none         the parser without literal autolinks (the book before)
//   drydock      the tree transform the book uses, on pages whose source has ://, www. or @
//   remark-gfm   micromark's literal-autolink tokenizer and its mdast handlers (remark-gfm's way)
// Prints the median ms per round of parsing and transforming every chapter, and ratios.
//   npx tsx bench/autolinks.ts [chapters]
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gfmAutolinkLiteral } from 'micromark-extension-gfm-autolink-literal';
import { gfmAutolinkLiteralFromMarkdown } from 'mdast-util-gfm-autolink-literal';
import remarkDirective from 'remark-directive';
import remarkFrontmatter from 'remark-frontmatter';
import remarkParse from 'remark-parse';
import { unified, type Processor } from 'unified';
import { VFile } from 'vfile';
import type { Root } from 'mdast';
import remarkGfmCore from '../build/plugins/remark-gfm-core';
import { generateCourse } from './gen-course';
import { median } from './measure';

const ROOT = resolve(import.meta.dirname, '..');
const N = Number(process.argv[2] ?? 200);
const ROUNDS = 7;
const course = join(ROOT, 'bench/out/autolinks/course');
generateCourse(course, N);
const texts = [
  ...readdirSync(join(course, 'chapters')).filter((f) => f.endsWith('.md')).map((f) => readFileSync(join(course, 'chapters', f), 'utf8')),
  ...readdirSync(join(ROOT, 'chapters')).filter((f) => f.endsWith('.md')).map((f) => readFileSync(join(ROOT, 'chapters', f), 'utf8')),
];

// The book's parser before autolinks: the same GFM parts, no transform.
function gfmWithoutAutolinks(this: Processor) {
  remarkGfmCore.call(this);
  return (tree: Root) => tree;
}
function gfmTokenizer(this: Processor) {
  remarkGfmCore.call(this);
  const data = this.data() as { micromarkExtensions: unknown[]; fromMarkdownExtensions: unknown[] };
  data.micromarkExtensions.push(gfmAutolinkLiteral());
  // Its from-markdown extension also runs the tree transform, on every page, as remark-gfm does.
  data.fromMarkdownExtensions.push(gfmAutolinkLiteralFromMarkdown());
  return (tree: Root) => tree;
}
const base = () => unified().use(remarkParse).use(remarkFrontmatter, ['yaml']);
// Each is a parser and its tree transforms; none stringifies.
interface Pipeline {
  parse(file: VFile): Root;
  runSync(tree: Root, file: VFile): unknown;
}
const variants: [string, () => { freeze(): Pipeline }][] = [
  ['none', () => base().use(gfmWithoutAutolinks).use(remarkDirective)],
  ['drydock', () => base().use(remarkGfmCore).use(remarkDirective)],
  ['remark-gfm', () => base().use(gfmTokenizer).use(remarkDirective)],
];

// The same chapters with a bare URL and an address in a paragraph of each: the transform runs on every page.
const withUrls = texts.map((t) => `${t}\n\nMore at https://docs.docker.com/build/cache/ and www.example.org, or write to help@example.org.\n`);

function measure(label: string, texts: string[]) {
const links = new Map<string, number>();
const times = new Map<string, number[]>(variants.map(([n]) => [n, []]));
for (let round = 0; round < ROUNDS; round++) {
  // A different order each round, so a machine that speeds up or slows down favours no one.
  for (const [name, make] of round % 2 ? [...variants].reverse() : variants) {
    const p = make().freeze();
    const t = performance.now();
    let count = 0;
    for (const text of texts) {
      const file = new VFile({ value: text });
      const tree = p.runSync(p.parse(file), file);
      if (round === 0) count += JSON.stringify(tree).split('"type":"link"').length - 1;
    }
    times.get(name)!.push(performance.now() - t);
    if (round === 0) links.set(name, count);
  }
}
const none = median(times.get('none')!);
console.log(`${label}: ${texts.length} chapters, ${ROUNDS} rounds (median):`);
for (const [name] of variants) {
  const ms = median(times.get(name)!);
  console.log(`  ${name.padEnd(11)} ${ms.toFixed(0).padStart(6)} ms  ${(ms / none).toFixed(2)}× none  links: ${links.get(name)}`);
}
}
measure('as written', texts);
measure('a bare URL in each', withUrls);
