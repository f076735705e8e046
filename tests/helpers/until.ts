/** Polls `fn` until it gives something truthy (returned), or fails after `ms`: for state that settles in the background. */
export async function until<T>(fn: () => Promise<T | null | undefined | false>, ms = 20_000, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
