// Chapter 01 shows real commands with their real output. Every output block marked
// `captured=<name>` must match chapters/captured/<name>.txt, which
// scripts/capture-chapter-outputs.sh rewrites by re-running the commands on an engine; and the
// captured files must still support what the prose says about them. Nothing here needs Docker.
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

/**
 * What may differ between two runs of the same commands: ids, digests, PIDs, namespace inodes,
 * published host ports, clock times and exact durations. Each distinct value becomes a
 * numbered placeholder in order of appearance, so "the same digest twice" and "the base's layer
 * is the image's first layer" still have to hold. Durations keep their scale (under 3 s, or
 * whole seconds), so "stopped at once" and "waited out the grace period" cannot swap. PIDs are
 * the leading numbers of `ps`/`docker top` rows (whose column widths follow them) and the
 * output of a command that prints `.State.Pid`.
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
    .replace(/sha256:[0-9a-f]{64}\b/g, (d) => name('digest', d))
    .replace(/\b[0-9a-f]{64}\b/g, (d) => name('id', d))
    .replace(/\b[0-9a-f]{12}\b/g, (d) => name('id', d))
    .replace(/\b(file|dir):[0-9a-f]+…?/g, (d) => name('content', d))
    .replace(/\b(pid|net|mnt|uts|ipc|cgroup|user|time):\[(\d+)\]/g, (_, k: string, n: string) => `${k}:[${name('ns', n)}]`)
    .replace(/(0\.0\.0\.0|\[::\]):\d+/g, (_, a: string) => `${a}:<port>`);
}

describe('chapter 01 ↔ chapters/captured', () => {
  it('embeds captured output blocks', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(12);
  });

  it.each(blocks.map((b) => [`${b.name} (chapter line ${b.line})`, b] as const))('%s matches its captured file', (_, b) => {
    expect(capturedNames, `chapters/captured/${b.name}.txt is missing: run scripts/capture-chapter-outputs.sh ${b.name}`).toContain(b.name);
    expect(normalise(b.body)).toBe(normalise(captured(b.name)));
  });

  it('shows every captured file somewhere', () => {
    expect(capturedNames.filter((n) => !blocks.some((b) => b.name === n))).toEqual([]);
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
  });
});

const took = (text: string) => [...text.matchAll(/\(took (\d+\.\d+) s\)/g)].map((m) => Number(m[1]));
/** The output lines that follow the command line containing `command`. */
const outputOf = (text: string, command: string) => {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith('$ ') && l.includes(command));
  expect(i, `no command containing ${command}`).toBeGreaterThanOrEqual(0);
  const rest = lines.slice(i + 1);
  const end = rest.findIndex((l) => l.startsWith('$ '));
  return (end < 0 ? rest : rest.slice(0, end)).join('\n');
};

