/**
 * The pages of one build, handed out to threads through shared memory: page
 * threads take them from the front of the book, the helper thread (once it
 * has highlighted every block) from the back, and each page goes to exactly
 * one thread. One 64-bit word holds both ends, so a claim is a single
 * compare-and-swap and the two ends can never hand out the same page.
 */
export type PageClaims = BigInt64Array;

const BACK = 2n ** 32n;

export function newPageClaims(): PageClaims {
  return new BigInt64Array(new SharedArrayBuffer(8));
}

function claim(claims: PageClaims, total: number, fromBack: boolean): number | undefined {
  for (;;) {
    const word = Atomics.load(claims, 0);
    const front = Number(word % BACK);
    const back = Number(word / BACK);
    if (front + back >= total) return undefined;
    if (Atomics.compareExchange(claims, 0, word, word + (fromBack ? BACK : 1n)) === word) return fromBack ? total - 1 - back : front;
  }
}

/** The next page from the front of the book, or undefined when every page is taken. */
export const claimFront = (claims: PageClaims, total: number) => claim(claims, total, false);

/** The next page from the back of the book, or undefined when every page is taken. */
export const claimBack = (claims: PageClaims, total: number) => claim(claims, total, true);
