/*
 * Hostile variants of the real lab Dockerfiles, for the differential test
 * against BuildKit (dockerfile-oracle.test.ts). Each variant hides one thing a
 * build could do on the grading host (fetch a URL, read an image outside the
 * lab's, mount a secret or the SSH agent, get a network, run a frontend) behind
 * one trick where two Dockerfile readers could disagree: odd whitespace, line
 * continuations, the escape directive, quoting, variables, stage names, parser
 * directives, heredocs. Whether the hidden thing is really done is not decided
 * here: BuildKit's own frontend (the oracle) says so.
 *
 * Deterministic: the same seed gives the same variants in the same order.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { labBaseImages, loadLab } from '../../graders/lab/load';

export const PORT = 8765;
export const URL = `http://127.0.0.1:${PORT}/x`;
export const HOST = `127.0.0.1:${PORT}`;
/** An image no lab allows. */
export const OUTSIDE = 'busybox';
export const FRONTEND = `${HOST}/frontend`;

export interface BaseDockerfile {
  lab: string;
  /** Path relative to the repository, e.g. labs/catalog-image/solution/Dockerfile. */
  file: string;
  text: string;
  /** The lab's images (toolchains and allowed bases): what a build may read. */
  images: string[];
}

export interface Mutation {
  id: string;
  family: Family;
  trick: string;
  payload: string;
  base: string;
  images: string[];
  text: string;
}

export type Family =
  | 'confirmed'
  | 'whitespace'
  | 'continuation'
  | 'escape'
  | 'quoting'
  | 'variables'
  | 'stages'
  | 'directives'
  | 'heredoc'
  | 'case'
  | 'sources'
  | 'flags';

/** The lab Dockerfiles the variants are made from: every lab's solution, starter and variants. */
export function labDockerfiles(root: string): BaseDockerfile[] {
  const out: BaseDockerfile[] = [];
  const labsDir = join(root, 'labs');
  for (const lab of readdirSync(labsDir).sort()) {
    const dir = join(labsDir, lab);
    if (!existsSync(join(dir, 'lab.yaml'))) continue;
    const images = labBaseImages(loadLab(dir));
    const files = ['solution/Dockerfile', 'starter/Dockerfile'];
    const variants = join(dir, 'variants');
    if (existsSync(variants)) for (const v of readdirSync(variants).sort()) files.push(`variants/${v}/Dockerfile`);
    for (const f of files) {
      const p = join(dir, f);
      if (!existsSync(p)) continue;
      let text = readFileSync(p, 'utf8');
      if (!text.endsWith('\n')) text += '\n';
      out.push({ lab, file: `labs/${lab}/${f}`, text, images });
    }
  }
  return out;
}

/** mulberry32: small, seedable, the same on every machine. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One dangerous instruction, in parts a trick can take apart. */
interface Payload {
  name: string;
  keyword: string;
  flags: string[];
  args: string;
  /** A FROM payload starts a stage: it goes at the end, where it is the stage that is built. */
  stage?: boolean;
}

const P = {
  url: { name: 'add-url', keyword: 'ADD', flags: [], args: `${URL} /probe/` },
  copyFrom: { name: 'copy-from-image', keyword: 'COPY', flags: [`--from=${OUTSIDE}`], args: '/bin/sh /sh' },
  from: { name: 'from-image', keyword: 'FROM', flags: [], args: OUTSIDE, stage: true },
  secret: { name: 'secret-mount', keyword: 'RUN', flags: ['--mount=type=secret,id=s'], args: 'cat /run/secrets/s' },
  ssh: { name: 'ssh-mount', keyword: 'RUN', flags: ['--mount=type=ssh'], args: 'true' },
  mountFrom: { name: 'mount-from-image', keyword: 'RUN', flags: [`--mount=from=${OUTSIDE},target=/m`], args: 'ls /m' },
  network: { name: 'network-host', keyword: 'RUN', flags: ['--network=host'], args: 'true' },
  security: { name: 'security-insecure', keyword: 'RUN', flags: ['--security=insecure'], args: 'true' },
  // Placeholder for tricks whose danger is the directive itself.
  frontend: { name: 'frontend', keyword: 'RUN', flags: [], args: 'true' },
} satisfies Record<string, Payload>;
const PAYLOADS: Payload[] = Object.values(P).filter((p) => p.name !== 'frontend');

const render = (p: Payload) => [p.keyword, ...p.flags, p.args].join(' ');
const rest = (p: Payload) => [...p.flags, p.args].join(' ');

/**
 * A trick turns a payload into text. `at: 'stage'` text goes after a FROM line
 * of the base file (or at its end for stage payloads), `at: 'end'` at its end,
 * `at: 'top'` before its first line. `image` is an image the lab allows.
 */
