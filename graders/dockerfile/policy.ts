import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { flagsOf as flagList } from './parse';
import { parseImageRef, type ImageRef } from './image-ref';

/*
 * What a student's Dockerfile may make the grading host do, judged before
 * anything is built. The engine runs builds with `networkmode: none`, but that
 * covers RUN steps only: the BuildKit daemon itself fetches ADD URLs, resolves
 * images and runs `# syntax=` frontends, from the grading host's network
 * position (its loopback, a cloud metadata service, campus services).
 *
 * Measured on Docker 20.10.24 (BuildKit's built-in Dockerfile frontend), with a
 * server on the host's 127.0.0.1 recording requests:
 * - `ADD http://127.0.0.1:…/x` is fetched, also when the URL comes from an ARG
 *   or ENV, when it ends in `.tar.gz` (fetched, not unpacked) or `.git`
 *   (fetched as a plain file), and from an `ONBUILD ADD` of a parent stage;
 * - `git@host:repo` is read as a local path; `COPY <url>` is refused by the engine;
 * - `--checksum`, `--keep-git-dir`, `--link`, `--exclude`, `--parents`,
 *   `RUN --network` and `RUN --security` are unknown flags (a parse error), and
 *   heredocs are not understood: their body lines are parsed as instructions;
 * - `RUN --mount=type=ssh` and `type=secret` build (empty without a client
 *   session; `required=true` fails);
 * - `COPY --from=<image>` and `RUN --mount=from=<image>` read any image present
 *   in the engine; `# syntax=<local image>` runs that image as the frontend.
 * Newer engines (Docker 23+, 27+) accept the newer flags, heredocs and git
 * sources, and honour `--network=host` / `--security=insecure` where the daemon
 * grants the entitlement. The rules below therefore judge every form, known
 * to today's engine or not, and under both readings of a heredoc.
 */

export type PolicyRule = 'remote-source' | 'foreign-image' | 'network' | 'mount' | 'security' | 'frontend' | 'unknown-flag';

export interface PolicyViolation {
  line: number;
  rule: PolicyRule;
  /** What the line does, in the student's terms. */
  message: string;
  /** Why the grader refuses it. */
  why: string;
  fix: string;
}

export interface PolicyContext {
  /** Images a stage may start from or read: the lab's toolchain and base images, with the digests the engine knows for each. */
  images: { ref: string; digests?: string[] }[];
  /** Remote files the lab allows in ADD, each with the sha256 its content must have. */
  remoteSources?: { url: string; sha256: string }[];
  /** Values of BuildKit's automatic platform args (TARGETARCH …). */
  platformArgs?: Record<string, string>;
}

const KNOWN_FLAGS: Record<string, string[]> = {
  FROM: ['platform'],
  COPY: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  ADD: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude', 'unpack'],
  RUN: ['mount', 'network', 'security'],
};
const MOUNT_KEYS = new Set(['type', 'target', 'dst', 'destination', 'source', 'src', 'from', 'ro', 'readonly', 'rw', 'readwrite', 'id', 'sharing', 'mode', 'uid', 'gid', 'size', 'required', 'env']);
// The official frontend, by any spelling BuildKit accepts: docker/dockerfile[-upstream]:1[.x[.y]][-labs][@digest].
const OFFICIAL_FRONTEND = /^(?:(?:docker\.io|index\.docker\.io)\/)?docker\/dockerfile(?:-upstream)?(?::\d+(?:\.\d+){0,2}(?:-labs)?)?(?:@sha256:[a-f0-9]{64})?$/;
const DEFAULT_PLATFORM_ARGS = { TARGETPLATFORM: 'linux/amd64', TARGETOS: 'linux', TARGETARCH: 'amd64', TARGETVARIANT: '', BUILDPLATFORM: 'linux/amd64', BUILDOS: 'linux', BUILDARCH: 'amd64', BUILDVARIANT: '' };

const WHY = {
  remote: 'The grading server builds your image: a URL in your Dockerfile would be fetched by that server, which can reach addresses your own computer cannot. Builds get files only from your submission.',
  image: "A build may start from and copy out of the lab's own images only; any other image in the grading engine (another course's, a solution, someone else's submission) is off limits.",
  network: 'Build steps run without a network, so every student is graded on the same files and no step can reach the grading server.',
  secret: 'The grader passes no secrets or SSH keys into builds; a step that asks for one tries to use the grading server\'s credentials.',
  frontend: "Only BuildKit's own Dockerfile frontend reads your Dockerfile; another frontend image would run with the builder's powers.",
  flag: 'The grader only accepts the instruction options it knows how to judge.',
};