describe('what the captured output shows, as the chapter says', () => {
  it('the catalog with its handler stops at once, drains and exits 0', () => {
    const t = captured('stop-exec');
    expect(took(t)[0]).toBeLessThan(3);
    expect(outputOf(t, '.State.ExitCode').trim()).toBe('0');
    expect(t).toContain('shutdown signal received');
    expect(t).toContain('shutdown complete');
  });

  it('without signal.NotifyContext the Go runtime exits at once with status 2, without draining', () => {
    const t = captured('stop-no-handler');
    expect(took(t)[0]).toBeLessThan(3);
    expect(outputOf(t, '.State.ExitCode').trim()).toBe('2');
    expect(t).not.toContain('shutdown signal received');
    expect(chapter).toMatch(/status 2/);
  });

  it('dash as PID 1 ignores SIGTERM: the full grace period, then SIGKILL and 137', () => {
    const t = captured('stop-sh');
    expect(outputOf(t, 'docker top').split('\n')[1]).toMatch(/\d+\s+sh -c \/catalog; echo catalog exited$/);
    expect(took(t)[0]).toBeGreaterThanOrEqual(10);
    expect(outputOf(t, '.State.ExitCode').trim()).toBe('137');
    expect(t).not.toContain('shutdown signal received');
  });

  it('under --init the shell dies of SIGTERM at once (143), and the catalog still never drains', () => {
    const t = captured('stop-sh-init');
    expect(outputOf(t, 'docker top').split('\n')[1]).toMatch(/docker-init -- sh -c/);
    expect(took(t)[0]).toBeLessThan(3);
    expect(outputOf(t, '.State.ExitCode').trim()).toBe('143');
    expect(t).not.toContain('shutdown signal received');
  });

  it('busybox and bash exec the last command of a list; dash does not', () => {
    const t = captured('shells');
    expect(outputOf(t, '--entrypoint sh bookstore/catalog:on-debian')).toContain('sh -c echo starting; cat /proc/1/cmdline');
    expect(outputOf(t, 'capture/busybox').trim().split('\n').at(-1)!.trim()).toBe('cat /proc/1/cmdline');
    expect(outputOf(t, '--entrypoint bash').trim().split('\n').at(-1)!.trim()).toBe('cat /proc/1/cmdline');
    expect(outputOf(t, "on-debian -c 'cat /proc/1/cmdline'").trim()).toBe('sh -c cat /proc/1/cmdline');
    const bb = captured('stop-busybox');
    expect(outputOf(bb, 'docker top').split('\n')[1]).toMatch(/\d+\s+\/catalog$/);
    expect(outputOf(bb, '.State.ExitCode').trim()).toBe('0');
  });

  it('a PID 1 that never waits leaves a zombie; --init reaps it', () => {
    const [without, withInit] = captured('zombie').split('--init');
    expect(without).toMatch(/ Z +sleep/);
    expect(withInit).toContain('docker-init');
    expect(withInit).not.toMatch(/ Z +sleep/);
  });

  it('limits are cgroup files; without flags there is no memory, CPU or process limit', () => {
    const t = captured('cgroups');
    expect(t).toContain('memory.limit_in_bytes:268435456');
    expect(t).toContain('cpu.cfs_quota_us:100000');
    expect(t).toContain('cpu.cfs_period_us:100000');
    expect(t).toContain('pids.max:128');
    expect(t).toContain('pids.max:max');
    expect(t).toContain('cpu.cfs_quota_us:-1');
  });

  it('going over the memory limit is an OOM kill: 137 and OOMKilled=true', () => {
    expect(captured('oom')).toContain('ExitCode=137 OOMKilled=true');
  });

  it('EXPOSE alone publishes nothing; -P publishes the exposed port', () => {
    const t = captured('expose');
    expect(t).toContain('(0 published ports)');
    expect(t).toMatch(/8080\/tcp -> 0\.0\.0\.0:\d+/);
  });

  it('the writable layer survives a stop and goes with rm', () => {
    const t = captured('writable-layer');
    expect(t).toContain('A /note.txt');
    expect(outputOf(t, 'docker start notes').trim()).toBe('kept');
    expect(t.trim().split('\n').at(-1)).toMatch(/No such file/);
  });

  it('the shipped image is the distroless layers plus one layer with the binary', () => {
    const t = captured('layers');
    const base = outputOf(t, 'gcr.io/distroless/static:nonroot').trim().split('\n');
    const image = outputOf(t, "RootFS.Layers}}{{println .}}{{end}}' bookstore/catalog:dev").trim().split('\n');
    expect(image.slice(0, base.length)).toEqual(base);
    expect(image.length).toBe(base.length + 1);
  });

  it('states the image size it measured', () => {
    const size = /bookstore\/catalog:dev\s+([\d.]+)MB/.exec(captured('image'))?.[1];
    expect(size).toBeDefined();
    expect(Number(size)).toBeLessThan(25);
    expect(chapter).toContain(`${size} MB`);
    const toolchain = /golang:1\.26-alpine\s+([\d.]+)MB/.exec(captured('image'))?.[1];
    expect(chapter).toContain(`${toolchain} MB here`);
    expect(chapter).toContain(`about ${Math.round(Number(toolchain) / Number(size))} times larger`);
    expect(captured('image')).toContain('Entrypoint=[/catalog] Cmd=[] User=65532:65532 Exposed=map[8080/tcp:{}]');
  });

  it('ENTRYPOINT is the program, CMD its default arguments', () => {
    const t = captured('entrypoint-cmd');
    expect(outputOf(t, 'docker run --rm capture/greeter:1').split('\n')[0]).toBe('catalog says hello');
    expect(t).toContain('catalog says goodbye');
  });

  it('after an edit to main.go, the steps above COPY . . come from the cache', () => {
    const steps = captured('cache-rebuild').split(/^(?=Step )/m).slice(1);
    const step = (s: string) => steps.find((x) => x.includes(s))!;
    for (const s of ['COPY go.mod go.sum* ./', 'RUN go mod download']) expect(step(s), s).toContain('Using cache');
    for (const s of ['COPY . .', 'RUN CGO_ENABLED=0']) expect(step(s), s).not.toContain('Using cache');
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
