// Chapter 01 shows real commands with their real output. Every output block marked
// `captured=<name>` must match chapters/captured/<name>.txt, which
// scripts/capture-chapter-outputs.sh rewrites by re-running the commands on a Docker 28 engine
// (containerd image store, BuildKit); chapters/captured/MANIFEST records, per file, the engine
// that made it and the file's sha256, so a file edited by hand or captured elsewhere fails here.
// The captured files must also still support what the prose and the quizzes say about them.
// Nothing here needs Docker.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/helpers';

const CHAPTER_FILE = join(ROOT, 'chapters/01-containers-and-images.md');
const CAPTURED = join(ROOT, 'chapters/captured');
const chapter = readFileSync(CHAPTER_FILE, 'utf8');
const captured = (name: string) => readFileSync(join(CAPTURED, `${name}.txt`), 'utf8');
const capturedNames = readdirSync(CAPTURED).filter((f) => f.endsWith('.txt')).map((f) => f.slice(0, -4)).sort();

/** The output blocks of the chapter that say which captured file they show. */
const blocks = [...chapter.matchAll(/^```text\b([^\n]*)\n([\s\S]*?)^```$/gm)]
  .map((m) => ({ name: /\bcaptured=([\w-]+)/.exec(m[1]!)?.[1], body: m[2]!, line: chapter.slice(0, m.index).split('\n').length }))
  .filter((b): b is { name: string; body: string; line: number } => b.name !== undefined);

/** One MANIFEST line: `name sha256 engine=… store=… builder=… cgroup=… standins=…`. */
export function parseManifest(text: string): Map<string, { sha256: string; fields: Record<string, string> }> {
  const entries = new Map<string, { sha256: string; fields: Record<string, string> }>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [name = '', sha256 = '', ...rest] = line.trim().split(/\s+/);
    entries.set(name, { sha256, fields: Object.fromEntries(rest.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])) });
  }
  return entries;
}

/** Why a captured file is not a Docker 28 BuildKit capture of the containerd store, or undefined when it is. */
export function captureProblem(entry: { sha256: string; fields: Record<string, string> } | undefined, text: string): string | undefined {
  if (!entry) return 'not in chapters/captured/MANIFEST: it was not written by the capture script';
  if (createHash('sha256').update(text).digest('hex') !== entry.sha256) return 'its sha256 is not the one the capture script recorded: edited by hand?';
  if (!/^28\./.test(entry.fields.engine ?? '')) return `captured on Docker ${entry.fields.engine ?? '?'}, not 28`;
  if (entry.fields.store !== 'containerd') return `captured on the ${entry.fields.store ?? '?'} image store, not containerd`;
  if (entry.fields.builder !== 'buildkit') return `built with ${entry.fields.builder ?? '?'}, not BuildKit`;
  return undefined;
}

/**
 * What may differ between two runs of the same commands: ids, digests, PIDs, namespace inodes,
 * published host ports, clock times, BuildKit's step numbers and exact durations. Each distinct
 * value becomes a numbered placeholder in order of appearance, so "the same digest twice" and
 * "the step marked CACHED is this step" still have to hold. Durations keep their scale (under
 * 3 s, or whole seconds), so "stopped at once" and "waited out the grace period" cannot swap.
 * PIDs are the leading numbers of `ps`/`docker top` rows (whose column widths follow them) and
 * the output of a command that prints `.State.Pid`.
 */
