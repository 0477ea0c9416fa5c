/**
 * Runs `cleanup` on Ctrl-C or SIGTERM, then exits 130 (the shell's code for
 * an interrupted command). A second Ctrl-C exits at once.
 */
export function onInterrupt(cleanup: () => Promise<void>): () => void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(130);
    stopping = true;
    process.stderr.write(`\ndrydock: ${signal} received, removing what this run created…\n`);
    cleanup()
      .catch((err) => process.stderr.write(`drydock: cleanup failed: ${(err as Error).message}\n`))
      .finally(() => process.exit(130));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
