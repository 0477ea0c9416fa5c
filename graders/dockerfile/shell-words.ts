/*
 * BuildKit's shell lexer (frontend/dockerfile/shell/lex.go), for the words a
 * Dockerfile instruction expands itself: quotes removed, backslash escapes
 * applied, `$V`, `${V}`, `${V:-x}`, `${V-x}`, `${V:+x}`, `${V+x}`, `${V?m}`,
 * `${V:?m}`, `${V#p}`, `${V##p}`, `${V%p}`, `${V%%p}`, `${V/p/r}` and
 * `${V//p/r}` expanded. The rules never depend on it for anything that can
 * reach the network (the reader refuses quotes, escapes and variables there);
 * it gives ENV, ARG, USER and WORKDIR the values the build will see.
 */

export class ShellWordError extends Error {}

const SPECIAL = new Set(['@', '*', '#', '?', '-', '$', '!', '0']);

/** A shell glob (`*`, `?`) as a regular expression, anchored by the caller. */
function globSource(pattern: string): string {
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) out += pattern[++i].replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    else if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return out;
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const re = new RegExp(`^(${globSource(pattern)})`, 's');
  // The shortest match: try prefixes from the left.
  if (!greedy) {
    for (let n = 0; n <= value.length; n++) if (new RegExp(`^(?:${globSource(pattern)})$`, 's').test(value.slice(0, n))) return value.slice(n);
    return value;
  }
  const m = re.exec(value);
  return m ? value.slice(m[0].length) : value;
}

function trimSuffix(pattern: string, value: string, greedy: boolean): string {
  const whole = new RegExp(`^(?:${globSource(pattern)})$`, 's');
  if (greedy) {
    for (let n = 0; n <= value.length; n++) if (whole.test(value.slice(n))) return value.slice(0, n);
    return value;
  }
  for (let n = value.length; n >= 0; n--) if (whole.test(value.slice(n))) return value.slice(0, n);
  return value;
}

class Lexer {
  private pos = 0;
  constructor(private readonly s: string, private readonly vars: ReadonlyMap<string, string>, private readonly escape = '\\') {}

  private peek(): string | undefined {
    return this.s[this.pos];
  }
  private next(): string | undefined {
    return this.s[this.pos++];
  }

  /** Reads until one of `stops` (consumed) or the end. */
  word(stops: string[] = [], rawEscapes = false): string {
    let out = '';
    while (this.pos < this.s.length) {
      const c = this.peek()!;
      if (stops.includes(c)) {
        this.next();
        return out;
      }
      if (c === "'") out += this.singleQuoted();
      else if (c === '"') out += this.doubleQuoted();
      else if (c === '$') out += this.dollar();
      else {
        this.next();
        if (c === this.escape) {
          if (this.pos >= this.s.length) break;
          const n = this.next()!;
          out += rawEscapes ? c + n : n;
        } else out += c;
      }
    }
    if (stops.length) throw new ShellWordError(`syntax error: missing '${stops[0]}'`);
    return out;
  }

  private singleQuoted(): string {
    this.next();
    const end = this.s.indexOf("'", this.pos);
    if (end < 0) throw new ShellWordError('unexpected end of statement while looking for matching single-quote');
    const out = this.s.slice(this.pos, end);
    this.pos = end + 1;
    return out;
  }

  private doubleQuoted(): string {
    this.next();
    let out = '';
    while (this.pos < this.s.length) {
      const c = this.peek()!;
      if (c === '"') {
        this.next();
        return out;
      }
      if (c === '$') {
        out += this.dollar();
        continue;
      }
      this.next();
      if (c === this.escape) {
        const n = this.peek();
        if (n === undefined) continue;
        if (n === '"' || n === '$' || n === this.escape) out += this.next();
        else out += c;
        continue;
      }
      out += c;
    }
    throw new ShellWordError('unexpected end of statement while looking for matching double-quote');
  }

  private name(): string {
    let name = '';
    const first = this.peek();
    if (first !== undefined && /[0-9]/.test(first)) {
      while (this.peek() !== undefined && /[0-9]/.test(this.peek()!)) name += this.next();
      return name;
    }
    if (first !== undefined && SPECIAL.has(first)) return this.next()!;
    while (this.peek() !== undefined && /[A-Za-z0-9_]/.test(this.peek()!)) name += this.next();
    return name;
  }

  private dollar(): string {
    this.next();
    if (this.peek() !== '{') {
      const name = this.name();
      return name === '' ? '$' : (this.vars.get(name) ?? '');
    }
    this.next();
    const p = this.peek();
    if (p === undefined) throw new ShellWordError("syntax error: missing '}'");
    if (p === '{' || p === '}' || p === ':') throw new ShellWordError('syntax error: bad substitution');
    const name = this.name();
    const set = this.vars.has(name);
    const value = this.vars.get(name) ?? '';
    let op = this.next();
    if (op === '}') return value;
    let nullIsUnset = false;
    if (op === ':') {
      nullIsUnset = true;
      op = this.next();
    }
    switch (op) {
      case '-':
      case '+':
      case '?':
      case '#':
      case '%': {
        const raw = op === '#' || op === '%';
        if (nullIsUnset && raw) throw new ShellWordError(`unsupported modifier (:${op}) in substitution`);
        let word = this.word(['}'], raw);
        if (op === '-') return !set || (nullIsUnset && value === '') ? word : value;
        if (op === '+') return !set || (nullIsUnset && value === '') ? '' : word;
        if (op === '?') {
          if (!set) throw new ShellWordError(`${name}: ${word || 'is not allowed to be unset'}`);
          if (nullIsUnset && value === '') throw new ShellWordError(`${name}: ${word || 'is not allowed to be empty'}`);
          return value;
        }
        const greedy = word.startsWith(op);
        if (greedy) word = word.slice(1);
        return op === '#' ? trimPrefix(word, value, greedy) : trimSuffix(word, value, greedy);
      }
      case '/': {
        if (nullIsUnset) throw new ShellWordError('unsupported modifier (:/) in substitution');
        const all = this.peek() === '/';
        if (all) this.next();
        const pattern = this.word(['/'], true);
        const replacement = this.word(['}']);
        if (pattern === '') return value;
        const re = new RegExp(globSource(pattern), all ? 'gs' : 's');
        return value.replace(re, () => replacement);
      }
      default:
        throw new ShellWordError(`unsupported modifier (${op ?? ''}) in substitution`);
    }
  }
}

/** One word as BuildKit's ProcessWord reads it. Throws ShellWordError where BuildKit fails the build. */
export function processWord(word: string, vars: ReadonlyMap<string, string>, escape = '\\'): string {
  return new Lexer(word, vars, escape).word();
}

/**
 * Splits an ENV/ARG/LABEL argument into words the way BuildKit's parseWords
 * does: on blanks outside quotes, quotes and escapes kept for ProcessWord.
 */
export function splitWords(text: string, escape = '\\'): string[] {
  const words: string[] = [];
  let word = '';
  let quote: string | undefined;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (!inWord) {
      if (c === ' ' || c === '\t') continue;
      inWord = true;
    }
    if ((c === ' ' || c === '\t') && quote === undefined) {
      words.push(word);
      word = '';
      inWord = false;
      continue;
    }
    if (c === escape && i + 1 < text.length) {
      word += c + text[++i];
      continue;
    }
    if (quote !== undefined && c === quote) quote = undefined;
    else if (quote === undefined && (c === '"' || c === "'")) quote = c;
    word += c;
  }
  if (inWord) words.push(word);
  return words;
}