export function normalise(text: string): string {
  const seen = new Map<string, Map<string, string>>();
  const name = (kind: string, value: string) => {
    const m = seen.get(kind) ?? seen.set(kind, new Map()).get(kind)!;
    if (!m.has(value)) m.set(value, `<${kind}${m.size + 1}>`);
    return m.get(value)!;
  };
  const KEEP = new Set(['0', '65532']); // root and nonroot in a USER column
  const pid = (n: string) => (KEEP.has(n) ? n : name('pid', n));
  let command = '';
  let table = false;
  const lines = text.split('\n').map((line) => {
    if (line.startsWith('$ ')) {
      command = line;
      table = false;
      return line;
    }
    if (/^\s*(USER|UID|PID)\s.*\b(PID|COMMAND|CMD)\b/.test(line)) {
      table = true;
      return line.trim().replace(/\s+/g, ' ');
    }
    if (table) {
      const [, lead = '', rest = ''] = /^\s*((?:\d+\s+)*)(.*)$/.exec(line) ?? [];
      return [...lead.trim().split(/\s+/).filter(Boolean).map(pid), rest.replace(/\s+/g, ' ')].join(' ');
    }
    if (command.includes('.State.Pid') && /^\d+$/.test(line.trim())) return pid(line.trim());
    return line;
  });
  return lines
    .join('\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d/g, '<time>')
    .replace(/\(took (\d+)\.\d+ s\)/g, (_, s: string) => `(took ${Number(s) < 3 ? 'under 3' : s} s)`)
    .replace(/^#(\d+) /gm, (_, n: string) => `${name('step', n)} `)
    .replace(/sha256:[0-9a-f]{64}\b/g, (d) => name('digest', d))
    .replace(/\b[0-9a-f]{64}\b/g, (d) => name('id', d))
    .replace(/\b[0-9a-f]{12}\b/g, (d) => name('id', d))
    .replace(/\b(pid|net|mnt|uts|ipc|cgroup|user|time):\[(\d+)\]/g, (_, k: string, n: string) => `${k}:[${name('ns', n)}]`)
    .replace(/(0\.0\.0\.0|\[::\]):\d+/g, (_, a: string) => `${a}:<port>`);
}

const manifest = parseManifest(existsSync(join(CAPTURED, 'MANIFEST')) ? readFileSync(join(CAPTURED, 'MANIFEST'), 'utf8') : '');

describe('chapter 01 ↔ chapters/captured', () => {
  it('embeds captured output blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(20);
  });

  it.each(blocks.map((b) => [`${b.name} (chapter line ${b.line})`, b] as const))('%s matches its captured file', (_, b) => {
    expect(capturedNames, `chapters/captured/${b.name}.txt is missing: run scripts/capture-chapter-outputs.sh ${b.name}`).toContain(b.name);
    expect(normalise(b.body)).toBe(normalise(captured(b.name)));
  });

  it.each(capturedNames)('%s.txt is a Docker 28 capture (containerd store, BuildKit), unedited', (name) => {
    expect(captureProblem(manifest.get(name), captured(name))).toBeUndefined();
  });

  it('shows every captured file somewhere, and each only once', () => {
    expect(capturedNames.filter((n) => !blocks.some((b) => b.name === n))).toEqual([]);
    expect(blocks.map((b) => b.name).filter((n, i, all) => all.indexOf(n) !== i)).toEqual([]);
  });

  it('says beside the engine block which base images were stand-ins', () => {
    const standins = new Set([...manifest.values()].flatMap((e) => (e.fields.standins ?? 'none').split(',')).filter((s) => s !== 'none'));
    const where = chapter.indexOf('captured=engine');
    const near = chapter.slice(where, where + 1500);
    for (const image of standins) expect(near, image).toContain(`\`${image}\``);
    expect(near).toMatch(/stand-ins/);
  });

  it('tells a Docker 28 capture from anything else', () => {
    const text = 'x\n';
    const sha256 = createHash('sha256').update(text).digest('hex');
    const good = { sha256, fields: { engine: '28.5.2+dfsg4', store: 'containerd', builder: 'buildkit' } };
    expect(captureProblem(good, text)).toBeUndefined();
    expect(captureProblem(undefined, text)).toMatch(/not in chapters\/captured\/MANIFEST/);
    expect(captureProblem(good, 'x\ny\n')).toMatch(/edited by hand/);
    expect(captureProblem({ ...good, fields: { ...good.fields, engine: '20.10.24+dfsg1' } }, text)).toMatch(/not 28/);
    expect(captureProblem({ ...good, fields: { ...good.fields, store: 'classic' } }, text)).toMatch(/not containerd/);
    expect(captureProblem({ ...good, fields: { ...good.fields, builder: 'classic' } }, text)).toMatch(/not BuildKit/);
    expect(parseManifest(`# header\ncgroups ${sha256} engine=28.1 store=containerd builder=buildkit\n`).get('cgroups')).toEqual({ sha256, fields: { engine: '28.1', store: 'containerd', builder: 'buildkit' } });
  });

  it('normalises what changes between runs, and nothing that carries meaning', () => {
    const a = `sha256:${'a'.repeat(64)}\nsha256:${'a'.repeat(64)}\n(took 10.22 s)\n8080/tcp -> 0.0.0.0:32768\n`;
    const b = `sha256:${'b'.repeat(64)}\nsha256:${'b'.repeat(64)}\n(took 10.71 s)\n8080/tcp -> 0.0.0.0:49153\n`;
    expect(normalise(a)).toBe(normalise(b));
    const top = (p: number, q: number) => `$ ps -o pid,ppid,stat,comm\n  PID  PPID STAT COMMAND\n${String(p).padStart(5)} ${String(q).padStart(5)} Z    sleep 600\n$ echo\n`;
    expect(normalise(top(838, 812))).toBe(normalise(top(25234, 25183)));
    expect(normalise(top(838, 812))).not.toBe(normalise(top(838, 838))); // same PID twice must stay the same
    expect(normalise(top(838, 812))).toContain('sleep 600'); // numbers after the PID columns are kept
    expect(normalise(top(838, 812).replace(' Z ', ' S '))).not.toBe(normalise(top(838, 812)));
    expect(normalise("$ docker inspect -f '{{.State.Pid}}' c\n838\n")).toBe(normalise("$ docker inspect -f '{{.State.Pid}}' c\n31325\n"));
    expect(normalise("$ docker inspect c --format '{{.State.ExitCode}}'\n0\n")).not.toBe(normalise("$ docker inspect c --format '{{.State.ExitCode}}'\n2\n"));
    expect(normalise('(took 0.21 s)')).not.toBe(normalise('(took 10.21 s)'));
    expect(normalise(`sha256:${'a'.repeat(64)}\nsha256:${'a'.repeat(64)}`)).not.toBe(normalise(`sha256:${'a'.repeat(64)}\nsha256:${'b'.repeat(64)}`));
    expect(normalise('exit 137')).not.toBe(normalise('exit 143'));
    // BuildKit's step numbers vary; which step is CACHED does not.
    expect(normalise('#9 [build 4/6] RUN go mod download\n#9 CACHED\n')).toBe(normalise('#11 [build 4/6] RUN go mod download\n#11 CACHED\n'));
    expect(normalise('#9 [build 4/6] RUN go mod download\n#9 CACHED\n#10 [build 5/6] COPY . .\n')).not.toBe(
      normalise('#9 [build 4/6] RUN go mod download\n#10 CACHED\n#10 [build 5/6] COPY . .\n'),
    );
    expect(normalise('8080/tcp -> 127.0.0.1:8086')).not.toBe(normalise('8080/tcp -> 0.0.0.0:8086'));
  });
});

const took = (text: string) => [...text.matchAll(/\(took (\d+\.\d+) s\)/g)].map((m) => Number(m[1]));
/** The output lines that follow the first command line containing `command`. */
const outputOf = (text: string, command: string) => {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith('$ ') && l.includes(command));
  expect(i, `no command containing ${command}`).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(i + 1);
  const end = rest.findIndex((l) => l.startsWith('$ '));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n');
};
/** BuildKit's --progress=plain lines, as step name → CACHED or not. */
const cachedSteps = (text: string) => {
  const names = new Map<string, string>();
  const cached = new Set<string>();
  for (const line of text.split('\n')) {
    const step = /^#(\d+) \[([^\]]+)\] (.*)$/.exec(line);
    if (step) names.set(step[1]!, step[3]!);
    const hit = /^#(\d+) CACHED$/.exec(line);
    if (hit) cached.add(hit[1]!);
  }
  return (instruction: string) => {
    const id = [...names].find(([, text]) => text.startsWith(instruction))?.[0];
    expect(id, `no step ${instruction}`).toBeDefined();
    return cached.has(id!);
  };
};

