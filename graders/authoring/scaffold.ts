import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/*
 * `drydock lab new <id>`: a lab folder that passes `drydock lab test` as it
 * comes (a small Go service, its solution and one broken variant), so an
 * instructor changes a working lab instead of filling blanks. Every file says
 * what to change.
 */

const labYaml = (id: string) => `# The ${id} lab: what the grader checks and how many points each is worth.
# Reference: AUTHORING.md, "Writing a lab". Check it with: drydock lab test labs/${id}
id: ${id}
title: Containerize the ${id} service          # shown on the lab card and the lab page
# chapter: chapters/01-containers-and-images.md   # the chapter whose sections the feedback links to
summary: >-
  Write a multi-stage Dockerfile that ships the service as a small, non-root,
  distroless image that stops gracefully and rebuilds from cache.
images:
  toolchain: [golang:1.26-alpine]              # images build stages may start FROM
  allowedBases:                                # images the final stage may start FROM
    - gcr.io/distroless/static:nonroot
    - gcr.io/distroless/static-debian12:nonroot
thresholds:
  maxImageSizeMB: 25
  user: 65532
  gracePeriodSeconds: 10
  readiness: { path: /healthz, port: 8080, timeoutSeconds: 20 }
cache:
  sourceFile: main.go                          # the file the cache probe edits
  dependencyStep: go mod download              # must stay cached when only the source changes
  dependencyFiles: [go.mod, go.sum*]           # what that step reads, named in the feedback
# The checks this lab scores; leave one out to not run it. \`drydock grade --help\` lists them all.
points:
  build: 10
  size: 10
  distroless: 15
  user: 15
  exec-entrypoint: 15
  graceful-stop: 20
  cache-hit: 15
total: 100
`;

const handout = (id: string) => `# Containerize the ${id} service

<!-- The lab page students read. Say what to build, how it is graded and how to run the grader. -->

The starter folder holds a small Go HTTP service and a Dockerfile that works but ships badly.
Rewrite the Dockerfile so that the image is small, distroless, runs as user 65532, stops
cleanly on SIGTERM and rebuilds from cache when only \`main.go\` changes.

Grade your work locally:

\`\`\`bash
drydock grade ${id} .
\`\`\`
`;

const mainGo = (id: string) => `// The ${id} service: replace with the service your lab is about. The grader
// needs it to answer its readiness path and to stop on SIGTERM with exit 0.
package main

import (
\t"context"
\t"log"
\t"net/http"
\t"os/signal"
\t"syscall"
\t"time"
)

func main() {
\tctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
\tdefer stop()
\tmux := http.NewServeMux()
\tmux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\\n")) })
\tsrv := &http.Server{Addr: ":8080", Handler: mux}
\tgo func() {
\t\tif err := srv.ListenAndServe(); err != nil && err != http.ErrServerClosed {
\t\t\tlog.Fatal(err)
\t\t}
\t}()
\tlog.Print("${id}: listening on :8080")
\t<-ctx.Done()
\tshutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
\tdefer cancel()
\tlog.Print("${id}: draining")
\t_ = srv.Shutdown(shutdown)
}
`;

const starterDockerfile = (id: string) => `# A first attempt that works but ships badly: one stage, the whole toolchain, root.
FROM golang:1.26-alpine
WORKDIR /src
COPY . .
RUN go build -o /usr/local/bin/${id} .
EXPOSE 8080
CMD ["/usr/local/bin/${id}"]
`;

const solutionDockerfile = (id: string, user = '65532:65532') => `# The reference solution: never published; \`drydock lab test\` grades it for full marks.
FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum* ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/${id} .

FROM gcr.io/distroless/static:nonroot
COPY --from=build /out/${id} /${id}
USER ${user}
EXPOSE 8080
ENTRYPOINT ["/${id}"]
`;

export function scaffoldLab(parent: string, id: string): string[] {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(id)) throw new Error(`a lab id uses lowercase letters, digits and dashes, not "${id}"`);
  const root = join(parent, id);
  if (existsSync(root)) throw new Error(`${root} already exists`);
  const binary = id.replace(/-image$/, '');
  const files: Record<string, string> = {
    'lab.yaml': labYaml(id),
    'README.md': handout(id),
    'starter/Dockerfile': starterDockerfile(binary),
    'starter/.dockerignore': '.git\n*.md\nDockerfile\n',
    'starter/go.mod': `module example.com/${binary}\n\ngo 1.24\n`,
    'starter/main.go': mainGo(binary),
    'solution/Dockerfile': solutionDockerfile(binary),
    'variants/runs-as-root/Dockerfile': solutionDockerfile(binary, '0:0'),
    'variants/runs-as-root/expect.yaml': '# The solution with one mistake: the files here replace the solution\'s.\nmistake: the final image runs as root\nfails: [user]\n',
  };
  for (const [rel, text] of Object.entries(files)) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return Object.keys(files).map((f) => join(root, f));
}
