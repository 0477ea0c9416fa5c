/** An image reference split the way the engine resolves it. */
export interface ImageRef {
  /** Fully qualified repository: `docker.io/library/golang`, `gcr.io/distroless/static`. */
  name: string;
  /** The tag; `latest` when neither tag nor digest is written. */
  tag?: string;
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
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!/^[\w][\w.-]{0,127}$/.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  if (parts.some((p) => p === '')) return undefined;
  const first = parts[0];
  const hasRegistry = parts.length > 1 && (first.includes('.') || first.includes(':') || first === 'localhost');
  let name = hasRegistry ? rest : `docker.io/${parts.length === 1 ? 'library/' : ''}${rest}`;
  if (name.startsWith('index.docker.io/')) name = `docker.io/${name.slice('index.docker.io/'.length)}`;
  if (!/^[a-z0-9._:/-]+$/.test(name)) return undefined;
  return { name, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

/** The canonical text of a reference, so that `golang:1` and `docker.io/library/golang:1` compare equal. */
export function canonicalRef(raw: string): string | undefined {
  const r = parseImageRef(raw);
  return r && `${r.name}${r.tag ? `:${r.tag}` : ''}${r.digest ? `@${r.digest}` : ''}`;
}
