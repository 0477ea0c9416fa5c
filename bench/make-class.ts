import { appendFileSync, cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const LAB = join(ROOT, 'labs/catalog-image');
const FIXTURES = join(ROOT, 'test/fixtures/submissions');
/** A realistic mix: mostly right, some classic mistakes. */
export const KINDS = ['solution', 'copy-before-download', 'solution', 'runs-as-root', 'solution', 'oversized'];

/**
 * Three common spellings of a right Dockerfile for the catalog lab: the
 * reference, one with a named builder stage, ENV and a go.* glob, and one that
 * copies the sources by name and builds to another path. Each gets full marks.
 */
export const RIGHT_DOCKERFILES: Record<string, string> = {
  reference: '', // filled from the lab's solution
  builder: `FROM golang:1.26-alpine AS builder
ENV CGO_ENABLED=0 GOOS=linux
WORKDIR /app
COPY go.* ./
RUN go mod download
COPY . .
RUN go build -trimpath -ldflags="-s -w" -o /bin/catalog .

FROM gcr.io/distroless/static:nonroot
COPY --from=builder /bin/catalog /catalog
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/catalog"]
`,
  byname: `# syntax=docker/dockerfile:1
FROM golang:1.26-alpine AS build
WORKDIR /go/src/catalog
COPY go.mod ./
RUN go mod download
COPY *.go ./
RUN CGO_ENABLED=0 go build -o /out/app .

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/app /catalog
USER 65532:65532
ENTRYPOINT ["/catalog"]
`,
};

/**
 * A realistic right class: n students, each the starter with its own main.go
 * edit (so nobody shares a compile) and one of the three right Dockerfiles.
 */
export function makeRightClass(prefix: string, n: number, from = 0): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-`));
  const spellings = Object.keys(RIGHT_DOCKERFILES);
  for (let i = from; i < from + n; i++) {
    const s = join(dir, `student${String(i).padStart(2, '0')}`);
    mkdirSync(s);
    cpSync(join(LAB, 'starter'), s, { recursive: true });
    const spelling = spellings[i % spellings.length];
    if (spelling === 'reference') cpSync(join(LAB, 'solution/Dockerfile'), join(s, 'Dockerfile'));
    else writeFileSync(join(s, 'Dockerfile'), RIGHT_DOCKERFILES[spelling]);
    appendFileSync(join(s, 'main.go'), `\n// student ${i} ${process.hrtime.bigint()}\n`);
  }
  return dir;
}

/**
 * A fresh class of n catalog submissions for one benchmark mode, each with a
 * unique line in main.go, so no mode profits from another's compiles.
 */
export function makeClass(prefix: string, mode: string, n: number): string {
  const dir = mkdtempSync(join(tmpdir(), `${prefix}-${mode}-`));
  for (let i = 0; i < n; i++) {
    const s = join(dir, `student${String(i).padStart(2, '0')}`);
    mkdirSync(s);
    cpSync(join(LAB, 'starter'), s, { recursive: true });
    const kind = KINDS[i % KINDS.length];
    cpSync(kind === 'solution' ? join(LAB, 'solution/Dockerfile') : join(FIXTURES, kind, 'Dockerfile'), join(s, 'Dockerfile'));
    appendFileSync(join(s, 'main.go'), `\n// ${mode} ${i} ${process.hrtime.bigint()}\n`);
  }
  return dir;
}
