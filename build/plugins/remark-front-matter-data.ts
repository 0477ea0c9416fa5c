import type { Root, Yaml } from 'mdast';
import type { VFile } from 'vfile';
import { FrontMatterSchema, type FrontMatter } from '../model/course';
import { parseYamlWith } from '../../lib/yaml-schema';
import { authorError } from './problems';

export interface FrontMatterOptions {
  /** Whether a file must have front matter with a title (chapters must; handouts need not). */
  required: boolean | ((file: VFile) => boolean);
}

/** Validates the YAML front matter against the chapter schema and keeps it on `file.data.matter`. */
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
    file.data.matter = parsed.value satisfies FrontMatter;
  };
}

declare module 'vfile' {
  interface DataMap {
    matter: FrontMatter;
  }
}
