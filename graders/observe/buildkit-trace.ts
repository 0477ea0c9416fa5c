import protobuf from 'protobufjs';

// The subset of moby.buildkit.v1.StatusResponse (control.proto) that the
// grader reads. Field numbers are BuildKit's; unknown fields are skipped.
const PROTO = `
syntax = "proto3";
package moby.buildkit.v1;
message Timestamp { int64 seconds = 1; int32 nanos = 2; }
message Vertex {
  string digest = 1; repeated string inputs = 2; string name = 3; bool cached = 4;
  Timestamp started = 5; Timestamp completed = 6; string error = 7;
}
message VertexStatus {
  string ID = 1; string vertex = 2; string name = 3; int64 current = 4; int64 total = 5;
}
message VertexLog { string vertex = 1; Timestamp timestamp = 2; int64 stream = 3; bytes msg = 4; }
message VertexWarning { string vertex = 1; int64 level = 2; bytes short = 3; repeated bytes detail = 4; string url = 5; }
message StatusResponse {
  repeated Vertex vertexes = 1; repeated VertexStatus statuses = 2;
  repeated VertexLog logs = 3; repeated VertexWarning warnings = 4;
}
`;

const StatusResponse = protobuf.parse(PROTO).root.lookupType('moby.buildkit.v1.StatusResponse');

interface RawTimestamp { seconds?: number | { toNumber(): number }; nanos?: number }
interface RawVertex { digest?: string; name?: string; cached?: boolean; started?: RawTimestamp; completed?: RawTimestamp; error?: string }
interface RawLog { vertex?: string; msg?: Uint8Array }
interface RawWarning { vertex?: string; short?: Uint8Array }
interface RawStatus { vertexes?: RawVertex[]; logs?: RawLog[]; warnings?: RawWarning[] }

/** One build step as BuildKit reports it, merged over all its partial updates. */
export interface BuildStep {
  digest: string;
  name: string;
  cached: boolean;
  started?: number;
  completed?: number;
  error?: string;
  /** Output lines of the step, oldest first, trimmed to the last few hundred. */
  log: string[];
  warnings: string[];
}

function ms(t?: RawTimestamp): number | undefined {
  if (!t || t.seconds === undefined) return undefined;
  const s = typeof t.seconds === 'number' ? t.seconds : t.seconds.toNumber();
  return s * 1000 + Math.floor((t.nanos ?? 0) / 1e6);
}

const MAX_LOG_LINES = 300;

/**
 * Folds the stream of partial StatusResponse messages into one record per
 * step. Updates for a vertex arrive several times (queued, started,
 * completed); later non-empty fields win, keyed by digest, and first-seen
 * order is kept so steps read in build order.
 */
export class BuildTrace {
  readonly steps = new Map<string, BuildStep>();
  private partialLine = new Map<string, string>();

  /** Decodes one base64 `moby.buildkit.trace` aux payload. */
  addEncoded(base64: string): RawStatus {
    const msg = StatusResponse.decode(Buffer.from(base64, 'base64')) as unknown as RawStatus;
    this.add(msg);
    return msg;
  }

  add(msg: RawStatus): void {
    for (const v of msg.vertexes ?? []) {
      if (!v.digest) continue;
      const step = this.steps.get(v.digest) ?? { digest: v.digest, name: '', cached: false, log: [], warnings: [] };
      if (v.name) step.name = v.name;
      if (v.cached) step.cached = true;
      step.started = ms(v.started) ?? step.started;
      step.completed = ms(v.completed) ?? step.completed;
      if (v.error) step.error = v.error;
      this.steps.set(v.digest, step);
    }
    for (const l of msg.logs ?? []) {
      const step = l.vertex ? this.steps.get(l.vertex) : undefined;
      if (!step || !l.msg) continue;
      const text = (this.partialLine.get(step.digest) ?? '') + Buffer.from(l.msg).toString('utf8');
      const lines = text.split(/\r?\n/);
      this.partialLine.set(step.digest, lines.pop() ?? '');
      step.log.push(...lines);
      if (step.log.length > MAX_LOG_LINES) step.log.splice(0, step.log.length - MAX_LOG_LINES);
    }
    for (const w of msg.warnings ?? []) {
      const step = w.vertex ? this.steps.get(w.vertex) : undefined;
      if (step && w.short) step.warnings.push(Buffer.from(w.short).toString('utf8'));
    }
  }

  /** Steps in the order BuildKit first mentioned them, with any unterminated last log line flushed. */
  list(): BuildStep[] {
    return [...this.steps.values()].map((s) => {
      const rest = this.partialLine.get(s.digest);
      return rest ? { ...s, log: [...s.log, rest] } : s;
    });
  }
}
