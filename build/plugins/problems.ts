import type { Node } from 'unist';
import type { VFile } from 'vfile';

/** Records an authoring error at a node; the build lists them all, then fails. */
export function authorError(file: VFile, node: Node | undefined, reason: string, ruleId: string): void {
  const msg = file.message(reason, { place: node?.position, ruleId, source: 'drydock' });
  msg.fatal = true;
}
