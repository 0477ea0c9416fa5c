import type { DockerfileFlag, DockerfileInstruction, DockerfileStage, ParsedDockerfile, PolicyViolation } from './model';
import { ExpansionBudget, processWord, ShellWordError, splitWords } from './shell-words';

/*
 * The one reader of a student's Dockerfile. BuildKit reads the same text with
 * its own parser, instruction parser and shell lexer, in whichever generation
 * the engine embeds; wherever two readers could disagree, a rule reading a
 * different instruction from the one BuildKit builds is a way past the rules
 * (the five cases confirmed in issue 20: an ADD continued onto a URL line, a
 * no-break space before ADD, `ADD "http"://…`, a lone CR shifting the lines,
 * a second `# syntax` after a CR). So this reader accepts a canonical subset
 * and refuses the rest with the line and what to write instead:
 *
 * - the text is printable ASCII, tabs and line feeds (CRLF is made LF first):
 *   no Unicode or control whitespace, no lone CR, no byte-order mark;
 * - the only parser directive is one exact `# syntax=docker/dockerfile:<version>`
 *   on line 1; any other comment with `=` above the first instruction is refused
 *   (BuildKit may read it as `escape`, `syntax` or `check`);
 * - FROM, COPY, ADD and ONBUILD are written on one line; FROM, `--from`, mount
 *   `from=`, COPY/ADD sources and every flag hold no quotes, backslashes or `$`;
 * - no heredocs (BuildKit 0.8 reads their bodies as instructions, newer ones do not);
 * - no ONBUILD (a trigger runs in a stage the student did not write it in);
 * - stages are named with `AS` and referred to by that name (BuildKit 0.8 reads
 *   `--mount=from=0` as an image named `0`).
 *
 * Everything else is read with BuildKit's rules: line continuations (a comment
 * or blank line inside one is skipped, the lines are joined with nothing
 * between them), flags, JSON or shell form, and ENV/ARG scoping and expansion.
 *
 * A hostile Dockerfile never reaches the engine, so it must not stop the
 * grader either: the text, the instructions, the variables and every
 * expansion are bounded (LIMITS, and EXPANSION_LIMITS in shell-words.ts),
 * and past a bound the reader refuses, in time linear in the text.
 */

/** What the reader reads at most; a lab's Dockerfile is a few KB, a few dozen instructions and variables. */
export const LIMITS = { bytes: 256 * 1024, lineBytes: 16 * 1024, instructions: 2000, variables: 256, refusals: 50 };

const INSTRUCTIONS = new Set(['FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL', 'ONBUILD']);
const JSON_FORMS = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'VOLUME', 'COPY', 'ADD']);
/** The official frontend, exactly as the reader accepts it. */
export const SYNTAX_LINE = /^# syntax=(docker\/dockerfile:\d+(?:\.\d+){0,2})$/;
/** BuildKit's automatic platform args, in scope for FROM and (declared) in stages. */
const PLATFORM_ARGS: Record<string, string> = { TARGETPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'amd64', TARGETVARIANT: '', BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '' };

const WHY = 'BuildKit, which builds your image, and the grader, which checks it first, must read every line the same way. This form can be read in more than one way, so the grader cannot tell what the build would do.';

const CHAR_NAMES: Record<number, string> = {
  0x0b: 'a vertical tab',
  0x0c: 'a form feed',
  0x0d: 'a carriage return that does not end a line',
  0x85: 'a next-line character (U+0085)',
  0xa0: 'a no-break space (U+00A0)',
  0x2003: 'an em space (U+2003)',
  0x3000: 'an ideographic space (U+3000)',
  0xfeff: 'a byte-order mark (U+FEFF)',
};

function describeChar(code: number): string {
  return CHAR_NAMES[code] ?? (code < 0x20 || code === 0x7f ? `the control character 0x${code.toString(16).padStart(2, '0')}` : `the character U+${code.toString(16).toUpperCase().padStart(4, '0')}`);
}

interface Logical {
  line: number;
  endLine: number;
  text: string;
  /** Where each physical line's part of `text` begins: its offset in `text`, its line (1-based) and column. */
  pieces: { at: number; line: number; column: number }[];
}

