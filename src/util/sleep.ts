/**
 * A sleep that ends early (resolving, not rejecting) when `signal` aborts, and never leaves a
 * timer behind: a pending timer would keep the process alive after the run is over.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** Waits for `work` or `ms`, whichever comes first; true when `work` finished in time. */
export async function withinTime(work: Promise<unknown>, ms: number, signal?: AbortSignal): Promise<boolean> {
  const done = new AbortController();
  const onAbort = () => done.abort();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await Promise.race([work.then(() => true), sleep(ms, done.signal).then(() => false)]);
  } finally {
    done.abort();
    signal?.removeEventListener('abort', onAbort);
  }
}
