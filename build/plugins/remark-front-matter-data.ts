import type { ListItem, PhrasingContent, Root, RootContent, Yaml } from 'mdast';
import type { VFile } from 'vfile';
import { FrontMatterSchema, type FrontMatter } from '../model/course';
import { FOREIGN_FRONT_MATTER_KEYS, FRONT_MATTER_KEYS } from '../model/course-model';
import { parseYamlWith } from '../../lib/yaml-schema';
import { authorError } from './problems';

export interface FrontMatterOptions {
  /** Whether a file must have front matter with a title (chapters must; handouts need not). */
  required: boolean | ((file: VFile) => boolean);
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : undefined);

/**
 * A VitePress home page (`layout: home`) is made of its front matter: the hero's
 * name (else its text) as the page's heading, its text and tagline as the lead,
 * its actions as links and its features as a list.
 */
function homeNodes(matter: FrontMatter, position: Yaml['position']): RootContent[] {
  const hero = (matter.hero ?? {}) as Record<string, unknown>;
  const heading = str(hero.name) ?? str(hero.text) ?? str(matter.title);
  const nodes: RootContent[] = [];
  const text = (value: string): PhrasingContent => ({ type: 'text', value, position });
  if (heading) nodes.push({ type: 'heading', depth: 1, children: [text(heading)], position });
  const lead = [str(hero.name) ? str(hero.text) : undefined, str(hero.tagline)].filter((s): s is string => Boolean(s));
  for (const l of lead) nodes.push({ type: 'paragraph', children: [text(l)], position });
  const actions = (Array.isArray(hero.actions) ? hero.actions : []).map((a) => a as Record<string, unknown>).filter((a) => str(a.text) && str(a.link));
  if (actions.length) {
    const links: PhrasingContent[] = actions.flatMap((a, i) => [...(i ? [text(' · ')] : []), { type: 'link', url: str(a.link)!, children: [text(str(a.text)!)], position } as PhrasingContent]);
    nodes.push({ type: 'paragraph', children: links, position });
  }
  const features = (Array.isArray(matter.features) ? matter.features : []).map((f) => f as Record<string, unknown>).filter((f) => str(f.title));
  if (features.length) {
    const items: ListItem[] = features.map((f) => ({
      type: 'listItem',
      spread: false,
      children: [{ type: 'paragraph', children: [{ type: 'strong', children: [text(str(f.title)!)] }, ...(str(f.details) ? [text(`: ${str(f.details)}`)] : [])] }],
      position,
    }));
    nodes.push({ type: 'list', ordered: false, spread: false, children: items, position });
  }
  return nodes;
}

/**
 * Validates the YAML front matter against the chapter schema and keeps it on
 * `file.data.matter`. Keys of other tools' front matter (VitePress, Docusaurus,
 * Jupyter Book) are accepted; any other key is a warning at its line.
 */
export default function remarkFrontMatterData(options: FrontMatterOptions) {
  return (tree: Root, file: VFile) => {
    const node = tree.children.find((n): n is Yaml => n.type === 'yaml');
    if (!node) {
      if (typeof options.required === 'function' ? options.required(file) : options.required) authorError(file, tree.children[0], 'front matter with at least `title:` is required at the top of a chapter', 'front-matter');
      return;
    }
    // The YAML text starts on the line after the opening ---.
    const parsed = parseYamlWith(FrontMatterSchema, node.value, file.path, (node.position?.start.line ?? 1));
    if (!parsed.ok) {
      for (const p of parsed.problems) {
        const msg = file.message(p.message, { place: { line: p.line, column: p.column }, ruleId: 'front-matter', source: 'drydock' });
        msg.fatal = true;
      }
      return;
    }
    const matter = parsed.value satisfies FrontMatter;
    file.data.matter = matter;
    const lines = node.value.split('\n');
    for (const key of Object.keys(matter)) {
      if (FRONT_MATTER_KEYS.has(key) || FOREIGN_FRONT_MATTER_KEYS.has(key)) continue;
      const at = lines.findIndex((l) => l.startsWith(key) || l.startsWith(`"${key}"`) || l.startsWith(`'${key}'`));
      file.message(`unknown front matter key "${key}" (the book reads title, summary, time, level, prerequisites, outcomes, lab and outline): ignored`, {
        place: { line: (node.position?.start.line ?? 1) + 1 + Math.max(0, at), column: 1 },
        ruleId: 'front-matter',
        source: 'drydock',
      });
    }
    if (matter.layout === 'home' && !tree.children.some((n) => n.type === 'heading' && n.depth === 1)) {
      tree.children.splice(tree.children.indexOf(node) + 1, 0, ...homeNodes(matter, node.position));
    }
  };
}

declare module 'vfile' {
  interface DataMap {
    matter: FrontMatter;
  }
}
