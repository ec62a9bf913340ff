/**
 * Wording shared by every plan message: how a bad value is quoted back, how a field path is
 * printed, and "did you mean" suggestions. Kept in one place so all messages read alike.
 */

export type PathSegment = string | number;

/** `fleets.consumers[1].instances`; keys that are not plain words are quoted: `brokerConfig["a b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

const MAX_QUOTED = 60;

/** The value as the user wrote it, in the words a message uses after "got". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'an empty value';
  if (typeof value === 'string') {
    const quoted = JSON.stringify(value);
    return quoted.length > MAX_QUOTED ? `${quoted.slice(0, MAX_QUOTED - 4)}..."` : quoted;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return typeof value;
}

function editDistance(a: string, b: string): number {
  const previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = previous[0] ?? 0;
    previous[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = previous[j] ?? 0;
      const substitution = diagonal + (a[i - 1]?.toLowerCase() === b[j - 1]?.toLowerCase() ? 0 : 1);
      previous[j] = Math.min(above + 1, (previous[j - 1] ?? 0) + 1, substitution);
      diagonal = above;
    }
  }
  return previous[b.length] ?? 0;
}

/** How many edits still count as a typo of `input`: about one per three letters. */
function typoReach(input: string): number {
  return Math.min(Math.max(1, Math.floor(input.length / 3)), input.length - 1);
}

/** The closest candidate within a typo's reach, if any. */
export function closestMatch(input: string, candidates: readonly string[]): string | undefined {
  const limit = typoReach(input);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const distance = editDistance(input, candidate);
    if (distance < bestDistance && distance <= limit) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/**
 * Up to `max` candidates within a typo's reach, closest first (ties in the candidates' order);
 * only the one that differs in case alone when there is one (it is surely what was meant).
 */
export function closeMatches(input: string, candidates: readonly string[], max = 3): string[] {
  const limit = typoReach(input);
  const close = candidates
    .map((candidate) => ({ candidate, distance: editDistance(input, candidate) }))
    .filter(({ distance }) => distance <= limit)
    .sort((a, b) => a.distance - b.distance);
  return close
    .filter(({ distance }) => close[0]?.distance !== 0 || distance === 0)
    .slice(0, max)
    .map(({ candidate }) => candidate);
}

/** `"a"`, `"a" or "b"`, `"a", "b" or "c"`. */
function quotedAlternatives(words: readonly string[]): string {
  const quoted = words.map((word) => JSON.stringify(word));
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`;
}

/**
 * An unknown key of a map too large to list (broker.conf's hundreds of keys): the close matches,
 * or `among` (what the keys are) when nothing is close.
 */
export function unknownKeyAmongMany(
  key: string,
  known: readonly string[],
  noun: string,
  among: string,
  elsewhere?: KeysElsewhere,
): string {
  if (elsewhere?.keys.includes(key)) return `${JSON.stringify(key)} is not a ${noun}: it belongs in ${elsewhere.where}`;
  const matches = closeMatches(key, known);
  const hint = matches.length > 0 ? `did you mean ${quotedAlternatives(matches)}?` : `not one of ${among}`;
  return `unknown ${noun} ${JSON.stringify(key)} (${hint})`;
}

/** A sibling map whose keys are often put in this one by mistake (a broker key in namesrvConfig). */
export interface KeysElsewhere {
  keys: readonly string[];
  where: string;
}

/** `unknown key "instanses" (did you mean "instances"?)`, or the allowed keys when nothing is close. */
export function unknownKeyMessage(key: string, known: readonly string[], noun = 'key'): string {
  const suggestion = closestMatch(key, known);
  if (suggestion) return `unknown ${noun} ${JSON.stringify(key)} (did you mean ${JSON.stringify(suggestion)}?)`;
  if (known.length === 0) return `unknown ${noun} ${JSON.stringify(key)}`;
  return `unknown ${noun} ${JSON.stringify(key)} (known: ${known.join(', ')})`;
}

export function requiredKeyMessage(key: string): string {
  return `required key ${JSON.stringify(key)} is missing`;
}

/** A subscription or fault names a topic the plan does not declare. */
export function undeclared(topic: string, declared: readonly string[]): string {
  return `topic ${JSON.stringify(topic)} is not declared in topics (declared: ${declared.join(', ')})`;
}
