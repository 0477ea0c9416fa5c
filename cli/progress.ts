import { studentsPerHour } from '../graders/report/model';

/**
 * Progress for long batch runs: a redrawn bar with counts and ETA on a
 * terminal, one plain line per event otherwise (CI logs, pipes).
 */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private readonly start = Date.now();
  private total = 0;
  private done = 0;
  private graded = 0;
  private readonly perEngine = new Map<string, number>();

  begin(total: number, toGrade: number): void {
    this.total = total;
    process.stderr.write(`drydock: ${total} student(s), ${toGrade} to grade, ${total - toGrade} unchanged or missing\n`);
  }

  step(line: string, done: number, graded: boolean, engine?: string): void {
    this.done = done;
    if (graded) this.graded++;
    if (graded && engine) this.perEngine.set(engine, (this.perEngine.get(engine) ?? 0) + 1);
    if (!this.tty) {
      process.stderr.write(`[${done}/${this.total}] ${line}\n`);
      return;
    }
    const width = 24;
    const filled = Math.round((done / Math.max(1, this.total)) * width);
    const elapsed = (Date.now() - this.start) / 1000;
    const perStudent = this.graded ? elapsed / this.graded : 0;
    const eta = perStudent ? Math.round(perStudent * (this.total - done)) : 0;
    // With several engines, each engine's rate so far (students per hour).
    const rates = [...this.perEngine].map(([name, n]) => `${name} ${studentsPerHour(n, elapsed * 1000)}/h`).join(' ');
    process.stderr.write(`\r\x1b[2K${line}\n\x1b[2K[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${done}/${this.total}  ${eta ? `ETA ${Math.floor(eta / 60)}m${String(eta % 60).padStart(2, '0')}s` : ''}${rates ? `  ${rates}` : ''}`);
    if (done === this.total) process.stderr.write('\n');
  }
}