const isBlank = (s: string) => /^[ \t]*$/.test(s);
const isComment = (s: string) => /^[ \t]*#/.test(s);
const CONTINUATION = /\\[ \t]*$/;
/** A line ending in two or more backslashes: BuildKit ends the instruction there (an escaped backslash), a naive reader continues it. */
const ESCAPED_END = /\\\\[ \t]*$/;

/** BuildKit's extractBuilderFlags: leading `--name[=value]` words; `--` ends them. */
function extractFlags(args: string): { words: string[]; at: number[]; rest: string; raw: string; endMarker: boolean } {
  const words: string[] = [];
  const at: number[] = [];
  let pos = 0;
  for (;;) {
    while (pos < args.length && (args[pos] === ' ' || args[pos] === '\t')) pos++;
    if (!args.startsWith('--', pos)) return { words, at, rest: args.slice(pos), raw: args.slice(0, pos), endMarker: false };
    let end = pos;
    while (end < args.length && args[end] !== ' ' && args[end] !== '\t') end++;
    const word = args.slice(pos, end);
    if (word === '--') return { words, at, rest: args.slice(end).replace(/^[ \t]+/, ''), raw: args.slice(0, end), endMarker: true };
    words.push(word);
    at.push(pos);
    pos = end;
  }
}

/** Where `length` characters at `at` in a logical line are written, when they lie on one physical line (a flag may be split by a continuation). */
function sourceOf(l: Logical, at: number, length: number): { line: number; column: number } | undefined {
  let k = l.pieces.length - 1;
  while (k > 0 && l.pieces[k].at > at) k--;
  const piece = l.pieces[k];
  const end = l.pieces[k + 1]?.at ?? l.text.length;
  return at + length <= end ? { line: piece.line, column: piece.column + at - piece.at } : undefined;
}

