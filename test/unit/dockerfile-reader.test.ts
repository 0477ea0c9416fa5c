// The one Dockerfile reader: a canonical subset BuildKit reads the same way in
// every generation, and a refusal with the line and a fix for everything else.
// One case per family of issue 20 (each was a way past the old rules) plus
// BuildKit's own reading of what is accepted.
import { describe, expect, it } from 'vitest';
import { readDockerfile } from '../../graders/dockerfile/read';
import { processWord, ShellWordError, splitWords } from '../../graders/dockerfile/shell-words';

const U = 'http://127.0.0.1:8765/x';
const FROM = 'FROM golang:1.26-alpine AS build\n';
/** The lines the reader refuses. */
const refused = (text: string) => readDockerfile(text).refusals.map((r) => r.line);

describe('refused: Unicode and control whitespace', () => {
  it.each([
    ['a no-break space before ADD', `${FROM}\u00a0ADD ${U} /x`, 2],
    ['a no-break space between ADD and its source', `${FROM}ADD\u00a0${U} /x`, 2],
    ['an ideographic space', `${FROM}\u3000ADD ${U} /x`, 2],
    ['an em space', `${FROM}ADD ${U}\u2003/x`, 2],
    ['U+0085', `${FROM}\u0085ADD ${U} /x`, 2],
    ['a vertical tab between flags', `${FROM}COPY --chown=0:0\u000b--from=img /a /b`, 2],
    ['a form feed before an instruction', `${FROM}\u000cADD ${U} /x`, 2],
    ['a lone CR in an early comment', `# a\rb\n# syntax=docker/dockerfile:1\n${FROM}RUN echo \\\nADD ${U} /x`, 1],
    ['lone CRs that shifted the old # syntax blanking onto a RUN line', `# x=y\r\r# syntax=docker/dockerfile:1\n${FROM}RUN echo \\\nADD ${U} /x`, 1],
    ['`# x=a<CR>b` then a registry frontend', `# x=a\rb\n# syntax=127.0.0.1:5000/frontend\n${FROM}`, 1],
    ['a CR, space, LF after a backslash', `${FROM}RUN true \\\r \nADD ${U} /x`, 2],
    ['a byte-order mark', `\ufeff${FROM}`, 1],
    ['non-ASCII in a RUN', `${FROM}RUN echo caf\u00e9`, 2],
  ])('%s', (_, text, line) => {
    const df = readDockerfile(text);
    expect(df.refusals.map((r) => r.line)).toEqual([line]);
    expect(df.refusals[0].fix).toMatch(/plain|line ends|byte-order/);
    expect(df.stages).toEqual([]);
  });
  it('names the character and says what to write instead', () => {
    const [r] = readDockerfile(`${FROM}\u00a0ADD ${U} /x`).refusals;
    expect(r.message).toBe('line 2 holds a no-break space (U+00A0)');
    expect(r.why).toMatch(/read every line the same way/);
    expect(r.fix).toMatch(/plain spaces/);
  });
});

describe('refused: parser directives other than one exact # syntax line', () => {
  it.each([
    ['an escape directive', '# escape=`\n' + FROM, [1]],
    ['the default escape, written out', '# escape=\\\n' + FROM, [1]],
    ['`# escape x=`', '# escape x=`\n' + FROM, [1]],
    ['a misspelt directive before escape', '# esc-ape=x\n# escape=`\n' + FROM, [1, 2]],
    ['three k=v pairs on one comment line', '# a=1 b=2 c=3\n' + FROM, [1]],
    ['`# x=a` then a registry frontend', `# x=a\n# syntax=127.0.0.1:5000/frontend\n${FROM}`, [1, 2]],
    ['a check directive', `# check=skip=all\n${FROM}`, [1]],
    ['a shebang, then a directive', `#!/usr/bin/env docker\n# syntax=evil/x\n${FROM}`, [1, 2]],
    ['a second syntax line', `# syntax=docker/dockerfile:1\n# syntax=evil/x\n${FROM}`, [2]],
    ['the labs channel, which BuildKit runs as another frontend', `# syntax=docker/dockerfile:1-labs\n${FROM}`, [1]],
    ['the labs channel of a pinned version', `# syntax=docker/dockerfile:1.7-labs\n${FROM}`, [1]],
  ])('%s', (_, text, lines) => {
    expect(refused(text)).toEqual(lines);
  });
  it('accepts the exact official line and comments below the first instruction', () => {
    const df = readDockerfile(`# syntax=docker/dockerfile:1\n# Build stage.\n${FROM}# GOOS=linux is set below\nRUN true`);
    expect(df.refusals).toEqual([]);
    expect(df.syntax).toEqual({ value: 'docker/dockerfile:1', line: 1 });
  });
});