interface Parts {
  /** Before the base file's first line. */
  top?: string;
  /** After one of the base file's FROM lines (at its end for a stage payload). */
  stage?: string;
  /** After the base file's last line. */
  end?: string;
  /** Drop the base file's own `# syntax=` line (the snippet brings one). */
  dropSyntax?: boolean;
}

interface Trick {
  family: Family;
  name: string;
  at: 'stage' | 'end' | 'top';
  payloads?: Payload[];
  make: (p: Payload, image: string) => string | Parts | null;
}

const WS: [string, string][] = [
  ['nbsp', '\u00a0'],
  ['ideographic-space', '\u3000'],
  ['em-space', '\u2003'],
  ['nel', '\u0085'],
  ['vt', '\v'],
  ['ff', '\f'],
  ['lone-cr', '\r'],
  ['tab', '\t'],
  ['line-separator', '\u2028'],
  ['bom', '\ufeff'],
  ['zero-width-space', '\u200b'],
];

function tricks(): Trick[] {
  const t: Trick[] = [];
  const add = (family: Family, name: string, at: Trick['at'], make: Trick['make'], payloads?: Payload[]) => t.push({ family, name, at, make, payloads });

  // The five cases the issue confirmed on a real engine, as written there.
  add('confirmed', 'add-continued-onto-url-line', 'stage', () => `ADD go.mod \\\n${URL} /probe/`, [P.url]);
  add('confirmed', 'nbsp-before-add', 'stage', () => `\u00a0ADD ${URL} /x`, [P.url]);
  add('confirmed', 'quoted-scheme', 'stage', () => `ADD "http"://${HOST}/x /x`, [P.url]);
  // The comment's lone CRs make the syntax line's number differ between the parser and the step that blanks it
  // when the frontend cannot be fetched; the blanked line is the RUN's continuation, and the ADD becomes real.
  add('confirmed', 'lone-cr-in-early-comment', 'top', (_p, img) => ({ top: `# x=a\r\r# syntax=docker/dockerfile:1\nFROM ${img} AS early\nRUN echo \\\nADD ${URL} /probe/\n`, dropSyntax: true, end: 'COPY --from=early /etc/hostname /early' }), [P.url]);
  add('confirmed', 'cr-directive-then-syntax', 'top', () => `# x=a\rb\n# syntax=${FRONTEND}\n`, [P.frontend]);

  // Unicode and control whitespace.
  for (const [wn, w] of WS) {
    add('whitespace', `${wn}-before-instruction`, 'stage', (p) => `${w}${render(p)}`);
    add('whitespace', `${wn}-after-keyword`, 'stage', (p) => `${p.keyword}${w}${rest(p)}`);
    add('whitespace', `${wn}-between-flags`, 'stage', (p) => {
      if (p.keyword === 'COPY' || p.keyword === 'ADD') return `${p.keyword} --chown=0:0${w}${rest(p)}`;
      if (p.keyword === 'RUN') return `RUN --mount=type=cache,target=/c${w}${rest(p)}`;
      return null;
    });
    add('whitespace', `${wn}-inside-previous-line`, 'stage', (p) => `RUN true${w}${render(p)}`);
    add('whitespace', `${wn}-before-args`, 'stage', (p) => `${p.keyword} ${w}${rest(p)}`);
  }
  add('whitespace', 'crlf-everywhere', 'stage', (p) => `${render(p)}\r`);
  add('whitespace', 'cr-cr-lf', 'stage', (p) => `RUN true\r\r\n${render(p)}`);

  // Line continuations.
  add('continuation', 'split-before-args', 'stage', (p) => `${p.keyword} \\\n${rest(p)}`);
  add('continuation', 'split-after-flags', 'stage', (p) => (p.flags.length ? `${p.keyword} ${p.flags.join(' ')} \\\n${p.args}` : null));
  add('continuation', 'split-inside-word', 'stage', (p) => {
    const r = rest(p);
    const mid = Math.max(1, Math.floor(r.indexOf('/') / 2) || 3);
    return `${p.keyword} ${r.slice(0, mid)}\\\n${r.slice(mid)}`;
  });
  add('continuation', 'escaped-backslash-at-end', 'stage', (p) => `RUN echo \\\\\n${render(p)}`);
  add('continuation', 'escaped-backslash-then-args', 'stage', (p) => `${p.keyword} \\\\\n${rest(p)}`);
  add('continuation', 'backslash-cr-space-lf', 'stage', (p) => `RUN echo \\\r \n${render(p)}`);
  add('continuation', 'args-after-backslash-cr-space-lf', 'stage', (p) => `${p.keyword} \\\r \n${rest(p)}`);
  add('continuation', 'backslash-space-lf', 'stage', (p) => `RUN echo \\ \n${render(p)}`);
  add('continuation', 'backslash-tab-lf', 'stage', (p) => `${p.keyword} \\\t\n${rest(p)}`);
  add('continuation', 'backslash-nbsp-lf', 'stage', (p) => `RUN echo \\\u00a0\n${render(p)}`);
  add('continuation', 'comment-inside', 'stage', (p) => `${p.keyword} \\\n# a comment\n${rest(p)}`);
  add('continuation', 'indented-comment-inside', 'stage', (p) => `${p.keyword} \\\n    # a comment \\\n${rest(p)}`);
  add('continuation', 'empty-line-inside', 'stage', (p) => `${p.keyword} \\\n\n${rest(p)}`);
  add('continuation', 'blank-line-inside', 'stage', (p) => `${p.keyword} \\\n   \n${rest(p)}`);
  add('continuation', 'comment-ending-in-backslash', 'stage', (p) => `# a comment \\\n${render(p)}`);
  add('continuation', 'run-swallows-nothing', 'stage', (p) => `RUN echo one \\\n# two\n${render(p)}`);
  add('continuation', 'json-split', 'stage', (p) => (p.keyword === 'ADD' || p.keyword === 'COPY' ? `${p.keyword} ${p.flags.join(' ')} ["go.mod", \\\n"${p.args.split(' ')[0]}", "/probe/"]` : null));
  add('continuation', 'json-split-url-word', 'stage', () => `ADD ["http://127.0.0.1:${PORT}/\\\nx", "/probe/"]`, [P.url]);
  add('continuation', 'onbuild-continued', 'end', (p, img) => (p.stage ? null : `FROM ${img} AS ob\nONBUILD ${p.keyword} \\\n  ${rest(p)}\nFROM ob\nRUN true`));
  add('continuation', 'onbuild-plain', 'end', (p, img) => (p.stage ? null : `FROM ${img} AS ob\nONBUILD ${render(p)}\nFROM ob\nRUN true`));
  add('continuation', 'from-continued', 'end', () => `FROM \\\n${OUTSIDE}`, [P.from]);
  add('continuation', 'from-word-continued', 'end', () => `FROM busy\\\nbox`, [P.from]);
  add('continuation', 'last-line-continued', 'end', (p) => `${render(p)} \\`);

  // The escape directive. A directive that BuildKit honours makes the backtick the escape.
  const escapes: [string, string][] = [
    ['plain', '# escape=`\n'],
    ['no-space', '#escape=`\n'],
    ['upper', '# ESCAPE=`\n'],
    ['spaced', '# escape = `\n'],
    ['extra-word', '# escape x=`\n'],
    ['bad-name-first', '# esc-ape=x\n# escape=`\n'],
    ['nbsp-before', '\u00a0# escape=`\n'],
    ['vt-before', '\v# escape=`\n'],
    ['bom-before', '\ufeff# escape=`\n'],
    ['after-syntax', '# syntax=docker/dockerfile:1\n# escape=`\n'],
    ['after-blank-line', '\n# escape=`\n'],
    ['after-comment', '# a comment\n# escape=`\n'],
    ['cr-in-previous', '# x=a\rb\n# escape=`\n'],
    ['three-pairs', '# a=1 b=2 escape=`\n'],
    ['twice', '# escape=`\n# escape=\\\n'],
  ];
  for (const [en, e] of escapes) {
    add('escape', `${en}/backtick-continuation`, 'top', (p) => ({ top: e, end: `FROM scratch AS e\n${p.keyword} ${p.flags.join(' ')} \`\n${p.args}` }), [P.url, P.copyFrom, P.secret]);
    add('escape', `${en}/backslash-continuation`, 'top', (p) => ({ top: e, end: `FROM scratch AS e\nRUN echo \\\n${render(p)}` }), [P.url, P.copyFrom, P.secret]);
    add('escape', `${en}/backtick-in-word`, 'top', () => ({ top: e, end: `FROM scratch AS e\nADD htt\`\np://${HOST}/x /x` }), [P.url]);
    add('escape', `${en}/backtick-escaped-quote`, 'top', () => ({ top: e, end: `FROM scratch AS e\nADD "h\`"ttp://${HOST}/x" /x` }), [P.url]);
  }

  // Quoting and escapes in the words that name something remote.
  const urlForms: [string, string][] = [
    ['double-quoted-scheme', `"http"://${HOST}/x`],
    ['single-quoted-scheme', `'http'://${HOST}/x`],
    ['quote-inside-scheme', `h"ttp"://${HOST}/x`],
    ['escaped-colon', `http\\://${HOST}/x`],
    ['empty-quotes-in-slashes', `http:/""/${HOST}/x`],
    ['whole-double-quoted', `"${URL}"`],
    ['whole-single-quoted', `'${URL}'`],
    ['escaped-letter', `h\\ttp://${HOST}/x`],
    ['escaped-slashes', `http:\\/\\/${HOST}/x`],
    ['trailing-empty-quotes', `${URL}""`],
    ['upper-scheme', `HTTP://${HOST}/x`],
    ['https', `https://${HOST}/x`],
  ];
  for (const [n, u] of urlForms) {
    add('quoting', `add/${n}`, 'stage', () => `ADD ${u} /probe/`, [P.url]);
    add('quoting', `add-chown/${n}`, 'stage', () => `ADD --chown=0:0 ${u} /probe/`, [P.url]);
  }
  const jsonForms: [string, string][] = [
    ['json-plain', `["${URL}", "/probe/"]`],
    ['json-unicode-escape', `["h\\u0074tp://${HOST}/x", "/probe/"]`],
    ['json-escaped-slashes', `["http:\\/\\/${HOST}/x", "/probe/"]`],
    ['json-all-escaped', `["\\u0068\\u0074\\u0074\\u0070://${HOST}/x", "/probe/"]`],
    ['json-spaced', `[ "${URL}" , "/probe/" ]`],
    ['json-quote-in-string', `["h\\"ttp\\"://${HOST}/x", "/probe/"]`],
    ['json-single-quotes', `['${URL}', '/probe/']`],
    ['json-trailing-comma', `["${URL}", "/probe/",]`],
    ['json-tab-separated', `["${URL}",\t"/probe/"]`],
  ];
  for (const [n, j] of jsonForms) add('quoting', `add/${n}`, 'stage', () => `ADD ${j}`, [P.url]);
  const imageForms: [string, string][] = [
    ['double-quoted', `"${OUTSIDE}"`],
    ['single-quoted', `'${OUTSIDE}'`],
    ['quote-inside', `b"usy"box`],
    ['escaped-letter', `bus\\ybox`],
    ['empty-quotes', `busy""box`],
    ['tagged', `${OUTSIDE}:latest`],
    ['registry-qualified', `docker.io/library/${OUTSIDE}`],
    ['upper', `BUSYBOX`],
  ];
  for (const [n, i] of imageForms) {
    add('quoting', `copy-from/${n}`, 'stage', () => `COPY --from=${i} /bin/sh /sh`, [P.copyFrom]);
    add('quoting', `mount-from/${n}`, 'stage', () => `RUN --mount=from=${i},target=/m ls /m`, [P.mountFrom]);
    add('quoting', `from/${n}`, 'end', () => `FROM ${i}`, [P.from]);
  }
  const mountForms: [string, string][] = [
    ['quoted-whole', '--mount="type=secret,id=s"'],
    ['quoted-type', '--mount=type="secret",id=s'],
    ['escaped-type', '--mount=type=sec\\ret,id=s'],
    ['upper-type', '--mount=type=SECRET,id=s'],
    ['upper-key', '--mount=TYPE=secret,id=s'],
    ['spaced', '--mount=type=secret, id=s'],
    ['ssh-quoted', '--mount="type=ssh"'],
    ['ssh-bare', '--mount=type=ssh,required'],
    ['cache-from-image', `--mount=type=cache,from=${OUTSIDE},target=/m`],
    ['bind-from-quoted-image', `--mount=type=bind,"from=${OUTSIDE}",target=/m`],
    ['csv-quoted-field', `--mount="type=bind,from=${OUTSIDE}",target=/m`],
    ['two-mounts', `--mount=type=cache,target=/c --mount=type=secret,id=s`],
    ['network-upper', '--network=HOST'],
    ['network-quoted', '--network="host"'],
    ['network-escaped', '--network=ho\\st'],
    ['network-default', '--network=default'],
    ['security-quoted', '--security="insecure"'],
  ];
  for (const [n, f] of mountForms) add('quoting', `run/${n}`, 'stage', () => `RUN ${f} true`, [P.secret]);

  // Variables: BuildKit's expansion forms and the ARG/ENV order.
  const urlVars: [string, string][] = [
    ['arg', `ARG U=${URL}\nADD $U /probe/`],
    ['arg-braced', `ARG U=${URL}\nADD \${U} /probe/`],
    ['arg-question', `ARG U=${URL}\nADD \${U?} /probe/`],
    ['arg-colon-question', `ARG U=${URL}\nADD \${U:?missing} /probe/`],
    ['default', `ADD \${NOPE:-${URL}} /probe/`],
    ['default-no-colon', `ADD \${NOPE-${URL}} /probe/`],
    ['nested-default', `ARG U=${URL}\nADD \${NOPE:-\${U}} /probe/`],
    ['nested-default-twice', `ARG U=${URL}\nADD \${A:-\${B:-\${U}}} /probe/`],
    ['alternate', `ARG S=1\nADD \${S:+${URL}} /probe/`],
    ['prefix-strip', `ARG U=xx${URL}\nADD \${U#xx} /probe/`],
    ['prefix-strip-longest', `ARG U=a/b/${URL}\nADD \${U##a/b/} /probe/`],
    ['suffix-strip', `ARG U=${URL}zz\nADD \${U%zz} /probe/`],
    ['replace', `ARG U=hxxp://${HOST}/x\nADD \${U/xx/tt} /probe/`],
    ['replace-all', `ARG U=hqqp://${HOST}/x\nADD \${U//q/t} /probe/`],
    ['scheme-in-var', `ARG S=http\nADD \${S}://${HOST}/x /probe/`],
    ['host-in-var', `ARG H=${HOST}\nADD http://\${H}/x /probe/`],
    ['json-form', `ARG U=${URL}\nADD ["\${U}", "/probe/"]`],
    ['env', `ENV U=${URL}\nADD $U /probe/`],
    ['env-then-arg', `ENV U=go.mod\nARG U=${URL}\nADD $U /probe/`],
    ['arg-then-env', `ARG U=${URL}\nENV U=go.mod\nADD $U /probe/`],
    ['env-same-instruction', `ENV A=${URL}\nENV A=go.mod B=\${A}\nADD $B /probe/`],
    ['env-same-instruction-reverse', `ENV A=go.mod\nENV A=${URL} B=\${A}\nADD $A /probe/`],
    ['arg-same-instruction', `ARG A=${URL}\nARG A=go.mod B=\${A}\nADD $B /probe/`],
    ['arg-chain', `ARG A=go.mod B=\${A}\nARG A=${URL}\nADD $B /probe/`],
    ['env-legacy-form', `ENV U ${URL}\nADD $U /probe/`],
    ['escaped-dollar', `ARG U=${URL}\nADD \\$U /probe/`],
    ['double-dollar', `ARG U=${URL}\nADD $$U /probe/`],
    ['lowercase-name', `ARG u=${URL}\nADD $u /probe/`],
    ['unicode-name', `ARG \u00fc=${URL}\nADD $\u00fc /probe/`],
    ['platform-arg', `ADD http://${HOST}/\${TARGETARCH} /probe/`],
    ['in-chown', `ARG U=${URL}\nADD --chown=0:0 $U /probe/`],
  ];
  for (const [n, s] of urlVars) add('variables', `url/${n}`, 'stage', () => s, [P.url]);
  const imageVars: [string, string, string][] = [
    ['from-global-arg', `ARG I=${OUTSIDE}`, 'FROM $I'],
    ['from-global-arg-braced', `ARG I=${OUTSIDE}`, 'FROM ${I}'],
    ['from-default', 'ARG I', `FROM \${I:-${OUTSIDE}}`],
    ['from-alternate', 'ARG I=1', `FROM \${I:+${OUTSIDE}}`],
    ['from-tag-var', 'ARG T=latest', `FROM ${OUTSIDE}:$T`],
    ['from-strip', `ARG I=xx${OUTSIDE}`, 'FROM ${I#xx}'],
    ['from-replace', 'ARG I=bqqybox', 'FROM ${I/qq/us}'],
    ['from-arg-redeclared-in-stage', `ARG I=${OUTSIDE}`, 'FROM scratch AS s\nARG I\nFROM $I'],
  ];
  for (const [n, top, end] of imageVars) add('variables', `image/${n}`, 'top', () => ({ top: top + '\n', end }), [P.from]);
  const stageVars: [string, string][] = [
    ['copy-from-arg', `ARG I=${OUTSIDE}\nCOPY --from=$I /bin/sh /sh`],
    ['copy-from-arg-braced', `ARG I=${OUTSIDE}\nCOPY --from=\${I} /bin/sh /sh`],
    ['copy-from-env', `ENV I=${OUTSIDE}\nCOPY --from=$I /bin/sh /sh`],
    ['mount-from-arg', `ARG I=${OUTSIDE}\nRUN --mount=from=$I,target=/m ls /m`],
    ['mount-type-arg', `ARG T=secret\nRUN --mount=type=$T,id=s cat /run/secrets/s`],
    ['network-arg', `ARG N=host\nRUN --network=$N true`],
    ['network-env', `ENV N=host\nRUN --network=$N true`],
  ];
  for (const [n, s] of stageVars) add('variables', `flag/${n}`, 'stage', () => s, [P.copyFrom]);
  add('variables', 'copy-from-global-arg', 'top', () => ({ top: `ARG I=${OUTSIDE}\n`, stage: 'ARG I\nCOPY --from=$I /bin/sh /sh' }), [P.copyFrom]);
  add('variables', 'copy-from-global-arg-not-redeclared', 'top', () => ({ top: `ARG I=${OUTSIDE}\n`, stage: 'COPY --from=$I /bin/sh /sh' }), [P.copyFrom]);

  // Stage names that only one reader sees.
  add('stages', 'lone-cr-hides-stage', 'end', (_p, img) => `# a note\rFROM ${img} AS ${OUTSIDE}\nRUN true\nFROM ${img}\nCOPY --from=${OUTSIDE} /bin/sh /sh`, [P.copyFrom]);
  add('stages', 'lone-cr-hides-stage-in-from-line', 'end', (_p, img) => `FROM ${img} AS safe\rFROM ${img} AS ${OUTSIDE}\nFROM ${img}\nCOPY --from=${OUTSIDE} /bin/sh /sh`, [P.copyFrom]);
  add('stages', 'nbsp-hides-stage', 'end', (_p, img) => `\u00a0FROM ${img} AS ${OUTSIDE}\nFROM ${img}\nCOPY --from=${OUTSIDE} /bin/sh /sh`, [P.copyFrom]);
  add('stages', 'continued-comment-hides-stage', 'end', (_p, img) => `RUN true \\\n# x\nFROM ${img} AS ${OUTSIDE}\nFROM ${img}\nCOPY --from=${OUTSIDE} /bin/sh /sh`, [P.copyFrom]);
  add('stages', 'mount-from-index-0', 'stage', () => `RUN --mount=from=0,target=/m ls /m`, [P.mountFrom]);
  add('stages', 'mount-from-index-9', 'stage', () => `RUN --mount=from=9,target=/m ls /m`, [P.mountFrom]);
  add('stages', 'copy-from-index-9', 'stage', () => `COPY --from=9 /bin/sh /sh`, [P.copyFrom]);
  add('stages', 'copy-from-own-index', 'end', (_p, img) => `FROM ${img}\nCOPY --from=1 /bin/sh /sh`, [P.copyFrom]);
  add('stages', 'copy-from-later-stage', 'end', (_p, img) => `FROM ${img} AS early\nCOPY --from=later /a /a\nFROM ${img} AS later\nRUN true\nFROM early`, [P.copyFrom]);
  add('stages', 'from-later-stage', 'end', (_p, img) => `FROM later AS early\nRUN true\nFROM ${img} AS later\nRUN true\nFROM early`, [P.from]);
  add('stages', 'stage-name-case', 'end', (_p, img) => `FROM ${img} AS Busybox\nRUN true\nFROM ${img}\nCOPY --from=busybox /bin/sh /sh`, [P.copyFrom]);
  add('stages', 'stage-name-tagged-ref', 'end', (_p, img) => `FROM ${img} AS ${OUTSIDE}\nRUN true\nFROM ${img}\nCOPY --from=${OUTSIDE}:latest /bin/sh /sh`, [P.copyFrom]);
  add('stages', 'stage-name-registry-ref', 'end', (_p, img) => `FROM ${img} AS ${OUTSIDE}\nRUN true\nFROM ${img}\nCOPY --from=docker.io/library/${OUTSIDE} /bin/sh /sh`, [P.copyFrom]);
  add('stages', 'stage-named-like-image-then-from', 'end', (_p, img) => `FROM ${img} AS ${OUTSIDE}\nRUN true\nFROM ${OUTSIDE}:latest`, [P.from]);
  add('stages', 'stage-name-via-arg', 'end', (_p, img) => `FROM ${img} AS ${OUTSIDE}\nARG N=${OUTSIDE}\nFROM ${img}\nCOPY --from=$N /bin/sh /sh`, [P.copyFrom]);
  add('stages', 'three-pairs-comment-hides-lines', 'stage', (p) => `# a=1 b=2 c=3\n${render(p)}`);
  add('stages', 'duplicate-stage-name', 'end', (_p, img) => `FROM ${OUTSIDE} AS dup\nRUN true\nFROM ${img} AS dup\nRUN true\nFROM dup`, [P.from]);

  // Parser directives: the frontend BuildKit would run.
  const syntaxForms: [string, string][] = [
    ['plain', `# syntax=${FRONTEND}\n`],
    ['no-space', `#syntax=${FRONTEND}\n`],
    ['upper', `# SYNTAX=${FRONTEND}\n`],
    ['spaced', `# syntax = ${FRONTEND}\n`],
    ['tab', `#\tsyntax=${FRONTEND}\n`],
    ['slashes', `// syntax=${FRONTEND}\n`],
    ['slashes-no-space', `//syntax=${FRONTEND}\n`],
    ['shebang-first', `#!/usr/bin/env docker\n# syntax=${FRONTEND}\n`],
    ['bom-first', `\ufeff# syntax=${FRONTEND}\n`],
    ['nbsp-first', `\u00a0# syntax=${FRONTEND}\n`],
    ['after-official', `# syntax=docker/dockerfile:1\n# syntax=${FRONTEND}\n`],
    ['before-official', `# syntax=${FRONTEND}\n# syntax=docker/dockerfile:1\n`],
    ['three-pairs-before', `# a=1 b=2 c=3\n# syntax=${FRONTEND}\n`],
    ['three-pairs-holding-syntax', `# a=1 syntax=${FRONTEND} c=3\n`],
    ['after-escape', `# escape=\\\n# syntax=${FRONTEND}\n`],
    ['after-check', `# check=skip=all\n# syntax=${FRONTEND}\n`],
    ['after-blank-line', `\n# syntax=${FRONTEND}\n`],
    ['after-comment', `# hello\n# syntax=${FRONTEND}\n`],
    ['after-cr-directive', `# x=a\rb\n# syntax=${FRONTEND}\n`],
    ['after-bad-directive', `# esc-ape=x\n# syntax=${FRONTEND}\n`],
    ['cr-joined', `# syntax=docker/dockerfile:1\r# syntax=${FRONTEND}\n`],
    ['trailing-cr', `# syntax=${FRONTEND}\r\n`],
    ['with-args', `# syntax=${FRONTEND} --flag\n`],
    ['quoted', `# syntax="${FRONTEND}"\n`],
    ['labs', `# syntax=docker/dockerfile:1-labs\n`],
    ['upstream', `# syntax=docker/dockerfile-upstream:master\n`],
    ['qualified-official', `# syntax=docker.io/docker/dockerfile:1\n`],
    ['official-with-digest', `# syntax=docker/dockerfile:1@sha256:${'ab'.repeat(32)}\n`],
    ['local-image', `# syntax=${OUTSIDE}\n`],
    ['nbsp-in-value', `# syntax=\u00a0${FRONTEND}\n`],
    ['vt-before-hash', `\v# syntax=${FRONTEND}\n`],
    ['after-instruction', `FROM scratch AS first\n# syntax=${FRONTEND}\n`],
  ];
  for (const [n, s] of syntaxForms) add('directives', `syntax/${n}`, 'top', () => ({ top: s }), [P.frontend]);
  for (const [n, s] of [...syntaxForms.slice(0, 6), ...syntaxForms.filter(([n]) => n === 'labs')])
    add('directives', `syntax-replacing-official/${n}`, 'top', () => ({ top: s, dropSyntax: true }), [P.frontend]);
  add('directives', 'three-pairs-then-payload', 'top', (p) => (p.stage ? null : { top: '# a=1 b=2 c=3\n# d=4\n', stage: render(p) }));

  // Heredocs: BuildKit 0.8 does not know them and reads their body as instructions, so a body whose
  // lines (the terminator too) are all instructions builds there; newer frontends read it as text.
  for (const term of ['EOF', 'CMD', 'ENTRYPOINT', 'RUN']) {
    add('heredoc', `run-body/${term}`, 'stage', (p) => (p.stage ? null : `RUN <<${term}\n${render(p)}\n${term}`));
    add('heredoc', `run-body-quoted/${term}`, 'stage', (p) => (p.stage ? null : `RUN <<"${term}"\n${render(p)}\n${term}`));
    add('heredoc', `run-body-dash/${term}`, 'stage', (p) => (p.stage ? null : `RUN <<-${term}\n\t${render(p)}\n\t${term}`));
    add('heredoc', `copy-body/${term}`, 'stage', (p) => (p.stage ? null : `COPY <<${term} /etc/x\n${render(p)}\n${term}`));
  }
  add('heredoc', 'delimiter-is-payload', 'stage', () => `RUN <<ADD\necho\nADD\nADD ${URL} /probe/`, [P.url]);
  add('heredoc', 'unterminated', 'stage', (p) => (p.stage ? null : `RUN <<EOF\n${render(p)}`));
  add('heredoc', 'two-heredocs', 'stage', (p) => (p.stage ? null : `RUN <<CMD cat - <<RUN\nCMD\n${render(p)}\nRUN`));

  // Keyword and flag case.
  add('case', 'lower-keyword', 'stage', (p) => `${p.keyword.toLowerCase()} ${rest(p)}`);
  add('case', 'mixed-keyword', 'stage', (p) => `${p.keyword[0]}${p.keyword.slice(1).toLowerCase()} ${rest(p)}`);
  add('case', 'upper-flag', 'stage', (p) => (p.flags.length ? `${p.keyword} ${p.flags.map((f) => f.replace(/^--(\w+)/, (_m, k: string) => `--${k.toUpperCase()}`)).join(' ')} ${p.args}` : null));
  add('case', 'single-dash-flag', 'stage', (p) => (p.flags.length ? `${p.keyword} ${p.flags.map((f) => f.slice(1)).join(' ')} ${p.args}` : null));
  add('case', 'flag-after-double-dash', 'stage', (p) => (p.flags.length ? `${p.keyword} -- ${rest(p)}` : null));
  add('case', 'flag-space-value', 'stage', (p) => (p.flags.length ? `${p.keyword} ${p.flags.map((f) => f.replace('=', ' ')).join(' ')} ${p.args}` : null));

  // Other sources: git, COPY of a URL, archives.
  const sources: [string, string][] = [
    ['git-ssh-form', `ADD git@${HOST.split(':')[0]}:x/y.git /probe/`],
    ['git-http', `ADD ${URL}.git /probe/`],
    ['git-http-fragment', `ADD ${URL}.git#main /probe/`],
    ['git-scheme', `ADD git://${HOST}/x /probe/`],
    ['git-keep-dir', `ADD --keep-git-dir=true ${URL}.git /probe/`],
    ['tarball', `ADD ${URL}.tar.gz /probe/`],
    ['checksum', `ADD --checksum=sha256:${'ab'.repeat(32)} ${URL} /probe/`],
    ['copy-url', `COPY ${URL} /probe/`],
    ['two-sources', `ADD go.mod ${URL} /probe/`],
    ['dest-looks-like-url', `ADD go.mod ${URL}`],
    ['link', `ADD --link ${URL} /probe/`],
    ['unpack', `ADD --unpack=true ${URL}.tar /probe/`],
    ['ftp', `ADD ftp://${HOST}/x /probe/`],
    ['file-scheme', `ADD file:///etc/passwd /probe/`],
  ];
  for (const [n, s] of sources) add('sources', n, 'stage', () => s, [P.url]);

  // Flags read twice or spelled oddly (BuildKit: a repeated flag is an error, a repeated mount field's last
  // value wins), and source forms newer frontends read as git, tried in the red-team pass on issue 20's gates.
  const flagForms: [string, string][] = [
    ['from-twice-outside-first', `COPY --from=${OUTSIDE} --from=build /a /b`],
    ['from-twice-outside-last', `COPY --from=build --from=${OUTSIDE} /a /b`],
    ['network-twice', 'RUN --network=none --network=host true'],
    ['mount-type-twice-secret-last', '--mount=type=cache,type=secret,id=s,target=/c'],
    ['mount-type-twice-secret-first', '--mount=type=secret,id=s,type=cache,target=/c'],
    ['mount-key-upper', '--mount=Type=secret,id=s'],
    ['mount-space-value', '--mount type=secret,id=s'],
    ['mount-from-digest', `--mount=from=${OUTSIDE}@sha256:${'ab'.repeat(32)},target=/m`],
    ['flags-after-double-dash', `ADD --chown=0 -- ${URL} /probe/`],
    ['json-then-trailing-url', `ADD ["go.mod", "/x"] ${URL} /probe/`],
    ['git-https-fragment-subdir', `ADD ${URL}.git#main:sub /probe/`],
    ['git-user-at-host', `ADD user@${HOST.split(':')[0]}:x/y.git /probe/`],
    ['git-ssh-scheme', `ADD ssh://git@${HOST.split(':')[0]}/x.git /probe/`],
    ['copy-from-context-name', 'COPY --from=context /a /b'],
    ['stage-named-scratch', `FROM ${OUTSIDE} AS scratch\nFROM scratch\nRUN true`],
  ];
  for (const [n, s] of flagForms) add('flags', n, 'stage', () => (s.startsWith('--mount') ? `RUN ${s} true` : s), [P.secret]);
  return t;
}