/** `${VAR}`, `$VAR`, `${VAR:-d}`, `${VAR:+w}` (and the forms without the colon), as BuildKit expands them. */
export function expandVars(word: string, vars: Map<string, string>, escape = '\\'): string {
  let out = '';
  for (let i = 0; i < word.length; i++) {
    const c = word[i];
    if (c === escape && word[i + 1] === '$') {
      out += '$';
      i++;
      continue;
    }
    if (c !== '$') {
      out += c;
      continue;
    }
    const braced = /^\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}/.exec(word.slice(i + 1));
    const bare = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.slice(i + 1));
    if (braced) {
      const [all, name, op, arg] = braced;
      const set = vars.has(name);
      const value = vars.get(name) ?? '';
      const nonEmpty = op?.startsWith(':') ? value !== '' : set;
      if (op?.endsWith('-')) out += nonEmpty ? value : expandVars(arg, vars, escape);
      else if (op?.endsWith('+')) out += nonEmpty ? expandVars(arg, vars, escape) : '';
      else out += value;
      i += all.length;
    } else if (bare) {
      out += vars.get(bare[0]) ?? '';
      i += bare[0].length;
    } else out += c;
  }
  return out;
}

/** Splits shell-form arguments on whitespace, keeping quoted runs together and dropping the quotes. */
function splitWords(text: string): string[] {
  const words: string[] = [];
  for (const m of text.matchAll(/"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3]);
  return words;
}

/** `KEY=value KEY2="two words"` or the old `KEY value` form of ENV and ARG. */
function assignments(args: string, keyword: string): [string, string | undefined][] {
  const t = args.trim();
  if (keyword === 'ENV' && !/^[^\s=]+=/.test(t)) {
    const m = /^(\S+)\s*(.*)$/s.exec(t);
    return m ? [[m[1], m[2]]] : [];
  }
  return splitWords(t).map((w) => {
    const eq = w.indexOf('=');
    return eq < 0 ? [w, undefined] : [w.slice(0, eq), w.slice(eq + 1)];
  });
}

function isRemote(src: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(src) || /^[\w.-]+@[\w.-]+:/.test(src) || /^github\.com\//.test(src);
}


/** COPY/ADD sources: JSON or shell form, heredoc markers (inline content) left out. */
function copySourceWords(raw: string): string[] {
  const firstLine = raw.split('\n')[0].trim();
  let words: string[];
  if (firstLine.startsWith('[')) {
    try {
      const parsed = JSON.parse(raw.trim()) as unknown;
      words = Array.isArray(parsed) ? parsed.map(String) : splitWords(firstLine);
    } catch {
      words = splitWords(firstLine);
    }
  } else words = splitWords(firstLine);
  return words.slice(0, -1).filter((w) => !w.startsWith('<<'));
}

interface Stage {
  name?: string;
  env: Map<string, string>;
  args: Map<string, string>;
}

class Judge {
  readonly violations: PolicyViolation[] = [];
  private globalArgs = new Map<string, string>();
  private stages: Stage[] = [];
  private allowed: { ref: ImageRef; digests: string[] }[];

  constructor(private ctx: PolicyContext, private escape: string) {
    this.allowed = ctx.images.flatMap((i) => {
      const ref = parseImageRef(i.ref);
      return ref ? [{ ref, digests: i.digests ?? [] }] : [];
    });
    for (const [k, v] of Object.entries(ctx.platformArgs ?? DEFAULT_PLATFORM_ARGS)) this.globalArgs.set(k, v);
  }

  private refuse(line: number, rule: PolicyRule, message: string, why: string, fix: string) {
    if (!this.violations.some((v) => v.line === line && v.rule === rule && v.message === message)) this.violations.push({ line, rule, message, why, fix });
  }

  private vars(): Map<string, string> {
    const stage = this.stages.at(-1);
    if (!stage) return this.globalArgs;
    return new Map([...stage.args, ...stage.env]);
  }

  private expand(word: string): string {
    return expandVars(word, this.vars(), this.escape);
  }

  /** Is `raw` an earlier stage, or an image the lab allows? Reports the refusal itself. */
  private imageAllowed(line: number, what: string, raw: string, stageRefAllowed: boolean): boolean {
    const value = raw.trim();
    if (stageRefAllowed) {
      const lower = value.toLowerCase();
      if (this.stages.slice(0, -1).some((s) => s.name === lower)) return true;
      if (/^\d+$/.test(value) && Number(value) < this.stages.length - 1) return true;
    }
    if (value === 'scratch') return true;
    const ref = parseImageRef(value);
    const ok =
      ref !== undefined &&
      this.allowed.some(({ ref: a, digests }) => {
        if (a.name !== ref.name) return false;
        if (ref.digest) return (a.digest === ref.digest || digests.some((d) => d.endsWith(ref.digest!))) && (!ref.tag || ref.tag === a.tag);
        return ref.tag === a.tag;
      });
    if (!ok) {
      const labImages = this.ctx.images.map((i) => i.ref).join(', ');
      this.refuse(line, 'foreign-image', `${what} names the image "${value}", which is not one of this lab's images`, WHY.image, `Use one of the lab's images (${labImages}) or a stage defined earlier in your Dockerfile.`);
    }
    return ok;
  }

  private checkFlags(ins: Instruction, keyword: string, line: number) {
    const known = KNOWN_FLAGS[keyword];
    if (!known) return;
    for (const f of flagList(ins)) {
      if (!known.includes(f.name)) {
        this.refuse(line, 'unknown-flag', `${keyword} --${f.name} is an option the grader does not accept`, WHY.flag, `Remove --${f.name}; the lab needs only ${known.map((k) => `--${k}`).join(', ')}.`);
      }
    }
  }

  private checkMount(line: number, spec: string) {
    const fields = new Map<string, string>();
    for (const part of spec.split(',')) {
      const eq = part.indexOf('=');
      fields.set((eq < 0 ? part : part.slice(0, eq)).trim().toLowerCase(), eq < 0 ? 'true' : this.expand(part.slice(eq + 1).trim()));
    }
    const type = fields.get('type') ?? 'bind';
    if (type === 'secret' || type === 'ssh') {
      this.refuse(line, 'mount', `RUN --mount=type=${type} asks the builder for ${type === 'ssh' ? 'an SSH agent' : 'a secret'}`, WHY.secret, 'Remove the mount; the lab needs no credentials to build.');
    } else if (!['bind', 'cache', 'tmpfs'].includes(type)) {
      this.refuse(line, 'mount', `RUN --mount=type=${type} is a mount type the grader does not accept`, WHY.flag, 'Use type=bind, type=cache or type=tmpfs.');
    }
    for (const key of fields.keys()) {
      if (!MOUNT_KEYS.has(key)) this.refuse(line, 'unknown-flag', `RUN --mount option "${key}" is one the grader does not accept`, WHY.flag, `Remove "${key}" from the mount.`);
    }
    const from = fields.get('from');
    if (from !== undefined) this.imageAllowed(line, `RUN --mount from=`, from, true);
  }

  judge(ins: Instruction, lineOverride?: number) {
    const keyword = ins.getKeyword().toUpperCase();
    const line = lineOverride ?? ins.getRange().start.line + 1;
    const raw = ins.getRawArgumentsContent() ?? '';
    this.checkFlags(ins, keyword, line);
    const flags = flagList(ins);
    switch (keyword) {
      case 'FROM': {
        const words = splitWords(raw);
        const image = expandVars(words[0] ?? '', this.globalArgs, this.escape);
        const asIndex = words.findIndex((w) => w.toLowerCase() === 'as');
        const name = asIndex >= 0 ? words[asIndex + 1]?.toLowerCase() : undefined;
        const parent = this.stages.find((s) => s.name === image.toLowerCase());
        this.stages.push({ name: undefined, env: new Map(parent?.env ?? []), args: new Map() });
        if (!parent) this.imageAllowed(line, 'FROM', image, false);
        this.stages.at(-1)!.name = name;
        break;
      }
      case 'ARG':
      case 'ENV': {
        const stage = this.stages.at(-1);
        for (const [k, v] of assignments(raw, keyword)) {
          const value = v === undefined ? undefined : this.expand(v.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1'));
          if (!stage) this.globalArgs.set(k, value ?? this.globalArgs.get(k) ?? '');
          else if (keyword === 'ENV') stage.env.set(k, value ?? '');
          else stage.args.set(k, value ?? this.globalArgs.get(k) ?? '');
        }
        break;
      }
      case 'COPY':
      case 'ADD': {
        const from = flags.find((f) => f.name === 'from');
        if (from) this.imageAllowed(line, `${keyword} --from=`, this.expand(from.value ?? ''), true);
        const checksum = flags.find((f) => f.name === 'checksum')?.value ?? undefined;
        for (const word of copySourceWords(raw)) {
          const src = this.expand(word);
          if (!isRemote(src)) continue;
          const allowed = keyword === 'ADD' ? this.ctx.remoteSources?.find((r) => r.url === src) : undefined;
          if (allowed && (!checksum || checksum === `sha256:${allowed.sha256}`)) continue;
          const message = allowed
            ? `ADD --checksum=${checksum} does not match the checksum the lab gives for ${src}`
            : `${keyword} ${src === word ? '' : `(${word}) `}fetches ${src} from the network`;
          this.refuse(line, 'remote-source', message, WHY.remote, allowed ? `Use --checksum=sha256:${allowed.sha256} or leave --checksum out.` : 'Put the file in your submission folder and COPY it instead (or ask your instructor to allow this URL in the lab).');
        }
        break;
      }
      case 'RUN': {
        for (const f of flags) {
          const value = this.expand(f.value ?? '');
          if (f.name === 'mount') this.checkMount(line, value);
          else if (f.name === 'network' && value !== 'none') {
            this.refuse(line, 'network', `RUN --network=${value} asks for a network during the build`, WHY.network, 'Remove --network; anything the step needs must come from your submission or the lab\'s images.');
          } else if (f.name === 'security' && value !== 'sandbox') {
            this.refuse(line, 'security', `RUN --security=${value} asks to run the step outside the build sandbox`, WHY.network, 'Remove --security.');
          }
        }
        break;
      }
      case 'ONBUILD': {
        // The trigger runs in every stage built FROM this one: judge it as if written there.
        const inner = DockerfileParser.parse(`FROM scratch\n${raw}`).getInstructions()[1];
        if (inner) this.judge(inner, line);
        break;
      }
    }
  }
}

function judgeText(text: string, ctx: PolicyContext): PolicyViolation[] {
  const df = DockerfileParser.parse(text);
  const escape = df.getDirectives().find((d) => d.getName().toLowerCase() === 'escape')?.getValue() || '\\';
  const judge = new Judge(ctx, escape);
  for (const ins of df.getInstructions()) judge.judge(ins);
  return judge.violations;
}

/** `# syntax=` as BuildKit reads it: a comment line among the leading directives, any case, any spacing. */
function syntaxDirectives(text: string): { line: number; value: string }[] {
  const out: { line: number; value: string }[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const m = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.*?)\s*$/.exec(lines[i]);
    if (!m) break;
    if (m[1].toLowerCase() === 'syntax') out.push({ line: i + 1, value: m[2] });
  }
  return out;
}

/**
 * Every way the Dockerfile would reach beyond the submission and the lab's
 * images, in line order. Empty when the build may go ahead.
 */
export function checkDockerfilePolicy(text: string, ctx: PolicyContext): PolicyViolation[] {
  const violations: PolicyViolation[] = [];
  for (const d of syntaxDirectives(text)) {
    if (!OFFICIAL_FRONTEND.test(d.value)) {
      violations.push({ line: d.line, rule: 'frontend', message: `# syntax=${d.value} asks BuildKit to run a frontend other than the official Dockerfile one`, why: WHY.frontend, fix: 'Delete the # syntax= line, or use # syntax=docker/dockerfile:1.' });
    }
  }
  // An engine without heredoc support parses a heredoc's body as instructions:
  // judge the text both ways, so neither reading can hide a line.
  const withoutHeredocs = text.replace(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g, '__$3');
  for (const v of [...judgeText(text, ctx), ...judgeText(withoutHeredocs, ctx)]) {
    if (!violations.some((w) => w.line === v.line && w.rule === v.rule && w.message === v.message)) violations.push(v);
  }
  return violations.sort((a, b) => a.line - b.line);
}