/**
 * BuildKit's label for each step of a Dockerfile, `[<stage> i/n]` without brackets → the
 * instruction as written. Stages are named by `AS` or `stage-<index>`. Only instructions that
 * change the filesystem are steps (FROM, except FROM scratch, RUN, COPY, ADD, WORKDIR); USER,
 * EXPOSE, ENTRYPOINT and the like only set the image's config. Comments, blank lines and
 * continuations are not steps.
 */
const stepLabels = (dockerfile: string) => {
  const stages: { name: string; steps: string[] }[] = [];
  for (const line of dockerfile.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim())) {
    if (!line || line.startsWith('#')) continue;
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?$/i.exec(line);
    if (from) stages.push({ name: from[2] ?? `stage-${stages.length}`, steps: [] });
    if (from ? from[1] !== 'scratch' : /^(RUN|COPY|ADD|WORKDIR)\s/i.test(line)) stages.at(-1)?.steps.push(line);
  }
  return new Map<string, string>(stages.flatMap((s) => s.steps.map((step, i) => [`${s.name} ${i + 1}/${s.steps.length}`, step] as const)));
};

describe('what the captured output shows, as the chapter says', () => {
  it('was captured on Docker 28 with the containerd store, BuildKit and cgroup v1, as the chapter says', () => {
    const t = captured('engine');
    expect(t).toMatch(/engine 28\.\d+/);
    expect(t).toMatch(/cgroup v1, storage overlayfs/);
    expect(t).toMatch(/github\.com\/docker\/buildx/);
    expect(chapter).toMatch(/cgroup v1/);
  });

  it('the catalog image is a few megabytes, runs /catalog as 65532 and records port 8080', () => {
    const t = captured('image');
    const size = /bookstore\/catalog:dev\s+([\d.]+)MB/.exec(t)?.[1];
    expect(Number(size)).toBeGreaterThan(1);
    expect(Number(size)).toBeLessThan(10);
    expect(t).toContain('Entrypoint=[/catalog] Cmd=[] User=65532:65532 Exposed=map[8080/tcp:{}]');
  });

  it('the catalog with its handler stops at once, drains and exits 0', () => {
    const t = captured('stop-exec');
    expect(took(t)[0]).toBeLessThan(3);
    expect(outputOf(t, '.State.ExitCode').trim()).toBe('0');
    expect(t).toContain('shutdown signal received');
    expect(t).toContain('shutdown complete');
  });

  it('a Go program without a handler: status 2 as PID 1, 143 (death by SIGTERM) under --init', () => {
    const t = captured('no-handler');
    const [asPid1, underInit] = took(t);
    expect(asPid1).toBeLessThan(3);
    expect(underInit).toBeLessThan(3);
    expect(outputOf(t, "inspect plain --format '{{.State.ExitCode}}'").trim()).toBe('2');
    expect(outputOf(t, 'docker top plain-init').split('\n')[1]).toMatch(/docker-init -- \/plain$/);
    expect(outputOf(t, "inspect plain-init --format '{{.State.ExitCode}}'").trim()).toBe('143');
    expect(chapter).toMatch(/exited at once with status 2/);
    expect(chapter).toMatch(/the init reports 143/);
  });

  it('dash as PID 1 ignores SIGTERM: the full grace period, then SIGKILL and 137', () => {
    const t = captured('stop-sh');
    expect(outputOf(t, 'docker top').split('\n')[1]).toMatch(/\d+\s+sh -c \/catalog; echo catalog exited$/);
    expect(took(t)[0]).toBeGreaterThanOrEqual(10);
    expect(outputOf(t, '.State.ExitCode').trim()).toBe('137');
    expect(t).not.toContain('shutdown signal received');
    expect(outputOf(t, 'docker logs')).not.toContain('catalog exited');
  });

  it('under --init the shell dies of SIGTERM at once (143), and the catalog still never drains', () => {
    const t = captured('stop-sh-init');
    expect(outputOf(t, 'docker top').split('\n')[1]).toMatch(/docker-init -- sh -c/);
    expect(took(t)[0]).toBeLessThan(3);
    expect(outputOf(t, '.State.ExitCode').trim()).toBe('143');
    expect(t).not.toContain('shutdown signal received');
  });

  it('BusyBox and bash exec the last command of a list; dash does not', () => {
    const t = captured('shells');
    expect(outputOf(t, "debian:trixie-slim sh -c 'echo starting")).toContain('sh -c echo starting; cat /proc/1/cmdline');
    expect(outputOf(t, 'busybox:1.37 sh').trim().split('\n').at(-1)!.trim()).toBe('cat /proc/1/cmdline');
    expect(outputOf(t, 'debian:trixie-slim bash').trim().split('\n').at(-1)!.trim()).toBe('cat /proc/1/cmdline');
    expect(outputOf(t, "debian:trixie-slim sh -c 'cat /proc/1/cmdline'").trim()).toBe('sh -c cat /proc/1/cmdline');
    const bb = captured('stop-busybox');
    expect(outputOf(bb, 'docker top').split('\n')[1]).toMatch(/\d+\s+\/catalog$/);
    expect(took(bb)[0]).toBeLessThan(3);
    expect(outputOf(bb, '.State.ExitCode').trim()).toBe('0');
  });

  it('a PID 1 that never waits leaves a zombie; --init reaps it', () => {
    const t = captured('zombie');
    expect(outputOf(t, 'ps -o pid,ppid,stat,comm --ppid $(docker inspect -f \'{{.State.Pid}}\' reaper)')).toMatch(/ Z +sleep/);
    const withInit = outputOf(t, "reaper-init)");
    expect(outputOf(t, 'docker top reaper-init')).toContain('docker-init');
    expect(withInit).not.toMatch(/ Z +sleep/);
    expect(t).toContain('$ docker rm -f reaper reaper-init');
  });

  it('limits are cgroup v1 files; without flags there is no memory, CPU or process limit', () => {
    const t = captured('cgroups');
    expect(t).toContain('memory.limit_in_bytes:268435456');
    expect(t).toContain('cpu.cfs_quota_us:100000');
    expect(t).toContain('cpu.cfs_period_us:100000');
    expect(t).toContain('pids.max:128');
    expect(t).toContain('pids.max:max');
    expect(t).toContain('cpu.cfs_quota_us:-1');
    // cgroup v2 is shown first, as a command the reader runs, and said not to be captured here.
    expect(chapter.indexOf('/sys/fs/cgroup/memory.max')).toBeLessThan(chapter.indexOf('captured=cgroups'));
    expect(chapter).toContain('it is not captured: this book\'s machine is cgroup v1');
  });

  it('going over the memory limit is an OOM kill: 137 and OOMKilled=true', () => {
    const t = captured('oom');
    expect(t).toContain('head -c 300m');
    expect(t).toContain('exit status 137');
    expect(t).toContain('ExitCode=137 OOMKilled=true');
  });

  it('EXPOSE alone publishes nothing; -P publishes the exposed port', () => {
    const t = captured('expose');
    expect(t).toContain('(0 published ports)');
    expect(t).toMatch(/8080\/tcp -> 0\.0\.0\.0:\d+/);
  });

  it('the writable layer stays with its container and goes with rm, and every step is shown', () => {
    const t = captured('writable-layer');
    expect(outputOf(t, 'docker diff notes')).toContain('A /note.txt');
    expect(outputOf(t, 'docker start -a notes').trim().split('\n')).toEqual(['kept', 'kept']);
    const runs = t.split(/^\$ docker run --name notes .*$/m).slice(1);
    expect(runs).toHaveLength(2);
    expect(runs[1]!.trim().split('\n')[0]).toBe('kept');
    expect(runs[1]!.trim().split('\n')[1]).toBe('$ docker rm notes');
    expect((t.match(/^\$ docker rm notes$/gm) ?? []).length).toBe(2);
  });

  it('the catalog image is one layer, the binary, and BuildKit records no #(nop) steps', () => {
    const t = captured('layers');
    expect(t).not.toContain('#(nop)');
    expect(t).toMatch(/MB\tCOPY \/out\/catalog \/catalog # buildkit/);
    expect(t).toMatch(/0B\tUSER 65532:65532/);
    expect(outputOf(t, 'RootFS.Layers').trim().split('\n')).toHaveLength(1);
  });

  it('sizes: unpacked and compressed differ, and docker system df -v shows shared and unique sizes', () => {
    const t = captured('sizes');
    const unpacked = Number(outputOf(t, 'docker history').trim());
    const content = Number(outputOf(t, "inspect bookstore/catalog:dev --format '{{.Size}}'").trim());
    const gzipped = Number(outputOf(t, 'gzip | wc -c').trim());
    // On the containerd store, inspect's Size is the stored (compressed) content, as the chapter says.
    expect(unpacked).toBeGreaterThan(content * 1.3);
    expect(Math.abs(content - gzipped) / gzipped).toBeLessThan(0.2);
    expect(t).toMatch(/SHARED SIZE\s+UNIQUE SIZE/);
    expect(t).toMatch(/^bookstore\/catalog\s+on-debian/m);
  });

  it('a file deleted in a later step is still in an earlier layer', () => {
    const t = captured('secret-layer');
    expect(outputOf(t, 'docker run --rm leaky:dev ls /app').trim()).toBe('');
    expect(t).toContain('token=do-not-ship-me');
    expect(t).toMatch(/found in layer [0-9a-f]{8}/);
  });

  it('ENTRYPOINT is the program, CMD its default arguments', () => {
    const t = captured('entrypoint-cmd');
    expect(outputOf(t, 'docker run --rm greeter:dev').split('\n')[0]).toBe('catalog says hello');
    expect(t).toContain('catalog says goodbye');
  });

  it('after an edit to main.go, BuildKit takes the steps above COPY . . from the cache', () => {
    const cached = cachedSteps(captured('cache-rebuild'));
    for (const s of ['COPY go.mod go.sum* ./', 'RUN go mod download']) expect(cached(s), s).toBe(true);
    for (const s of ['COPY . .', 'RUN CGO_ENABLED=0']) expect(cached(s), s).toBe(false);
  });

  it('names each step of a captured catalog build as the chapter\'s Dockerfile does ([build i/6], no other Dockerfile\'s labels)', () => {
    const dockerfile = /^```dockerfile title="Dockerfile"\n([\s\S]*?)^```$/m.exec(chapter)?.[1] ?? '';
    const labels = stepLabels(dockerfile);
    expect(labels.get('build 2/6')).toBe('WORKDIR /src');
    for (const text of [captured('cache-rebuild'), outputOf(captured('quiz-answers'), 'touch main.go')]) {
      const shown = [...text.matchAll(/^#\d+ \[((?:build|stage-\d+) \d+\/\d+)\] (.*)$/gm)];
      expect(shown.length).toBeGreaterThanOrEqual(7);
      for (const [, label, step] of shown) {
        expect(labels.has(label!), `[${label}] is not a step of the chapter's Dockerfile`).toBe(true);
        const want = labels.get(label!)!;
        // BuildKit prints FROM with the image resolved to a digest.
        if (want.startsWith('FROM ')) expect(step, label).toMatch(/^FROM docker\.io\/library\/golang:1\.26-alpine@sha256:/);
        else expect(step, label).toBe(want);
      }
    }
    expect(labels.get('stage-1 1/1')).toBe('COPY --from=build /out/catalog /catalog');
    // The labels another Dockerfile would give the shared steps are told apart.
    const plain = stepLabels('FROM golang:1.26-alpine AS build\nWORKDIR /src\nCOPY main.go .\nRUN go build\n\nFROM scratch\nCOPY --from=build /out/plain /plain\nUSER 65532:65532\nENTRYPOINT ["/plain"]\n');
    expect([...plain.keys()]).toEqual(['build 1/4', 'build 2/4', 'build 3/4', 'build 4/4', 'stage-1 1/1']);
    expect(labels.has('build 2/4')).toBe(false);
  });

  it('the catalog runs under a host PID, as UID 65532, in namespaces of its own', () => {
    const t = captured('host-view');
    expect(t).toMatch(/65532\s+\d+\s+\d+\s+\/catalog/);
    for (const ns of ['pid', 'net', 'mnt', 'uts', 'ipc']) {
      const m = new RegExp(`^${ns}: catalog (\\S+)  this shell (\\S+)$`, 'm').exec(t);
      expect(m, ns).not.toBeNull();
      expect(m![1], ns).not.toBe(m![2]);
    }
  });

  it('the engine answers each end-of-chapter quiz as its right option says', () => {
    const t = captured('quiz-answers');
    const [busybox, sigint, init] = took(t);
    // A BusyBox base with a builtin last: the shell stays PID 1, so 10 s and 137.
    expect(busybox).toBeGreaterThanOrEqual(10);
    expect(outputOf(t, "inspect q-busybox --format '{{.State.ExitCode}}'").trim()).toBe('137');
    // STOPSIGNAL SIGINT: the catalog handles it, drains at once.
    expect(sigint).toBeLessThan(3);
    expect(outputOf(t, 'inspect q-sigint').trim().split('\n')).toEqual(['0', 'shutdown signal received', 'shutdown complete']);
    // The catalog's handler under --init: forwarded, drained, 0.
    expect(init).toBeLessThan(3);
    expect(outputOf(t, 'inspect q-init').trim().split('\n')).toEqual(['0', 'shutdown signal received', 'shutdown complete']);
    // -p 127.0.0.1:…: loopback only.
    expect(outputOf(t, 'docker port q-local').trim()).toBe('8080/tcp -> 127.0.0.1:8086');
    expect(outputOf(t, 'curl -s 127.0.0.1:8086').trim()).toBe('{"status":"ok"}');
    expect(outputOf(t, 'hostname -I').trim()).toMatch(/^curl exit [1-9]\d*$/);
    // touch main.go: nothing runs again.
    const cached = cachedSteps(outputOf(t, 'touch main.go'));
    for (const s of ['COPY . .', 'RUN CGO_ENABLED=0', 'COPY --from=build /out/catalog /catalog']) expect(cached(s), s).toBe(true);
    const right = (title: string) => new RegExp(`:::quiz\\[${title}\\][\\s\\S]*?^- \\[x\\] (.*)$`, 'm').exec(chapter)?.[1] ?? '';
    expect(right('A BusyBox base')).toMatch(/137/);
    expect(right('STOPSIGNAL SIGINT')).toMatch(/exit code 0/);
    expect(right('A handler under --init')).toMatch(/exit code 0/);
    expect(right('Publishing on one address')).toMatch(/loopback/);
    expect(right('Touching a file')).toMatch(/CACHED/);
  });
});

describe('the chapter as text', () => {
  const prose = chapter
    .replace(/^---\n[\s\S]*?\n---\n/, '')
    .replace(/^```[\s\S]*?^```$/gm, ' ')
    .replace(/^:::.*$/gm, ' ');

  it('states a reading time that matches its prose (about 230 words a minute)', () => {
    const words = prose.split(/\s+/).filter((w) => /\w/.test(w)).length;
    const stated = Number(/^time: (\d+) min reading/m.exec(chapter)?.[1]);
    expect(Math.abs(stated - words / 230), `${words} words`).toBeLessThanOrEqual(2);
  });

  it('builds before it explains: the first build comes before the theory sections', () => {
    expect(chapter.indexOf('captured=image')).toBeLessThan(chapter.indexOf('## The picture to keep in your head'));
    expect(chapter.indexOf('captured=stop-exec')).toBeLessThan(chapter.indexOf('## Under the hood'));
  });

  it('asks the reader to predict before each key captured block', () => {
    for (const name of ['image', 'stop-exec', 'host-view', 'oom', 'layers', 'sizes', 'writable-layer', 'secret-layer', 'cache-rebuild', 'expose', 'no-handler', 'shells', 'stop-sh', 'stop-sh-init']) {
      const at = chapter.indexOf(`captured=${name}`);
      const before = chapter.slice(chapter.lastIndexOf('\n```', at - 1) - 1200, at);
      expect(before, name).toMatch(/Predict/);
    }
  });

  it('says beside the docker save loop that its blobs/sha256 layout needs Docker 25', () => {
    // The chapter asks for Engine 23 or newer; docker save writes the OCI layout only from 25.
    const at = chapter.indexOf('captured=secret-layer');
    const loop = chapter.indexOf('saved/blobs/sha256/*', at);
    expect(loop).toBeGreaterThan(at);
    const before = chapter.slice(chapter.lastIndexOf('\n```', at - 1) - 600, at);
    expect(before).toMatch(/Docker 25 or newer/);
    expect(before).toMatch(/layer\.tar/); // and what to loop over on 23 and 24
  });

  it('states Kubernetes\' default pull policy as its defaulting does: by the tag, so :latest@sha256 is still Always', () => {
    // pkg/apis/core/v1/defaults.go: Always when the parsed tag is "latest" (also when there is
    // neither tag nor digest), otherwise IfNotPresent. A digest beside :latest changes nothing.
    const para = chapter.slice(chapter.indexOf('**Pull policy.**'), chapter.indexOf('**Private registries.**'));
    const sentences = para.replace(/\s+/g, ' ').split(/(?<=[.;:]) /);
    const about = (ref: string) => sentences.filter((x) => x.includes(ref)).join(' ');
    expect(about('`name:latest@sha256:…`')).toMatch(/gets `Always`/);
    expect(about('`name@sha256:…`')).toMatch(/`IfNotPresent`/);
    expect(about('`:latest`')).toMatch(/`Always`/);
    expect(para).not.toMatch(/with or without a tag/);
  });

  it('inlines every Dockerfile and program the capture script builds', () => {
    const script = readFileSync(join(ROOT, 'scripts/capture-chapter-outputs.sh'), 'utf8');
    const titles = [...script.matchAll(/^from_chapter (\S+) /gm)].map((m) => m[1]!);
    expect(titles.length).toBeGreaterThanOrEqual(7);
    for (const t of titles) expect(chapter, t).toMatch(new RegExp(`^\`\`\`\\w+ title="${t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}"$`, 'm'));
    // No hidden edits: the script copies the starter's files unchanged and edits nothing with sed.
    expect(script).not.toMatch(/sed -i/);
  });

  it('has a glossary for the terms a beginner meets without explanation', () => {
    const glossary = chapter.slice(chapter.indexOf('## Glossary'));
    for (const term of ['Overlay filesystem', 'Capabilities', 'seccomp', 'RuntimeClass', 'Provenance and SLSA', 'Image index']) {
      expect(glossary, term).toContain(`- **${term}**:`);
    }
  });

  it('ends each main section with a plain-language summary', () => {
    const sections = chapter.split(/^## /m).slice(1).filter((s) => /^(Build and run|The picture|Containers versus|Under the hood|Images:|Registries|Multi-stage|The Dockerfile in depth|In Kubernetes)/.test(s));
    expect(sections).toHaveLength(9);
    for (const s of sections) expect(s, s.split('\n')[0]).toContain(':::note[In short]');
  });

  it('says truly why the chapter\'s Dockerfile copied as it is fails the catalog lab', () => {
    const lab = readFileSync(join(ROOT, 'labs/catalog-image/lab.yaml'), 'utf8');
    const labPort = /^\s+port: (\d+)$/m.exec(lab)?.[1];
    const dockerfile = /^```dockerfile title="Dockerfile"\n([\s\S]*?)^```$/m.exec(chapter)?.[1] ?? '';
    const exposed = /^EXPOSE (\d+)$/m.exec(dockerfile)?.[1];
    expect(labPort).toBeDefined();
    expect(exposed).toBeDefined();
    // The variant that is the chapter's Dockerfile, byte for byte, and the checks it fails.
    const copy = join(ROOT, 'labs/catalog-image/variants/chapter-copy');
    expect(readFileSync(join(copy, 'Dockerfile'), 'utf8')).toBe(dockerfile);
    const fails = /^fails: \[([^\]]*)\]$/m.exec(readFileSync(join(copy, 'expect.yaml'), 'utf8'))![1]!.split(',').map((f) => f.trim());
    // What the chapter says of the catalog lab: the words before its card (the reviews lab, after it, is on another port).
    const labSection = chapter.slice(chapter.indexOf('## The lab'), chapter.indexOf('::lab{id=catalog-image}'));
    if (labPort === exposed) expect(labSection, `the lab's port is the chapter's ${exposed}`).not.toMatch(/another port/);
    expect(fails.length).toBeGreaterThan(0);
    // It says the copy fails and sends the reader to the lab's requirements...
    expect(labSection).toMatch(/copied as it is (fails|breaks)/);
    expect(labSection).toMatch(/lab's requirements/);
    // ...without giving away which requirement: no sentence of the chapter's prose that
    // speaks of the lab names the check the copy fails.
    const sentences = prose.replace(/\s+/g, ' ').split(/(?<=[.:;!?)]) /);
    for (const f of fails) {
      const giveaways = sentences.filter((x) => /\blab(s|'s)?\b/i.test(x) && x.toLowerCase().includes(f.replace(/-/g, ' ')));
      expect(giveaways, `the chapter tells the lab's answer (${f})`).toEqual([]);
    }
  });

  const seeds = '/work/shared/seeds';
  it.skipIf(!existsSync(seeds))('shares no run of 12 words with the source documents', () => {
    // Inline code is code: a span breaks a run, so commands both texts quote do not count.
    const words = (s: string) => s.toLowerCase().replace(/[*_[\]()]/g, ' ').split(/[^a-z0-9'’|-]+/).filter(Boolean);
    const runs = (w: string[]) => w.join(' ').split(' | ').map((r) => r.split(' ').filter(Boolean));
    const grams = (w: string[]) => new Set(runs(w).flatMap((r) => r.slice(0, Math.max(0, r.length - 11)).map((_, i) => r.slice(i, i + 12).join(' '))));
    const mine = grams(words(prose.replace(/`[^`\n]*`/g, ' | ')));
    for (const f of readdirSync(seeds).filter((f) => f.endsWith('.txt'))) {
      const shared = [...grams(words(readFileSync(join(seeds, f), 'utf8')))].filter((g) => mine.has(g));
      expect(shared, f).toEqual([]);
    }
  });
});
