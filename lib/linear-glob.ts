/*
 * Path globs matched in time linear in the path: a Thompson automaton run
 * over the text once, never a backtracking regular expression. A student
 * writes both the pattern (a .dockerignore line, a COPY source) and the file
 * names it meets, and a pattern such as `*a*a*a*a*a*a*a*b` against a name of
 * sixty `a`s made a RegExp (picomatch's, @balena/dockerignore's) run for
 * minutes. Docker itself compiles these patterns for Go's RE2, which is
 * linear too.
 */

/** One step of the automaton: a character test, or a fork (epsilon moves). */
type State = { test: (c: string) => boolean; next: number } | { fork: [number, number] } | { match: true };

export class GlobSyntaxError extends Error {}

const notSlash = (c: string) => c !== '/';
const anyChar = () => true;

/** Builds states back to front so each knows its successor. */
class Builder {
  readonly states: State[] = [{ match: true }];
  /** A state testing one character, then going to `next`. */
  char(test: (c: string) => boolean, next: number): number {
    this.states.push({ test, next });
    return this.states.length - 1;
  }
  /** Any run of characters passing `test` (the empty run too), then `next`. */
  run(test: (c: string) => boolean, next: number): number {
    const fork = this.states.push({ fork: [-1, next] }) - 1;
    const loop = this.char(test, fork);
    this.states[fork] = { fork: [loop, next] };
    return fork;
  }
  /** Either `then` (entered at its start) or straight on to `next`. */
  optional(start: number, next: number): number {
    this.states.push({ fork: [start, next] });
    return this.states.length - 1;
  }
}

/** A compiled glob: whether it matches a whole text. */
export type GlobMatcher = (text: string) => boolean;

function run(states: State[], start: number): GlobMatcher {
  return (text) => {
    let current = new Set<number>();
    const add = (set: Set<number>, s: number) => {
      if (set.has(s)) return;
      set.add(s);
      const st = states[s];
      if ('fork' in st) {
        add(set, st.fork[0]);
        add(set, st.fork[1]);
      }
    };
    add(current, start);
    for (const c of text) {
      const next = new Set<number>();
      for (const s of current) {
        const st = states[s];
        if ('test' in st && st.test(c)) add(next, st.next);
      }
      if (next.size === 0) return false;
      current = next;
    }
    for (const s of current) if ('match' in states[s]) return true;
    return false;
  };
}

/** Characters a pattern passes to the regular-expression engine as syntax: their meaning is not one a glob reader can share. */
const REGEX_SYNTAX = /[()+|{}[\]^\\]/;

/**
 * A .dockerignore pattern (already cleaned, as @balena/dockerignore and
 * Docker clean it), read as Docker reads it: `**` at the end matches
 * anything, `**` (and `**\/`) elsewhere any number of folders, `*` a run
 * within one name, `?` one character of a name. A pattern holding regular
 * expression syntax (brackets, parentheses, `+`, `|`, braces, `^`, a
 * backslash) is refused: Docker hands those to Go's regexp as they stand.
 */
export function dockerignoreGlob(pattern: string): GlobMatcher {
  if (REGEX_SYNTAX.test(pattern)) throw new GlobSyntaxError(`the .dockerignore line "${pattern}" uses ${pattern.match(REGEX_SYNTAX)![0]}`);
  // Tokens front to back, then states back to front.
  const tokens: ('**end' | '**' | '*' | '?' | string)[] = [];
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      i++;
      if (pattern[i + 1] === '/') i++;
      tokens.push(i + 1 >= pattern.length ? '**end' : '**');
    } else tokens.push(c);
  }
  const b = new Builder();
  let next = 0;
  for (let i = tokens.length - 1; i >= 0; i--) {
    const t = tokens[i];
    if (t === '**end') next = b.run(anyChar, next);
    else if (t === '**') {
      // (.*/)? : nothing, or any text ending in a slash.
      const slash = b.char((c) => c === '/', next);
      next = b.optional(b.run(anyChar, slash), next);
    } else if (t === '*') next = b.run(notSlash, next);
    else if (t === '?') next = b.char(notSlash, next);
    else next = b.char((c) => c === t, next);
  }
  return run(b.states, next);
}

/**
 * A COPY/ADD source glob as BuildKit's Go filepath.Match reads it: `*` a run
 * within one name, `?` one character of a name. Undefined for a pattern with
 * a character class or an escape, which this reader does not follow.
 */
export function pathGlob(pattern: string): GlobMatcher | undefined {
  if (/[[\\]/.test(pattern)) return undefined;
  const b = new Builder();
  let next = 0;
  for (let i = pattern.length - 1; i >= 0; i--) {
    const c = pattern[i];
    if (c === '*') next = b.run(notSlash, next);
    else if (c === '?') next = b.char(notSlash, next);
    else next = b.char((x) => x === c, next);
  }
  return run(b.states, next);
}