describe('refused: continuations inside FROM, COPY, ADD; heredocs; ONBUILD', () => {
  it.each([
    ['ADD continued onto a URL line', `${FROM}ADD go.mod \\\n${U} /probe/`, 2],
    ['a line ending in an escaped backslash', `${FROM}ADD go.mod \\\\\n${U} /probe/`, 2],
    // BuildKit ends the RUN at an escaped backslash, so the next line is a real ADD; a naive reader continues the RUN.
    ['a RUN ending in an escaped backslash before an ADD', `${FROM}RUN echo \\\\\nADD ${U} /probe/`, 2],
    ['a comment line inside the continuation', `${FROM}ADD go.mod \\\n# c\n${U} /probe/`, 2],
    ['an empty line inside the continuation', `${FROM}ADD go.mod \\\n\n${U} /probe/`, 2],
    ['a JSON-form ADD split over lines', `${FROM}ADD ["go.mod", \\\n"${U}", "/p"]`, 2],
    ['the keyword split by a continuation', `${FROM}AD\\\nD ${U} /z`, 2],
    ['FROM continued', `FROM golang:1.26-alpine \\\n AS build`, 1],
    ['ONBUILD ADD', `${FROM}ONBUILD ADD ${U} /o\nFROM build`, 2],
    ['ONBUILD continued', `${FROM}ONBUILD ADD \\\n${U} /o`, 2],
    ['a heredoc', `${FROM}COPY <<EOF /notes\nhello\nEOF`, 2],
  ])('%s', (_, text, line) => {
    expect(refused(text)[0]).toBe(line);
  });
  it('reads a RUN continued past a comment and a blank line as BuildKit does: joined with nothing between', () => {
    const df = readDockerfile(`${FROM}RUN echo a\\\n# c\n\nb \\\n  c\nADD go.mod /x`);
    expect(df.refusals).toEqual([]);
    const [, run, add] = df.stages[0].instructions;
    expect([run.keyword, run.rest, run.line, run.endLine]).toEqual(['RUN', 'echo ab   c', 2, 6]);
    expect([add.keyword, add.line, add.sources]).toEqual(['ADD', 7, ['go.mod']]);
  });
  it('an escaped trailing backslash swallows the next instruction, as in BuildKit', () => {
    const df = readDockerfile(`${FROM}RUN echo \\\\\nUSER root\nCMD x`);
    expect(df.stages[0].instructions.map((i) => i.keyword)).toEqual(['FROM', 'RUN', 'CMD']);
  });
});

describe('refused: quotes, escapes and variables where something remote can be named', () => {
  it.each([
    ['ADD "http"://…', `${FROM}ADD "http"://127.0.0.1:1/x /x`],
    ['h"ttp://', `${FROM}ADD h"ttp://127.0.0.1:1/x" /x`],
    ["'http'://", `${FROM}ADD 'http'://127.0.0.1:1/x /x`],
    ['http\\://', `${FROM}ADD http\\://127.0.0.1:1/x /x`],
    ['http:/""/', `${FROM}ADD http:/""/127.0.0.1:1/x /x`],
    ['a JSON string with a \\u escape', `${FROM}ADD ["h\\u0074tp://127.0.0.1:1/x", "/x"]`],
    ['${U?}', `${FROM}ARG U=${U}\nADD \${U?} /x`],
    ['${U:?m}', `${FROM}ARG U=${U}\nADD \${U:?m} /x`],
    ['nested defaults', `${FROM}ADD \${A:-\${B:-${U}}} /x`],
    ['${U#x}', `${FROM}ARG U=x${U}\nADD \${U#x} /x`],
    ['${U/x/y}', `${FROM}ARG U=hxtp://1/x\nADD \${U/x/t} /x`],
    ['ENV then ARG of the same name', `${FROM}ENV U=safe\nARG U=${U}\nADD $U /x`],
    ['expansion within one ENV', `${FROM}ENV A=${U}\nENV A=safe B=\${A}\nADD $B /x`],
    ['ARG A=safe B=${A}', `${FROM}ARG A=safe B=\${A}\nADD $B /x`],
    ['a variable in FROM', `ARG B=golang:1.26-alpine\nFROM $B`],
    ['quotes in FROM', `FROM "golang:1.26-alpine"`],
    ['a variable in --from', `${FROM}ARG S=build\nCOPY --from=$S /a /b`],
    ['a quoted --from', `${FROM}COPY --from="other/img" /a /b`],
    ['a variable in mount from=', `${FROM}ARG S=img\nRUN --mount=from=$S,target=/d true`],
    ['a quoted mount', `${FROM}RUN --mount="type=secret,id=x" true`],
    ['--platform from an ARG', `FROM --platform=$BUILDPLATFORM golang:1.26-alpine`],
    ['-- ending the flags', `${FROM}COPY -- --from=x /b`],
    ['COPY --from a stage number', `${FROM}FROM golang:1.26-alpine\nCOPY --from=0 /a /b`],
  ])('%s', (_, text) => {
    const df = readDockerfile(text);
    expect(df.refusals.length).toBeGreaterThan(0);
    expect(df.refusals.every((r) => r.fix.length > 10)).toBe(true);
  });
  it('points at the line and says to write a plain path', () => {
    const [r] = readDockerfile(`${FROM}ADD "http"://127.0.0.1:1/x /x`).refusals;
    expect(r.line).toBe(2);
    expect(r.message).toMatch(/contains quotes or a backslash/);
    expect(r.fix).toMatch(/plain path/);
  });
});

