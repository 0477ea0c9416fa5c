/** An image reference split the way the engine resolves it. */
export interface ImageRef {
  /** Fully qualified repository: `docker.io/library/golang`, `gcr.io/distroless/static`. */
  name: string;
  /** The tag as written; `latest` when neither tag nor digest is written. */
  tag?: string;
  /** Was a tag written (`golang:1` yes, `golang` and `golang@sha256:…` no)? */
  tagWritten: boolean;
  digest?: string;
}

/**
 * Parses `golang:1.26-alpine`, `gcr.io/x/y:tag@sha256:…`, `localhost:5000/a`
 * with Docker's rules: a first component with a dot, a colon or `localhost`
 * is a registry; otherwise the image lives on Docker Hub (and a one-part name
 * under `library/`). Returns undefined for what is not a reference.
 */
export function parseImageRef(raw: string): ImageRef | undefined {
  let rest = raw.trim();
  if (!rest || /\s/.test(rest) || rest.includes('$')) return undefined;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!/^[a-z0-9]+:[a-f0-9]{32,}$/.test(digest)) return undefined;
  }
  const split = splitTag(rest);
  const tag = split.tag;
  rest = split.repo;
  if (tag !== undefined && !/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  const parts = rest.split('/');
  if (parts.some((p) => p === '')) return undefined;
  const first = parts[0];
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let name = hasRegistry ? rest : `docker.io/${parts.length === 1 ? 'library/' : ''}${rest}`;
  if (name.startsWith('index.docker.io/')) name = `docker.io/${name.slice('index.docker.io/'.length)}`;
  if (!/^[a-z0-9._:/-]+$/.test(name)) return undefined;
  return { name, tag: tag ?? (digest ? undefined : 'latest'), tagWritten: tag !== undefined, digest };
}

/** The canonical text of a reference, so that `golang:1` and `docker.io/library/golang:1` compare equal. */
export function canonicalRef(raw: string): string | undefined {
  const r = parseImageRef(raw);
  return r && `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}

/** `localhost:5000/a:1` → repository `localhost:5000/a`, tag `1`: the tag is after the last colon that follows the last slash. */
export function splitTag(ref: string): { repo: string; tag?: string } {
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  return colon > lastSlash ? { repo: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repo: ref };
}

/** The reference as written, with `:latest` added when it names neither a tag nor a digest (as the engine reads it). */
export function withDefaultTag(ref: string): string {
  return ref.includes('@') || splitTag(ref).tag !== undefined ? ref : `${ref}:latest`;
}
