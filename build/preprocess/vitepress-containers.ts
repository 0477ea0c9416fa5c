/*
 * VitePress (markdown-it-container) writes `::: tip Title` … `:::`; remark-directive
 * reads `:::tip[Title]` … `:::`. This rewrites the opening lines, outside fenced code
 * and only where a block can start (after a blank line or another container line),
 * keeping every line where it was so problems keep their line numbers. `info`
 * is the book's `note`; a name the book does not know becomes an unknown
 * directive (a warning, its content kept).
 */
const OPENING = /^(:{3,})(?:[ \t]+([A-Za-z][\w-]*)|([A-Za-z][\w-]*)[ \t]+(?=\S))[ \t]*(.*?)[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const RENAME: Record<string, string> = { info: 'note' };

export function fromVitePressContainers(text: string): string {
  if (!text.includes(':::')) return text;
  const lines = text.split('\n');
  let fence: string | undefined;
  let blockMayStart = true;
  let changed = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const f = FENCE.exec(line);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && line.trim() === f[1]) fence = undefined;
      continue;
    }
    if (f) {
      fence = f[1];
      continue;
    }
    const m = blockMayStart ? OPENING.exec(line) : null;
    if (m) {
      const name = m[2] ?? m[3];
      const title = m[4].replace(/[[\]]/g, (c) => `\\${c}`);
      lines[i] = `${m[1]}${RENAME[name] ?? name}${title ? `[${title}]` : ''}`;
      changed = true;
    }
    blockMayStart = line.trim() === '' || /^:{3,}/.test(line.trim());
  }
  return changed ? lines.join('\n') : text;
}

/** The VitePress compatibility preprocessor. */
export const vitePressContainers = { name: 'vitepress-containers', run: fromVitePressContainers };
