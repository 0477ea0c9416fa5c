import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes a synthetic course of `n` chapters of about 6 KB each, using every
 * construct: tables, code in several languages, an ASCII figure, a Mermaid
 * diagram (a handful of distinct ones, as real books repeat few), callouts
 * and answer drawers.
 */
export function generateCourse(root: string, n: number, opts: { frontMatter?: 'drydock' | 'plain' } = {}): void {
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'chapters'), { recursive: true });
  for (let i = 1; i <= n; i++) {
    const id = String(i).padStart(3, '0');
    const next = i < n ? `${String(i + 1).padStart(3, '0')}-chapter.md` : '001-chapter.md';
    const para = (k: number) =>
      `Chapter ${i} paragraph ${k}: a container is a process with namespaces for isolation and cgroups for limits; the image is a stack of content-addressed layers named by digest, pulled only when missing. Keep layer order stable so rebuilds stay cached, and ship distroless images as a non-root user.`;
    const body = `${opts.frontMatter === 'plain' ? `---\ntitle: "Chapter ${i}"\n---\n` : `---\ntitle: Chapter ${i}\nsummary: Generated chapter ${i} for the benchmark.\ntime: 10 min\nlevel: intermediate\noutcomes: [read, build]\n---\n`}
## Overview ${i}

${para(1)}

${para(2)} See [the next chapter](${next}#overview-${i < n ? i + 1 : 1}).

| Namespace | Isolates | Seen inside |
|-----------|----------|-------------|
| pid | process ids | own tree |
| net | network | own interfaces |
| mnt | mounts | own root |
| uts | hostname | own name |

\`\`\`dockerfile
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -o /out/app .
FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/app /app
USER 65532:65532
ENTRYPOINT ["/app"]
\`\`\`

## Details ${i}

${para(3)}

\`\`\`bash
docker build -t catalog:${i} .
docker run --rm -p 8080:8080 catalog:${i}
curl -s localhost:8080/healthz
\`\`\`

\`\`\`go
func handler(w http.ResponseWriter, r *http.Request) {
\tw.Header().Set("Content-Type", "application/json")
\tfmt.Fprintf(w, \`{"chapter": ${i}}\`)
}
\`\`\`

\`\`\`ascii title="Flow ${i}"
┌──────────┐    ┌──────────┐    ┌──────────┐
│  source  │ -> │  image   │ -> │ runtime  │
└──────────┘    └──────────┘    └──────────┘
\`\`\`

\`\`\`mermaid
sequenceDiagram
    participant A as Agent
    participant R as Registry
    A->>R: GET manifest ${i % 4}
    R-->>A: layers
\`\`\`

:::note
${para(4)}
:::

${para(5)}

1. What does chapter ${i} say about layers?

:::details[Show answer]
${para(6)}
:::

## Summary ${i}

${para(7)}

${para(8)} ${para(9)}

| Check | Why it matters | Where to read |
|-------|----------------|---------------|
| size | pull time and attack surface | multi-stage builds |
| user | least privilege | the USER line |
| entrypoint | signals reach PID 1 | exec form |
| cache | fast rebuilds after edits | layer order |

${para(10)} ${para(11)}

:::warning
${para(12)}
:::

${para(13)} ${para(14)}
`;
    writeFileSync(join(root, 'chapters', `${id}-chapter.md`), body);
  }
}
