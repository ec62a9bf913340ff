/**
 * Snapshots catch a group mid-rebalance now and then: for a moment an instance that just
 * joined holds nothing, or two hold the same queue. A condition only becomes a finding when
 * it holds in consecutive snapshots for at least `persistMs` (with one snapshot, as `doctor
 * --window 0s` takes, `persistMs` 0 accepts what that one shows).
 */
import type { ClusterSnapshot, GroupSnapshot } from '../../observe/snapshot.ts';
import type { DiagnosisId } from '../../plan/expectations-catalogue.ts';
import type { EvidenceValue, Finding, LossClaim, Severity } from './diagnosis.ts';

/** What one snapshot shows of one condition; `key` says which condition (group, broker, client...). */
export interface Observation {
  key: string;
  group: string;
  at: number;
  summary: string;
  evidence: { [key: string]: EvidenceValue };
  /** What this observation blames for loss; a finding claims the union over its observations. */
  claims?: LossClaim[];
}

export interface PersistentCondition {
  /** The latest observation of the latest qualifying stretch: the evidence to show. */
  latest: Observation;
  firstSeenAt: number;
  lastSeenAt: number;
  /** Separate stretches it held for (a drift undone and redone counts twice). */
  episodes: number;
  /** Total time over the qualifying stretches. */
  heldMs: number;
  /** The union of the claims of every observation in the qualifying stretches. */
  claims: LossClaim[];
}

export function persistentConditions(
  snapshots: readonly ClusterSnapshot[],
  observe: (snapshot: ClusterSnapshot) => Observation[],
  persistMs: number,
): PersistentCondition[] {
  interface Stretch {
    first: Observation;
    last: Observation;
    lastIndex: number;
    claims: LossClaim[];
  }
  const open = new Map<string, Stretch>();
  const done = new Map<string, Stretch[]>();
  const close = (key: string, stretch: Stretch) => {
    if (stretch.last.at - stretch.first.at >= persistMs) done.set(key, [...(done.get(key) ?? []), stretch]);
  };
  snapshots.forEach((snapshot, index) => {
    const seen = new Set<string>();
    for (const observation of observe(snapshot)) {
      if (seen.has(observation.key)) continue;
      seen.add(observation.key);
      const stretch = open.get(observation.key);
      if (stretch && stretch.lastIndex === index - 1) {
        stretch.last = observation;
        stretch.lastIndex = index;
        stretch.claims.push(...(observation.claims ?? []));
      } else {
        if (stretch) close(observation.key, stretch);
        open.set(observation.key, {
          first: observation,
          last: observation,
          lastIndex: index,
          claims: [...(observation.claims ?? [])],
        });
      }
    }
  });
  for (const [key, stretch] of open) close(key, stretch);
  return [...done.values()].map((stretches) => {
    const last = stretches[stretches.length - 1]!;
    return {
      latest: last.last,
      firstSeenAt: stretches[0]!.first.at,
      lastSeenAt: last.last.at,
      episodes: stretches.length,
      heldMs: stretches.reduce((ms, s) => ms + (s.last.at - s.first.at), 0),
      claims: mergeClaims(stretches.flatMap((s) => s.claims)),
    };
  });
}

/** `persistentConditions` for the rules that look at one group of one snapshot at a time. */
export function groupConditions(
  snapshots: readonly ClusterSnapshot[],
  observe: (group: GroupSnapshot, at: number) => Observation[],
  persistMs: number,
): PersistentCondition[] {
  return persistentConditions(snapshots, (s) => s.groups.flatMap((g) => observe(g, s.at)), persistMs);
}

/** One finding per persistent condition, with how long and how often it held. */
export function findingsOf(
  rule: { id: DiagnosisId; severity: Severity },
  conditions: readonly PersistentCondition[],
  remedy: string | ((condition: PersistentCondition) => string),
): Finding[] {
  return conditions.map((c) => ({
    id: rule.id,
    severity: rule.severity,
    group: c.latest.group,
    summary: c.latest.summary,
    evidence: { ...c.latest.evidence, heldMs: c.heldMs, episodes: c.episodes },
    remedy: typeof remedy === 'string' ? remedy : remedy(c),
    firstSeenAt: c.firstSeenAt,
    lastSeenAt: c.lastSeenAt,
    ...(c.claims.length > 0 ? { claims: c.claims } : {}),
  }));
}

/**
 * One claim per topic and tag exception: queue lists united (a claim without queues covers
 * the whole topic, so it absorbs the others).
 */
export function mergeClaims(claims: readonly LossClaim[]): LossClaim[] {
  const merged = new Map<string, LossClaim>();
  for (const claim of claims) {
    const except = claim.exceptTags ? [...new Set(claim.exceptTags)].sort() : undefined;
    const key = `${claim.topic}\u0000${except?.join('\u0000') ?? '*'}`;
    const seen = merged.get(key);
    if (!seen) {
      merged.set(key, {
        topic: claim.topic,
        ...(claim.queues ? { queues: [...new Set(claim.queues)].sort() } : {}),
        ...(except ? { exceptTags: except } : {}),
      });
    } else if (!seen.queues || !claim.queues) {
      delete seen.queues;
    } else {
      seen.queues = [...new Set([...seen.queues, ...claim.queues])].sort();
    }
  }
  return [...merged.values()];
}
