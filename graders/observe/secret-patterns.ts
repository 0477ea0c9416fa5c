// What the no-secrets check counts as a credential, by file path and by
// content. Shared by the layer scanner (graders/observe/runtime.ts) and the check,
// which also reads ENV values and build-time history with the same rules.

/** A credential spotted in some text: what it is and a redacted sample (never the secret itself). */
export interface SecretMatch {
  kind: string;
  sample: string;
}

interface ContentRule {
  kind: string;
  /** Cheap literal the scanner looks for before running the regex (Buffer.indexOf). */
  marker: string;
  re: RegExp;
}

/** Content rules; each marker is plain ASCII so a byte search finds it in any file. */
export const CONTENT_RULES: readonly ContentRule[] = [
  { kind: 'private key (PEM)', marker: 'PRIVATE KEY-----', re: /-----BEGIN ((?:RSA|DSA|EC|OPENSSH|ENCRYPTED|PGP) )?PRIVATE KEY( BLOCK)?-----/ },
  { kind: 'AWS access key id', marker: 'AKIA', re: /\bAKIA[0-9A-Z]{16}\b/ },
  { kind: 'AWS access key id', marker: 'ASIA', re: /\bASIA[0-9A-Z]{16}\b/ },
  { kind: 'AWS secret access key', marker: 'ws_secret_access_key', re: /\baws_secret_access_key\s*[=:]\s*["']?[A-Za-z0-9/+]{40}\b/i },
  { kind: 'AWS secret access key', marker: 'WS_SECRET_ACCESS_KEY', re: /\bAWS_SECRET_ACCESS_KEY\s*[=:]\s*["']?[A-Za-z0-9/+]{40}\b/ },
  { kind: 'GitHub token', marker: 'ghp_', re: /\bghp_[A-Za-z0-9]{36,}\b/ },
  { kind: 'GitHub token', marker: 'gho_', re: /\bgho_[A-Za-z0-9]{36,}\b/ },
  { kind: 'GitHub token', marker: 'ghs_', re: /\bghs_[A-Za-z0-9]{36,}\b/ },
  { kind: 'GitHub token', marker: 'ghu_', re: /\bghu_[A-Za-z0-9]{36,}\b/ },
  { kind: 'GitHub token', marker: 'github_pat_', re: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/ },
  { kind: 'Slack token', marker: 'xox', re: /\bxox[abposr]-[A-Za-z0-9-]{10,}/ },
];

/** Keeps enough of a match to recognise it, never enough to use it. */
export function redact(text: string): string {
  if (text.startsWith('-----BEGIN')) return text;
  return `${text.slice(0, 4)}…(${text.length} chars)`;
}

/** Every credential pattern in a text (an ENV value, a history line, a file's bytes read as latin1). */
export function matchContent(text: string): SecretMatch[] {
  const out: SecretMatch[] = [];
  for (const rule of CONTENT_RULES) {
    if (!text.includes(rule.marker)) continue;
    const m = rule.re.exec(text);
    if (m && !out.some((o) => o.kind === rule.kind)) out.push({ kind: rule.kind, sample: redact(m[0]) });
  }
  return out;
}

/** Markers as bytes, for a fast first pass over file content. */
export const CONTENT_MARKERS: readonly Buffer[] = [...new Set(CONTENT_RULES.map((r) => r.marker))].map((m) => Buffer.from(m, 'latin1'));

const ENV_EXAMPLES = /^\.env\.(example|sample|template|dist|defaults)$/;

/** What a file's path alone says it holds, or undefined. */
export function matchPath(path: string): string | undefined {
  const p = path.replace(/^\.?\/+/, '');
  const base = p.split('/').pop() ?? '';
  if ((base === '.env' || base.startsWith('.env.')) && !ENV_EXAMPLES.test(base)) return '.env file';
  if (/(^|\/)\.aws\/credentials$/.test(p)) return 'AWS credentials file';
  if (/(^|\/)\.ssh\/id_(rsa|dsa|ecdsa|ed25519)(_sk)?$/.test(p)) return 'SSH private key';
  if (base === '.netrc' || base === '.git-credentials') return `${base} file`;
  return undefined;
}

/** The text with every credential pattern in it redacted, for evidence lines. */
export function redactAll(text: string): string {
  let out = text;
  for (const rule of CONTENT_RULES) out = out.replace(new RegExp(rule.re.source, rule.re.flags.includes('g') ? rule.re.flags : `${rule.re.flags}g`), (m) => redact(m));
  return out;
}

/** Environment variables whose name alone says they hold a cloud credential, when set to something. */
export const CREDENTIAL_ENV_NAMES = /^(AWS_SECRET_ACCESS_KEY|AWS_SESSION_TOKEN|GOOGLE_APPLICATION_CREDENTIALS_JSON|AZURE_CLIENT_SECRET|GITHUB_TOKEN|GH_TOKEN|NPM_TOKEN)$/;
