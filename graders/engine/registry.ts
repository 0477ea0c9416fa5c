let cached: Promise<string | undefined> | undefined;

/**
 * Whether Docker Hub answers, as an error text (undefined when it does).
 * Asked once per process: the answer decides whether a `# syntax=` frontend
 * can be fetched and what `doctor` reports.
 */
export function registryProblem(timeoutMs = 3000): Promise<string | undefined> {
  cached ??= (async () => {
    const ctl = new AbortController();
    const t = setTimeout(() => ctl.abort(), timeoutMs);
    try {
      await fetch('https://registry-1.docker.io/v2/', { signal: ctl.signal });
      return undefined;
    } catch (err) {
      const cause = (err as Error & { cause?: { message?: string } }).cause;
      return ctl.signal.aborted ? `no answer in ${timeoutMs / 1000} s` : (cause?.message ?? (err as Error).message);
    } finally {
      clearTimeout(t);
    }
  })();
  return cached;
}