describe('refused: stage names only one reader sees', () => {
  it.each([
    ['a duplicate stage name', `${FROM}${FROM}`, 2],
    ['a stage named like a path', 'FROM golang:1.26-alpine AS a/b', 1],
    ['a stage built FROM its own name', 'FROM build AS build', 1],
    ['FROM with extra words', 'FROM golang:1.26-alpine AS build extra', 1],
    ['an instruction that is not one', `${FROM}FROBNICATE x`, 2],
    ['RUN before FROM', 'RUN true\nFROM golang:1.26-alpine', 1],
    ['no FROM at all', '# nothing', 1],
  ])('%s', (_, text, line) => {
    expect(refused(text)[0]).toBe(line);
  });
});

describe('the model', () => {
  it('stages, names, parents, flags, JSON form, ARG and ENV as BuildKit scopes them', () => {
    const df = readDockerfile(
      `ARG GV=1.26\nFROM golang:1.26-alpine AS Build\nARG GV\nENV A=one B=two\nENV A=three C=\${A}\nARG A=arg\nCOPY --from=build --chown=1:1 a b /dst/\$A/\nFROM build AS test\nRUN --mount=type=cache,target=/c true\nCMD ["/x", "y"]\n`,
    );
    expect(df.refusals).toEqual([]);
    const [b, t] = df.stages;
    expect([b.name, b.alias, b.base, b.baseStage]).toEqual(['build', 'build', 'golang:1.26-alpine', undefined]);
    expect([t.name, t.base, t.baseStage]).toEqual(['test', 'build', 0]);
    const env2 = b.instructions[3];
    // Values in one ENV are expanded with what was set before it.
    expect(env2.pairs).toEqual([{ key: 'A', value: 'three' }, { key: 'C', value: 'one' }]);
    const copy = b.instructions[5];
    expect(copy.flags).toEqual({ from: 'build', chown: '1:1' });
    expect(copy.sources).toEqual(['a', 'b']);
    // ENV wins over an ARG of the same name; a stage ARG without a default takes the global one.
    expect(copy.dest).toBe('/dst/three/');
    expect(copy.vars.get('GV')).toBe('1.26');
    // A stage built FROM another inherits its ENV, not its ARGs.
    expect(t.instructions[1].vars.get('A')).toBe('three');
    expect(t.instructions[1].vars.has('GV')).toBe(false);
    expect(t.instructions[2].json).toEqual(['/x', 'y']);
    expect(df.globalArgs.map((a) => a.pairs)).toEqual([[{ key: 'GV', value: '1.26' }]]);
  });
  it('CRLF line ends read as LF, and the text the build gets has LF', () => {
    const df = readDockerfile(`# syntax=docker/dockerfile:1\r\n${FROM.replace('\n', '\r\n')}RUN true\r\n`);
    expect(df.refusals).toEqual([]);
    expect(df.text).not.toContain('\r');
    expect(df.stages[0].instructions.map((i) => [i.keyword, i.line])).toEqual([['FROM', 2], ['RUN', 3]]);
  });
});

describe("BuildKit's shell lexer", () => {
  const vars = new Map([['A', 'x'], ['E', ''], ['P', 'a/b/c.tar.gz']]);
  it.each([
    ['$A/${A}', 'x/x'],
    ['${B:-d}/${E:-d}/${E-d}/${A:+set}/${B:+set}/${E+set}', 'd/d//set//set'],
    ['\\$A', '$A'],
    ["'$A'", '$A'],
    ['"$A and \\$A"', 'x and $A'],
    ['"a\\b"', 'a\\b'],
    ['${P#*/}', 'b/c.tar.gz'],
    ['${P##*/}', 'c.tar.gz'],
    ['${P%.*}', 'a/b/c.tar'],
    ['${P%%.*}', 'a/b/c'],
    ['${P/\\//-}', 'a-b/c.tar.gz'],
    ['${P//\\//-}', 'a-b-c.tar.gz'],
    ['${A?}', 'x'],
    ['${E?}', ''],
    ['${B:-${A:-y}}', 'x'],
    ['$', '$'],
    ['a$', 'a$'],
  ])('%s', (word, want) => {
    expect(processWord(word, vars)).toBe(want);
  });
  it.each(['${B?}', '${E:?empty}', '${A', '${:}', '${A:#x}', '"open'])('%s fails as in BuildKit', (word) => {
    expect(() => processWord(word, vars)).toThrow(ShellWordError);
  });
  it('splits ENV words on blanks outside quotes, keeping quotes for expansion', () => {
    expect(splitWords(`A="a b" B='c d' C=e\\ f  D`)).toEqual([`A="a b"`, `B='c d'`, 'C=e\\ f', 'D']);
  });
});
