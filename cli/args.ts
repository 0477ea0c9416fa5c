import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

/**
 * The one argument reader every command uses: typed options, `--help`, and
 * every mistake (unknown option, missing value, wrong type, wrong number of
 * arguments) as a `UsageError`, which `main` prints as one line and exit 2.
 */
export class UsageError extends Error {}

export type OptionSpec =
  | { type: 'boolean'; short?: string }
  | { type: 'string'; short?: string; default?: string; choices?: readonly string[] }
  | { type: 'string'; short?: string; multiple: true }
  | { type: 'integer'; short?: string; default?: number; min?: number; max?: number };

type ValueOf<S extends OptionSpec> = S extends { type: 'boolean' }
  ? boolean | undefined
  : S extends { type: 'integer' }
    ? S extends { default: number } ? number : number | undefined
    : S extends { multiple: true }
      ? string[]
      : S extends { default: string } ? string : string | undefined;

export type Values<O extends Record<string, OptionSpec>> = { -readonly [K in keyof O]: ValueOf<O[K]> };

export interface CommandSpec<O extends Record<string, OptionSpec>> {
  /** As the user types it: `build`, `lab test`. */
  name: string;
  /** The text `--help` prints. */
  help: string;
  options: O;
  /** How many positional arguments the command takes (default: none). */
  positionals?: { min?: number; max?: number; what?: string };
}

export interface Parsed<O extends Record<string, OptionSpec>> {
  values: Values<O>;
  positionals: string[];
}

const usage = (spec: { name: string }, message: string) => new UsageError(`drydock ${spec.name}: ${message} (see drydock ${spec.name} --help)`);

/**
 * Reads `argv` against `spec`. Returns undefined after printing the help
 * (the command then exits 0); throws `UsageError` on any mistake.
 */
export function parseCommand<O extends Record<string, OptionSpec>>(spec: CommandSpec<O>, argv: string[]): Parsed<O> | undefined {
  const nodeOptions: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = { help: { type: 'boolean', short: 'h' } };
  for (const [name, o] of Object.entries(spec.options)) {
    nodeOptions[name] = { type: o.type === 'boolean' ? 'boolean' : 'string', ...(o.short ? { short: o.short } : {}), ...('multiple' in o ? { multiple: true } : {}) };
  }
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: nodeOptions, allowPositionals: true, strict: true });
  } catch (err) {
    throw usage(spec, describeParseError(err as NodeJS.ErrnoException, spec.options, argv));
  }
  if (parsed.values.help) {
    process.stdout.write(spec.help);
    return undefined;
  }
  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const raw = parsed.values[name];
    if (o.type === 'boolean') values[name] = raw as boolean | undefined;
    else if ('multiple' in o) values[name] = (raw as string[] | undefined) ?? [];
    else if (o.type === 'integer') {
      if (raw === undefined) values[name] = o.default;
      else {
        const n = Number(raw);
        const min = o.min ?? Number.MIN_SAFE_INTEGER;
        const max = o.max ?? Number.MAX_SAFE_INTEGER;
        if (!/^-?\d+$/.test(String(raw).trim()) || n < min || n > max) {
          const range = o.max !== undefined ? `from ${min} to ${max}` : `of ${min} or more`;
          throw usage(spec, `--${name} wants a whole number ${range}, not "${raw}"`);
        }
        values[name] = n;
      }
    } else {
      const s = (raw as string | undefined) ?? o.default;
      if (s !== undefined && o.choices && !o.choices.includes(s)) throw usage(spec, `--${name} must be ${orList(o.choices)}, not "${s}"`);
      values[name] = s;
    }
  }
  const { min = 0, max = min, what = 'arguments' } = spec.positionals ?? {};
  const n = parsed.positionals.length;
  if (n < min) throw usage(spec, `expected ${what}`);
  if (n > max) throw usage(spec, max === 0 ? `takes no arguments, got "${parsed.positionals[0]}"` : `unexpected argument "${parsed.positionals[max]}" (expected ${what})`);
  return { values: values as Values<O>, positionals: parsed.positionals };
}

function describeParseError(err: NodeJS.ErrnoException, options: Record<string, OptionSpec>, argv: string[]): string {
  if (err.code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    const name = /'([^']*)'/.exec(err.message)?.[1] ?? '';
    return `unknown option ${name}`;
  }
  if (err.code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
    const long = /--([\w-]+)/.exec(err.message)?.[1];
    if (long && /argument missing/.test(err.message)) return `--${long} needs a value${options[long]?.type === 'integer' ? ' (a whole number)' : ''}`;
    if (long && /does not take an argument/.test(err.message)) return `--${long} takes no value`;
    // `-j -3`, `--port -1`: Node reads the dash as the start of another option ("ambiguous").
    const given = /Option '(-{1,2}[\w-]+)' argument is ambiguous/.exec(err.message)?.[1];
    if (given) {
      const name = given.startsWith('--') ? given.slice(2) : Object.entries(options).find(([, o]) => o.short === given.slice(1))?.[0];
      const value = argv[argv.indexOf(given) + 1];
      const o = name ? options[name] : undefined;
      if (name && o?.type === 'integer') return `--${name} wants a whole number ${o.max !== undefined ? `from ${o.min ?? 0} to ${o.max}` : `of ${o.min ?? 0} or more`}, not "${value}"`;
      if (name) return `--${name} needs a value; one that starts with a dash is written --${name}=${value}`;
    }
  }
  return err.message.split('\n')[0];
}

const orList = (xs: readonly string[]) => (xs.length < 2 ? xs.join('') : `${xs.slice(0, -1).join(', ')} or ${xs[xs.length - 1]}`);

/**
 * The course folder a command reads (`--root`, default the current folder): an existing folder,
 * else a usage error. A misspelt --root used to build an empty book into <typo>/site and exit 0.
 */
export function courseRootOf(command: string, root: string | undefined): string {
  if (root === '') throw new UsageError(`drydock ${command}: --root needs a value (see drydock ${command} --help)`);
  const dir = resolve(root ?? '.');
  const st = statSync(dir, { throwIfNoEntry: false });
  if (!st) throw new UsageError(`drydock ${command}: --root ${root}: no such folder`);
  if (!st.isDirectory()) throw new UsageError(`drydock ${command}: --root ${root}: not a folder (give the course folder, the one holding course.yaml, chapters/ or book.toml)`);
  return dir;
}
