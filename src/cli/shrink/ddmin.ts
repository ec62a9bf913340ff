/**
 * Delta debugging (Zeller and Hildebrandt, "Simplifying and Isolating Failure-Inducing Input",
 * 2002): the smallest subset of `items` for which `fails` still holds, 1-minimal (removing any
 * one item of the answer makes it pass). `fails(items)` is assumed true (the run being shrunk
 * failed); it is never asked again.
 *
 * Split the set into n chunks; if one chunk alone fails, continue with it (n = 2); else if one
 * complement (the set without a chunk) fails, continue with that (n - 1); else split finer
 * (2n), until the chunks are single items. At most (|items|² + 3·|items|)/2 tests, plus one:
 * ddmin never tests the empty set, so an answer of one item is checked against it (a chaos
 * failure that needs no fault at all is worth knowing, and it makes the answer 1-minimal).
 *
 * `fails` may throw (the shrink budget ran out, a signal): ddmin then throws too, and the caller
 * keeps the last subset that failed.
 */
export type FailureTest<T> = (subset: readonly T[]) => Promise<boolean>;

export async function ddmin<T>(items: readonly T[], fails: FailureTest<T>): Promise<T[]> {
  let current = [...items];
  let n = 2;
  while (current.length >= 2) {
    const chunks = split(current, n);
    const chunk = await firstFailing(chunks, fails);
    if (chunk !== undefined) {
      current = chunk;
      n = 2;
      continue;
    }
    // With two chunks the complements are the chunks themselves, already tested.
    const complement = n > 2 ? await firstFailing(complements(chunks), fails) : undefined;
    if (complement !== undefined) {
      current = complement;
      n = Math.max(n - 1, 2);
      continue;
    }
    if (n >= current.length) break;
    n = Math.min(current.length, 2 * n);
  }
  if (current.length === 1 && (await fails([]))) return [];
  return current;
}

async function firstFailing<T>(candidates: readonly T[][], fails: FailureTest<T>): Promise<T[] | undefined> {
  for (const candidate of candidates) if (await fails(candidate)) return candidate;
  return undefined;
}

/** `n` chunks as even as they come, in order (the first ones one longer when it does not divide). */
export function split<T>(items: readonly T[], n: number): T[][] {
  const chunks: T[][] = [];
  let start = 0;
  for (let i = 0; i < n; i++) {
    const size = Math.floor(items.length / n) + (i < items.length % n ? 1 : 0);
    chunks.push(items.slice(start, start + size));
    start += size;
  }
  return chunks.filter((c) => c.length > 0);
}

function complements<T>(chunks: readonly T[][]): T[][] {
  return chunks.map((_, i) => chunks.flatMap((chunk, j) => (j === i ? [] : chunk)));
}
