import type { DockerfileInstruction, DockerfileStage, ParsedDockerfile, PolicyRule, PolicyViolation } from './model';
import { inLineOrder, readDockerfile } from './read';
import { isCacheMount, mountsOf } from './parse';
import { parseImageRef, type ImageRef } from '../engine/image-ref';

export type { PolicyRule, PolicyViolation } from './model';

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
 * grants the entitlement.
 *
 * The reader (read.ts) refuses every form two readers could disagree on, so
 * each rule below is a small fold over literal words: a source, an image, a
 * flag is exactly what BuildKit will use.
 */

export interface PolicyContext {
  /** Images a stage may start from or read: the lab's toolchain and base images, with the digests the engine knows for each. */
  images: { ref: string; digests?: string[] }[];
  /** Remote files the lab allows in ADD, each with the sha256 its content must have. */
  remoteSources?: { url: string; sha256: string }[];
  /** The engine's platform (`linux/amd64`): the only one a FROM --platform may name. Default linux/amd64. */
  platform?: string;
}

const WHY = {
  remote: 'The grading server builds your image: a URL in your Dockerfile would be fetched by that server, which can reach addresses your own computer cannot. Builds get files only from your submission.',
  image: "A build may start from and copy out of the lab's own images only; any other image in the grading engine (another course's, a solution, someone else's submission) is off limits.",
  network: 'Build steps run without a network, so every student is graded on the same files and no step can reach the grading server.',
  secret: "The grader passes no secrets or SSH keys into builds; a step that asks for one tries to use the grading server's credentials.",
  flag: 'The grader only accepts the instruction options it knows how to judge.',
  platform: "The lab's images are in the grading engine for its own platform only: an image for another platform would be pulled from a registry by the grading server, and its programs could not run there.",
};

/** containerd's spellings of a platform, for comparing with the engine's (`amd64` alone means linux/amd64). */
function normalPlatform(p: string): string {
  const parts = p.toLowerCase().split('/');
  if (parts.length === 1) parts.unshift('linux');
  const arch: Record<string, string> = { x86_64: 'amd64', 'x86-64': 'amd64', aarch64: 'arm64' };
  parts[1] = arch[parts[1]] ?? parts[1];
  // amd64's only variant is v1 by default; arm64's is v8.
  if ((parts[1] === 'amd64' && parts[2] === 'v1') || (parts[1] === 'arm64' && parts[2] === 'v8')) parts.length = 2;
  return parts.join('/');
}

const KNOWN_FLAGS: Record<string, string[]> = {
  FROM: ['platform'],
  COPY: ['from', 'chown', 'chmod', 'link', 'parents', 'exclude'],
  ADD: ['chown', 'chmod', 'link', 'checksum', 'keep-git-dir', 'exclude', 'unpack'],
  RUN: ['mount', 'network', 'security'],
  HEALTHCHECK: ['interval', 'timeout', 'start-period', 'start-interval', 'retries'],
};
const MOUNT_KEYS = new Set(['type', 'target', 'dst', 'destination', 'source', 'src', 'from', 'ro', 'readonly', 'rw', 'readwrite', 'id', 'sharing', 'mode', 'uid', 'gid', 'size', 'required', 'env']);

/** What a rule sees: the model, the lab's context, and the lab's images parsed once. */
interface RuleInput {
  df: ParsedDockerfile;
  ctx: PolicyContext;
  allowed: { ref: ImageRef; digests: string[] }[];
}

type Refuse = (line: number, rule: PolicyRule, message: string, why: string, fix: string) => void;

/** A rule is a fold over the instructions, reporting what it refuses. */
interface Rule {
  id: PolicyRule;
  visit(ins: DockerfileInstruction, stage: DockerfileStage | undefined, input: RuleInput, refuse: Refuse): void;
}

function isRemote(src: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(src) || /^[\w.-]+@[\w.-]+:/.test(src) || /^github\.com\//i.test(src);
}

