// The child process of bounded.ts: imports one module, then answers
// `{ fn, args }` messages with `{ value }` or `{ failure }` until killed.
export {};

const m = await import(process.argv[2]);
process.on('message', async ({ fn, args }: { fn: string; args: unknown[] }) => {
  try {
    const v = await m[fn](...args);
    process.send!({ value: v ?? null });
  } catch (e) {
    const err = e as Error;
    process.send!({ failure: `${err?.constructor?.name}: ${err?.message}` });
  }
});