export function parseJsonArray(rest: string): string[] | undefined {
  const t = rest.trim();
  if (!t.startsWith('[')) return undefined;
  try {
    const v: unknown = JSON.parse(t);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}

/** A refusal quotes the student's text: a long line is cut so the report stays readable. */
function clip(message: string): string {
  return message.length <= 300 ? message : `${message.slice(0, 160)} … ${message.slice(-120)}`;
}

/** A word of the student's, quoted in a refusal: a long one by its start. */
const quoted = (word: string) => `\`${word.length <= 80 ? word : `${word.slice(0, 60)}…`}\``;

/**
 * Violations in line order, at most LIMITS.refusals of them, then one that
 * says more were found: a hostile file's thousands of problems make a short report.
 */
export function inLineOrder(violations: PolicyViolation[]): PolicyViolation[] {
  const sorted = violations.filter((v) => !v.overflow).sort((a, b) => a.line - b.line);
  if (sorted.length <= LIMITS.refusals && !violations.some((v) => v.overflow)) return sorted;
  const kept = sorted.slice(0, LIMITS.refusals);
  const from = sorted[LIMITS.refusals]?.line ?? kept.at(-1)?.line ?? 1;
  return [...kept, { line: from, rule: 'unreadable', message: `more problems (from line ${from} on) are not listed`, why: WHY, fix: 'Fix the problems above and grade again.', overflow: true }];
}

/** Thrown when the Dockerfile goes past LIMITS: the reading stops there, the refusal already recorded. */
class TooLarge extends Error {}

class Reader {
  readonly refusals: PolicyViolation[] = [];
  private readonly refused = new Set<string>();
  private readonly budget = new ExpansionBudget();
  private instructionCount = 0;
  private readonly variableNames = new Set<string>();
  /** The variables instructions see, shared until an ENV or ARG changes them (one copy per change, not per instruction). */
  private scope: Map<string, string> | undefined;
  readonly stages: DockerfileStage[] = [];
  readonly globalArgs: DockerfileInstruction[] = [];
  /** Global ARG values, for FROM lines and stage ARGs that redeclare them. */
  private readonly globals = new Map<string, string>(Object.entries(PLATFORM_ARGS));
  private stageVars = new Map<string, string>();
  private stageEnv = new Map<string, string>();

  refuse(line: number, message: string, fix: string, rule: PolicyViolation['rule'] = 'unreadable', why = WHY) {
    message = clip(message);
    const key = `${line}\0${message}`;
    // One more than listed is kept, so inLineOrder knows there were more.
    if (this.refused.has(key) || this.refusals.length > LIMITS.refusals * 4) return;
    this.refused.add(key);
    this.refusals.push({ line, rule, message, why, fix });
  }

  /** Refuses and stops reading: past a limit nothing more is read. */
  private tooLarge(line: number, message: string, fix: string): never {
    this.refuse(line, message, fix);
    throw new TooLarge(message);
  }

  /** The size of the text, before anything else is read. */
  size(text: string, lineBytes: number): boolean {
    const bytes = Buffer.byteLength(text);
    if (bytes > LIMITS.bytes) {
      this.refuse(1, `the Dockerfile is ${Math.ceil(bytes / 1024)} KB; the grader reads at most ${LIMITS.bytes / 1024} KB`, 'Keep the Dockerfile to the instructions the image needs; put long scripts in files you COPY.');
      return false;
    }
    // BuildKit refuses lines over 64 KB; the grader adds to some lines (cache mount ids), so it keeps well below.
    const n = text.split('\n').findIndex((l) => Buffer.byteLength(l) > lineBytes) + 1;
    if (!n) return true;
    this.refuse(n, `line ${n} is longer than ${Math.floor(lineBytes / 1024)} KB`, 'Split the line with backslash continuations, or put a long script in a file you COPY.');
    return false;
  }

  /** Characters first: nothing else is read from a text two readers would split differently. */
  characters(text: string): boolean {
    const lines = text.split('\n');
    let clean = true;
    lines.forEach((l, i) => {
      for (const ch of l) {
        const code = ch.codePointAt(0)!;
        if (code === 0x09 || (code >= 0x20 && code <= 0x7e)) continue;
        clean = false;
        const fix =
          code === 0x0d
            ? 'Save the Dockerfile with plain line ends (LF, or CRLF on every line); a carriage return on its own splits lines differently for different readers.'
            : code === 0xfeff
              ? 'Save the Dockerfile as UTF-8 without a byte-order mark (most editors call this "UTF-8", not "UTF-8 with BOM").'
              : 'Retype the line with plain spaces and ASCII characters only (an editor or a copy from a web page can insert look-alike spaces); keep non-ASCII text in files you COPY.';
        this.refuse(i + 1, `line ${i + 1} holds ${describeChar(code)}`, fix);
        break;
      }
    });
    return clean;
  }

  /** Parser directives: one exact `# syntax=docker/dockerfile:<version>` on line 1, nothing else that could be one. */
  directives(lines: string[]): { value: string; line: number } | undefined {
    let syntax: { value: string; line: number } | undefined;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (isBlank(l)) continue;
      if (!isComment(l)) break;
      const exact = i === 0 ? SYNTAX_LINE.exec(l) : null;
      if (exact) {
        syntax = { value: exact[1], line: 1 };
        continue;
      }
      if (/^[ \t]*#[ \t]*syntax[ \t]*=/i.test(l)) {
        this.refuse(i + 1, `\`${l.trim()}\` asks BuildKit to run a frontend other than the official Dockerfile one, or the official one spelled another way`, 'Delete the line, or write exactly `# syntax=docker/dockerfile:1` as the first line.', 'frontend', "Only BuildKit's own Dockerfile frontend reads your Dockerfile; another frontend image would run with the builder's powers.");
      } else if (l.includes('=') || /^[ \t]*#!/.test(l)) {
        this.refuse(i + 1, `the comment \`${l.trim()}\` above the first instruction can be read as a parser directive`, 'Move this comment below the first FROM line, or write it without "=" (the only directive accepted is `# syntax=docker/dockerfile:1` on line 1).');
      }
    }
    return syntax;
  }

  /** BuildKit's line loop: comments and blank lines skipped, continuations joined with nothing between them. */
  logicalLines(lines: string[]): Logical[] {
    const out: Logical[] = [];
    lines.forEach((l, i) => {
      if (!isComment(l) && ESCAPED_END.test(l)) {
        this.refuse(i + 1, `line ${i + 1} ends in more than one backslash`, 'End the line with a single backslash to continue the instruction, or with none to end it; put a literal backslash elsewhere in the line.');
      }
    });
    for (let i = 0; i < lines.length; i++) {
      if (isBlank(lines[i]) || isComment(lines[i])) continue;
      const start = i;
      let text = lines[i].replace(/^[ \t]+/, '');
      const pieces = [{ at: 0, line: i + 1, column: lines[i].length - text.length }];
      let continued = CONTINUATION.test(text);
      text = text.replace(CONTINUATION, '');
      while (continued && i + 1 < lines.length) {
        i++;
        const next = lines[i];
        if (isComment(next) || isBlank(next)) continue;
        continued = CONTINUATION.test(next);
        pieces.push({ at: text.length, line: i + 1, column: 0 });
        text += next.replace(CONTINUATION, '');
      }
      if (isBlank(text)) continue;
      out.push({ line: start + 1, endLine: i + 1, text, pieces });
    }
    return out;
  }

  private expand(word: string, vars: ReadonlyMap<string, string>, line: number): string {
    try {
      return processWord(word, vars, '\\', this.budget);
    } catch (err) {
      if (!(err instanceof ShellWordError)) throw err;
      this.refuse(line, `${quoted(word)} cannot be expanded: ${err.message}`, 'Give the variable a value with ARG or ENV before this line, or write the value out.');
      return '';
    }
  }

  private vars(): Map<string, string> {
    return (this.scope ??= new Map([...this.stageVars, ...this.stageEnv]));
  }

  /** Every ENV/ARG name counts once: past the limit, copying the scope for each instruction would be the cost. */
  private setVar(target: Map<string, string>, key: string, value: string, line: number) {
    this.variableNames.add(key);
    if (this.variableNames.size > LIMITS.variables) {
      this.tooLarge(line, `the Dockerfile sets more than ${LIMITS.variables} variables`, 'Set only the variables the build uses; write constant values out where they are used.');
    }
    target.set(key, value);
    this.scope = undefined;
  }

  /** Literal words only where a word can name something outside the submission. */
  private literal(line: number, what: string, word: string, fix: string): boolean {
    if (!/["'\\$]/.test(word)) return true;
    this.refuse(line, `${what} \`${word}\` contains quotes, a backslash or a variable`, fix);
    return false;
  }

  instruction(l: Logical): void {
    const m = /^(\S+)[ \t]*(.*)$/s.exec(l.text.trim());
    if (!m) return;
    if (++this.instructionCount > LIMITS.instructions) {
      this.tooLarge(l.line, `the Dockerfile has more than ${LIMITS.instructions} instructions`, 'Keep the Dockerfile to the instructions the image needs; join related RUN steps with &&.');
    }
    const keyword = m[1].toUpperCase();
    const args = m[2];
    const line = l.line;
    if (!INSTRUCTIONS.has(keyword)) {
      this.refuse(line, `\`${m[1]}\` is not a Dockerfile instruction`, 'Start the line with an instruction such as FROM, RUN, COPY, ENV or CMD (a line that continues a RUN needs a backslash at the end of the line before it).');
      return;
    }
    if (keyword === 'ONBUILD') {
      this.refuse(line, 'ONBUILD registers an instruction to run in a later build', 'Write the instruction directly in the stage that needs it.');
      return;
    }
    if (l.endLine > l.line && ['FROM', 'COPY', 'ADD'].includes(keyword)) {
      this.refuse(line, `${keyword} continues over lines ${l.line}-${l.endLine}`, `Write the whole ${keyword} instruction on one line (use several ${keyword} instructions if it is long).`);
    }
    if (['RUN', 'COPY', 'ADD'].includes(keyword) && /<</.test(args)) {
      this.refuse(line, `${keyword} uses a heredoc (<<)`, 'Put the text in a file in your submission and COPY it, or write it with printf in a RUN.');
    }
    const flagText = extractFlags(args);
    if (flagText.endMarker) this.refuse(line, `${keyword} uses \`--\` to end its options`, 'Remove the `--`.');
    const flagList: DockerfileFlag[] = [];
    // Offsets in l.text, which starts with whitespace when its first line was only a backslash.
    const argsAt = l.text.length - l.text.trimStart().length + m[0].length - args.length;
    flagText.words.forEach((w, k) => {
      if (/["'\\$]/.test(w)) {
        this.refuse(line, `the option \`${w}\` contains quotes, a backslash or a variable`, 'Write option values out literally, without quotes or $VARIABLES.');
        return;
      }
      const eq = w.indexOf('=');
      const flag: DockerfileFlag = eq < 0 ? { name: w.slice(2), value: null } : { name: w.slice(2, eq), value: w.slice(eq + 1) };
      const source = sourceOf(l, argsAt + flagText.at[k], w.length);
      if (source) flag.source = source;
      flagList.push(flag);
    });
    const rest = flagText.rest.replace(/[ \t]+$/, '');
    const stageIndex = this.stages.length - 1;
    const ins: DockerfileInstruction = {
      keyword,
      args: args.replace(/\s+/g, ' ').trim(),
      rest,
      line,
      endLine: l.endLine,
      flags: Object.fromEntries(flagList.map((f) => [f.name, f.value])),
      flagList,
      stage: stageIndex,
      vars: keyword === 'FROM' ? new Map(this.globals) : this.vars(),
    };
    if (JSON_FORMS.has(keyword)) ins.json = parseJsonArray(rest);

    switch (keyword) {
      case 'FROM':
        return this.from(ins);
      case 'COPY':
      case 'ADD':
        this.copy(ins);
        break;
      case 'ENV':
      case 'ARG':
      case 'LABEL':
        this.assign(ins);
        break;
    }
    if (stageIndex < 0) {
      if (keyword === 'ARG') this.globalArgs.push(ins);
      else this.refuse(line, `${keyword} comes before the first FROM`, 'Start the Dockerfile with FROM (only ARG may come before it).');
      return;
    }
    this.stages[stageIndex].instructions.push(ins);
  }

  private from(ins: DockerfileInstruction) {
    const fix = 'Write the image out in full (for example `FROM golang:1.26-alpine AS build`), without quotes or $VARIABLES.';
    for (const f of ins.flagList) if (f.name === 'platform') ins.flags.platform = f.value;
    const words = ins.rest.split(/[ \t]+/).filter(Boolean);
    const index = this.stages.length;
    const stage: DockerfileStage = { index, name: `stage-${index}`, base: words[0] ?? '', line: ins.line, instructions: [], platform: ins.flags.platform ?? undefined };
    if (!this.literal(ins.line, 'FROM', ins.rest, fix)) stage.base = '';
    else if (words.length !== 1 && !(words.length === 3 && words[1].toLowerCase() === 'as')) {
      this.refuse(ins.line, `\`FROM ${ins.rest}\` is not of the form FROM image [AS name]`, fix);
    } else if (words.length === 3) {
      const alias = words[2].toLowerCase();
      if (!/^[a-z][a-z0-9_.-]*$/.test(alias)) this.refuse(ins.line, `the stage name "${words[2]}" is not a plain name`, 'Name stages with a letter followed by letters, digits, "-", "_" or "." (for example `AS build`).');
      else if (this.stages.some((s) => s.alias === alias)) this.refuse(ins.line, `a stage named "${alias}" is already defined`, 'Give each stage its own name.');
      else if (alias === stage.base.toLowerCase()) this.refuse(ins.line, `the stage "${alias}" is built FROM its own name`, 'Name the stage differently from its base image.');
      else {
        stage.alias = alias;
        stage.name = alias;
      }
    }
    const parent = this.stages.find((s) => s.alias !== undefined && s.alias === stage.base.toLowerCase());
    if (parent) stage.baseStage = parent.index;
    this.stages.push(stage);
    stage.instructions.push({ ...ins, stage: index });
    // A stage starts with no ARGs in scope (they must be redeclared) and inherits ENV from a parent stage.
    this.stageVars = new Map();
    this.stageEnv = parent ? new Map(this.envAtEnd(parent)) : new Map();
    this.scope = undefined;
  }

  private envAtEnd(stage: DockerfileStage): Map<string, string> {
    const env = stage.baseStage !== undefined ? this.envAtEnd(this.stages[stage.baseStage]) : new Map<string, string>();
    for (const i of stage.instructions) if (i.keyword === 'ENV') for (const p of i.pairs ?? []) env.set(p.key, p.value ?? '');
    return env;
  }

  private copy(ins: DockerfileInstruction) {
    const fix = `Write each ${ins.keyword} source as a plain path in your submission folder, without quotes, backslashes or $VARIABLES.`;
    let words: string[];
    if (ins.rest.trim().startsWith('[')) {
      if (ins.json === undefined || ins.rest.includes('\\')) {
        this.refuse(ins.line, `${ins.keyword} in JSON form must be a plain array of strings without escapes`, fix);
        return;
      }
      words = ins.json;
    } else {
      if (/["'\\]/.test(ins.rest)) {
        this.refuse(ins.line, `${ins.keyword} \`${ins.rest}\` contains quotes or a backslash`, fix);
        return;
      }
      words = ins.rest.split(/[ \t]+/).filter(Boolean);
    }
    const sources = words.length > 1 ? words.slice(0, -1) : words;
    for (const s of sources) this.literal(ins.line, `the ${ins.keyword} source`, s, fix);
    ins.sources = sources;
    ins.dest = words.length > 1 ? this.expand(words.at(-1)!, this.vars(), ins.line) : undefined;
    const from = ins.flags.from;
    if (from !== undefined && from !== null && /^\d+$/.test(from)) {
      this.refuse(ins.line, `${ins.keyword} --from=${from} refers to a stage by its number`, 'Name the stage (`FROM … AS build`) and write `--from=build`.');
    }
  }

  /** ENV, ARG, LABEL: BuildKit's parseNameVal, each value expanded with the variables before the instruction. */
  private assign(ins: DockerfileInstruction) {
    const words = splitWords(ins.rest);
    const before = ins.stage < 0 ? this.globals : this.vars();
    let raw: [string, string | undefined][];
    if (ins.keyword !== 'ARG' && words.length > 0 && !words[0].includes('=')) {
      const m = /^(\S+)[ \t]+(.*)$/s.exec(ins.rest);
      raw = m ? [[m[1], m[2]]] : [[ins.rest, '']];
    } else {
      raw = words.map((w) => {
        const eq = w.indexOf('=');
        return eq < 0 ? [w, undefined] : [w.slice(0, eq), w.slice(eq + 1)];
      });
    }
    ins.pairs = [];
    for (const [rawKey, rawValue] of raw) {
      const key = ins.keyword === 'LABEL' ? this.expand(rawKey, before, ins.line) : rawKey;
      // ENV and LABEL expand every value with what was set before the instruction;
      // ARG sees the ARGs declared earlier on the same line (BuildKit dispatches them one by one).
      const scope = ins.keyword === 'ARG' ? (ins.stage < 0 ? this.globals : this.vars()) : before;
      let value = rawValue === undefined ? undefined : this.expand(rawValue, scope, ins.line);
      if (ins.keyword === 'ARG') {
        if (ins.stage < 0) {
          this.setVar(this.globals, key, value ?? this.globals.get(key) ?? '', ins.line);
        } else {
          // A stage ARG without a default takes the global one; an ENV of the same name wins over both.
          if (value === undefined && this.globals.has(key)) value = this.globals.get(key);
          this.setVar(this.stageVars, key, value ?? '', ins.line);
        }
      } else if (ins.keyword === 'ENV' && ins.stage >= 0) {
        this.setVar(this.stageEnv, key, value ?? '', ins.line);
      }
      ins.pairs.push({ key, value });
    }
  }
}

/** Reads a Dockerfile once, into the model every rule and check uses. */
/** `lineBytes`: the longest line read (the grader reads its own rewritten text back with BuildKit's limit). */
export function readDockerfile(input: string, { lineBytes = LIMITS.lineBytes } = {}): ParsedDockerfile {
  const text = input.replace(/\r\n/g, '\n');
  const reader = new Reader();
  if (!reader.size(text, lineBytes) || !reader.characters(text)) return { text, stages: [], globalArgs: [], refusals: inLineOrder(reader.refusals) };
  const lines = text.split('\n');
  const syntax = reader.directives(lines);
  try {
    for (const l of reader.logicalLines(lines)) reader.instruction(l);
  } catch (err) {
    if (!(err instanceof TooLarge)) throw err;
  }
  if (reader.stages.length === 0 && reader.refusals.length === 0) {
    reader.refuse(1, 'the Dockerfile has no FROM instruction', 'Start the Dockerfile with a FROM line naming one of the lab\'s images.');
  }
  return { text, stages: reader.stages, globalArgs: reader.globalArgs, syntax, refusals: inLineOrder(reader.refusals) };
}