/** A stage defined before `stage` by its `AS` name, or one of the lab's images; refuses anything else. */
function imageAllowed(input: RuleInput, refuse: Refuse, line: number, what: string, value: string, before: number): boolean {
  const lower = value.toLowerCase();
  if (input.df.stages.slice(0, before).some((s) => s.alias === lower)) return true;
  if (lower === 'scratch') return true;
  const ref = parseImageRef(value);
  const ok =
    ref !== undefined &&
    input.allowed.some(({ ref: a, digests }) => {
      if (a.name !== ref.name) return false;
      if (ref.digest) return (a.digest === ref.digest || digests.some((d) => d.endsWith(ref.digest!))) && (!ref.tagWritten || ref.tag === a.tag);
      return ref.tag === a.tag;
    });
  if (!ok) {
    const labImages = input.ctx.images.map((i) => i.ref).join(', ');
    refuse(line, 'foreign-image', `${what} names the image "${value}", which is not one of this lab's images`, WHY.image, `Use one of the lab's images (${labImages}) or a stage defined earlier in your Dockerfile (by its AS name).`);
  }
  return ok;
}

const rules: Rule[] = [
  {
    id: 'unknown-flag',
    visit(ins, _stage, _input, refuse) {
      const known = KNOWN_FLAGS[ins.keyword] ?? [];
      for (const f of ins.flagList) {
        if (known.includes(f.name)) continue;
        const fix = known.length ? `Remove --${f.name}; ${ins.keyword} accepts only ${known.map((k) => `--${k}`).join(', ')}.` : `Remove --${f.name}; ${ins.keyword} takes no options.`;
        refuse(ins.line, 'unknown-flag', `${ins.keyword} --${f.name} is an option the grader does not accept`, WHY.flag, fix);
      }
    },
  },
  {
    id: 'foreign-image',
    visit(ins, stage, input, refuse) {
      if (ins.keyword === 'FROM' && stage && stage.baseStage === undefined && stage.base) imageAllowed(input, refuse, ins.line, 'FROM', stage.base, stage.index);
      if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && typeof ins.flags.from === 'string' && !/^\d+$/.test(ins.flags.from)) {
        imageAllowed(input, refuse, ins.line, `${ins.keyword} --from=`, ins.flags.from, ins.stage);
      }
    },
  },
  {
    id: 'foreign-image',
    visit(ins, _stage, input, refuse) {
      const p = ins.keyword === 'FROM' ? ins.flags.platform : undefined;
      if (p === undefined) return;
      const engine = input.ctx.platform ?? 'linux/amd64';
      if (p !== null && normalPlatform(p) === normalPlatform(engine)) return;
      refuse(ins.line, 'foreign-image', `FROM --platform=${p ?? ''} asks for the image built for another platform than the grading engine's (${engine})`, WHY.platform, `Remove --platform; the lab is built and run on ${engine}.`);
    },
  },
  {
    id: 'mount',
    visit(ins, _stage, input, refuse) {
      for (const f of ins.flagList) {
        if (f.source || !isCacheMount(f)) continue;
        // Its id is rewritten in place for isolation (cache-mounts.ts), so it must be written where it can be found.
        refuse(ins.line, 'mount', 'a RUN --mount=type=cache option is split over two lines by a backslash', WHY.flag, 'Write each --mount=… option whole on one line; put a backslash after it to continue the RUN.');
      }
      for (const fields of mountsOf(ins)) {
        const type = (fields.get('type') ?? 'bind').toLowerCase();
        if (type === 'secret' || type === 'ssh') {
          refuse(ins.line, 'mount', `RUN --mount=type=${type} asks the builder for ${type === 'ssh' ? 'an SSH agent' : 'a secret'}`, WHY.secret, 'Remove the mount; the lab needs no credentials to build.');
        } else if (!['bind', 'cache', 'tmpfs'].includes(type)) {
          refuse(ins.line, 'mount', `RUN --mount=type=${type} is a mount type the grader does not accept`, WHY.flag, 'Use type=bind, type=cache or type=tmpfs.');
        }
        for (const key of fields.keys()) {
          if (!MOUNT_KEYS.has(key)) refuse(ins.line, 'unknown-flag', `RUN --mount option "${key}" is one the grader does not accept`, WHY.flag, `Remove "${key}" from the mount.`);
        }
        const from = fields.get('from');
        if (from === undefined) continue;
        if (/^\d+$/.test(from)) refuse(ins.line, 'foreign-image', `RUN --mount from=${from} refers to a stage by its number, which some BuildKit versions read as an image named "${from}"`, WHY.image, 'Name the stage (`FROM … AS build`) and write `from=build`.');
        else imageAllowed(input, refuse, ins.line, 'RUN --mount from=', from, ins.stage);
      }
    },
  },
  {
    id: 'network',
    visit(ins, _stage, _input, refuse) {
      if (ins.keyword !== 'RUN') return;
      for (const f of ins.flagList) {
        if (f.name === 'network' && f.value !== 'none') {
          refuse(ins.line, 'network', `RUN --network=${f.value ?? ''} asks for a network during the build`, WHY.network, "Remove --network; anything the step needs must come from your submission or the lab's images.");
        }
      }
    },
  },
  {
    id: 'security',
    visit(ins, _stage, _input, refuse) {
      if (ins.keyword !== 'RUN') return;
      for (const f of ins.flagList) {
        if (f.name === 'security' && f.value !== 'sandbox') {
          refuse(ins.line, 'security', `RUN --security=${f.value ?? ''} asks to run the step outside the build sandbox`, WHY.network, 'Remove --security.');
        }
      }
    },
  },
  {
    id: 'remote-source',
    visit(ins, _stage, input, refuse) {
      if (ins.keyword !== 'COPY' && ins.keyword !== 'ADD') return;
      const checksum = ins.flags.checksum ?? undefined;
      for (const src of ins.sources ?? []) {
        if (!isRemote(src)) continue;
        const allowed = ins.keyword === 'ADD' ? input.ctx.remoteSources?.find((r) => r.url === src) : undefined;
        if (allowed && (!checksum || checksum === `sha256:${allowed.sha256}`)) continue;
        const message = allowed ? `ADD --checksum=${checksum} does not match the checksum the lab gives for ${src}` : `${ins.keyword} fetches ${src} from the network`;
        const fix = allowed ? `Use --checksum=sha256:${allowed.sha256} or leave --checksum out.` : 'Put the file in your submission folder and COPY it instead (or ask your instructor to allow this URL in the lab).';
        refuse(ins.line, 'remote-source', message, WHY.remote, fix);
      }
    },
  },
];

