/**
 * The text alternative of a Mermaid diagram: what it shows, as a list a screen reader, a search
 * index and a reader on a small screen can follow. Sequence diagrams become their messages in
 * order (loops and alternatives as nested lists); flowcharts their edges. Other kinds have none.
 */
export interface Step {
  text: string;
  steps?: Step[];
}

export interface DiagramOutline {
  /** "Sequence diagram", "Flowchart". */
  kind: string;
  /** Who takes part (sequence) or the nodes (flowchart), by their shown names. */
  parts: string[];
  steps: Step[];
}

const ARROW = /^(.+?)\s*(-->>|->>|-->|->|--x|-x|--\)|-\))\s*[+-]?\s*(.+?)\s*:\s*(.*)$/;
const NOTE = /^note\s+(?:over|left of|right of)\s+([^:]+?)\s*:\s*(.*)$/i;
const BLOCK = /^(loop|alt|else|opt|par|and|critical|option|break|rect)\b\s*(.*)$/i;
const BLOCK_WORDS: Record<string, string> = { loop: 'Loop', alt: 'If', else: 'Otherwise', opt: 'Only if', par: 'In parallel', and: 'And', critical: 'Critical', option: 'Or', break: 'Break' };

/** Mermaid's `<br>` and entity codes (`#59;`) in labels, as plain text. */
const plain = (s: string) => s.replace(/<br\s*\/?>/gi, ' ').replace(/#(\d+);/g, (_m, n: string) => String.fromCharCode(Number(n))).replace(/\s+/g, ' ').trim();

function sequence(lines: string[]): DiagramOutline {
  const names = new Map<string, string>();
  const name = (id: string) => {
    const key = id.trim();
    if (!names.has(key)) names.set(key, key);
    return names.get(key)!;
  };
  const root: Step[] = [];
  const stack: Step[][] = [root];
  const top = () => stack[stack.length - 1];
  for (const line of lines) {
    const who = /^(?:participant|actor)\s+(\S+?)(?:\s+as\s+(.+))?$/i.exec(line);
    if (who) {
      names.set(who[1], plain(who[2] ?? who[1]));
      continue;
    }
    const msg = ARROW.exec(line);
    if (msg) {
      // A dashed arrow is a reply by Mermaid's convention.
      const reply = msg[2].startsWith('--') ? ' (reply)' : '';
      top().push({ text: `${name(msg[1])} → ${name(msg[3])}${reply}: ${plain(msg[4])}` });
      continue;
    }
    const note = NOTE.exec(line);
    if (note) {
      top().push({ text: `Note (${note[1].split(',').map(name).join(', ')}): ${plain(note[2])}` });
      continue;
    }
    const block = BLOCK.exec(line);
    if (block) {
      const word = block[1].toLowerCase();
      if (word === 'rect') {
        stack.push(top());
        continue;
      }
      // `else` and `and` close the branch before them and open the next one beside it.
      if ((word === 'else' || word === 'and' || word === 'option') && stack.length > 1) stack.pop();
      const step: Step = { text: `${BLOCK_WORDS[word]}${block[2] ? `: ${plain(block[2])}` : ''}`, steps: [] };
      top().push(step);
      stack.push(step.steps!);
      continue;
    }
    if (/^end$/i.test(line) && stack.length > 1) stack.pop();
  }
  return { kind: 'Sequence diagram', parts: [...names.values()], steps: root };
}

const NODE = /^([\w-]+)\s*(?:\[\(?|\(\(?|\{\{?|\[\[|>|\[\/)\s*"?([^"\]\)}]*)"?/;
/** An edge, labelled `-- text -->` or `-->|text|`: four groups, so `split` gives node, 4 captures, node, … */
const EDGE = /\s*(?:--\s+([^|]+?)\s+(?:-->|---)|(-->|---|-\.->|==>|--[ox]|-\.-|===)(?:\s*\|([^|]*)\|)?)()\s*/;

function flowchart(lines: string[]): DiagramOutline {
  const names = new Map<string, string>();
  const node = (s: string) => {
    const m = NODE.exec(s.trim());
    const id = m ? m[1] : s.trim();
    if (m && m[2]) names.set(id, plain(m[2]));
    if (!names.has(id)) names.set(id, id);
    return id;
  };
  const edges: [string, string, string][] = [];
  for (const line of lines) {
    if (/^(subgraph|end|classDef|class|style|linkStyle|click|direction)\b/.test(line)) continue;
    const parts = line.split(EDGE);
    if (parts.length < 6) {
      node(line);
      continue;
    }
    for (let i = 0; i + 5 < parts.length; i += 5) edges.push([node(parts[i]), parts[i + 1] ?? parts[i + 3] ?? '', node(parts[i + 5])]);
  }
  const steps = edges.map(([a, label, b]) => ({ text: `${names.get(a)} → ${names.get(b)}${label ? `: ${plain(label)}` : ''}` }));
  return { kind: 'Flowchart', parts: [...names.values()], steps };
}

/** The outline of a diagram from its source, or undefined for kinds it does not read. */
export function diagramOutline(source: string): DiagramOutline | undefined {
  const lines = source
    .split('\n')
    .map((l) => l.replace(/%%.*$/, '').trim())
    .filter(Boolean);
  const kind = lines.shift() ?? '';
  if (/^sequenceDiagram\b/.test(kind)) return sequence(lines);
  if (/^(flowchart|graph)\b/.test(kind)) return flowchart(lines);
  return undefined;
}