function insertAfterFrom(base: string, snippet: string, r: () => number): string {
  const lines = base.replace(/\n$/, '').split('\n');
  const froms = lines.map((l, i) => (/^\s*from\s/i.test(l) ? i : -1)).filter((i) => i >= 0);
  const at = froms[Math.floor(r() * froms.length)] ?? lines.length - 1;
  lines.splice(at + 1, 0, snippet);
  return lines.join('\n') + '\n';
}

function assemble(base: string, parts: Parts, r: () => number): string {
  let text = parts.dropSyntax ? base.replace(/^# syntax=.*\n/, '') : base;
  if (parts.stage !== undefined) text = insertAfterFrom(text, parts.stage, r);
  if (parts.end !== undefined) text += parts.end + '\n';
  return (parts.top ?? '') + text;
}

/**
 * Every trick with every payload it applies to, each on a base Dockerfile drawn
 * with the seed. `copies` makes each pair on that many different bases.
 */
export function mutations(bases: BaseDockerfile[], seed = 20, copies = 1): Mutation[] {
  const r = rng(seed);
  const out: Mutation[] = [];
  for (const trick of tricks()) {
    for (const p of trick.payloads ?? PAYLOADS) {
      for (let c = 0; c < copies; c++) {
        const base = bases[Math.floor(r() * bases.length)];
        const made = trick.make(p, base.images[0]);
        if (made === null) continue;
        const parts: Parts =
          typeof made !== 'string' ? made : trick.at === 'top' ? { top: made } : trick.at === 'end' || p.stage ? { end: made } : { stage: made };
        out.push({
          id: `${trick.family}/${trick.name}/${p.name}${copies > 1 ? `#${c}` : ''}`,
          family: trick.family,
          trick: trick.name,
          payload: p.name,
          base: base.file,
          images: base.images,
          text: assemble(base.text, parts, r),
        });
      }
    }
  }
  return out;
}
