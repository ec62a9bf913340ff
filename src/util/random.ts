/**
 * A seeded generator (mulberry32): the same plan seed must give the same tag sequence and
 * fault schedule on every machine, which Math.random cannot promise. Statistical quality
 * is ample for picking tags and jitter; nothing here is security-sensitive.
 */
export type Random = () => number;

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks one of `items` with probability proportional to its weight. */
export function weightedPick<T>(items: readonly { value: T; weight: number }[], random: Random): T {
  const total = items.reduce((sum, item) => sum + item.weight, 0);
  let point = random() * total;
  for (const item of items) {
    point -= item.weight;
    if (point < 0) return item.value;
  }
  return items[items.length - 1]!.value;
}

/** A stable 32-bit seed from a string (FNV-1a), to derive per-instance seeds from the plan seed. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