/** Every rule folded over one parsed Dockerfile. */
export function judgeDockerfile(df: ParsedDockerfile, ctx: PolicyContext): PolicyViolation[] {
  const violations: PolicyViolation[] = [...df.refusals];
  const seen = new Set<string>();
  const refuse: Refuse = (line, rule, message, why, fix) => {
    const key = `${line}\0${rule}\0${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    violations.push({ line, rule, message, why, fix });
  };
  const input: RuleInput = {
    df,
    ctx,
    allowed: ctx.images.flatMap((i) => {
      const ref = parseImageRef(i.ref);
      return ref ? [{ ref, digests: i.digests ?? [] }] : [];
    }),
  };
  const all = [...df.globalArgs.map((ins) => ({ ins, stage: undefined })), ...df.stages.flatMap((stage) => stage.instructions.map((ins) => ({ ins, stage })))];
  for (const { ins, stage } of all) for (const rule of rules) rule.visit(ins, stage, input, refuse);
  return inLineOrder(violations);
}

/**
 * Every way the Dockerfile would reach beyond the submission and the lab's
 * images, or be read differently by BuildKit, in line order. Empty when the
 * build may go ahead.
 */
export function checkDockerfilePolicy(text: string | ParsedDockerfile, ctx: PolicyContext): PolicyViolation[] {
  return judgeDockerfile(typeof text === 'string' ? readDockerfile(text) : text, ctx);
}
