import type { ReceiptColumns } from './receipt-columns.ts';

/**
 * Rebalance latency per membership event of a clustering group (DESIGN.md):
 * - assignment latency: event → the first moment the live instances' claimed queues form a
 *   disjoint cover of all the group's queues again;
 * - resume latency: event → every queue that had backlog since the event has delivered again.
 * Events arrive from the coordinator (instance started, stopped, crashed, killed, drifted);
 * assignments and deliveries from the workers, with the workers' own timestamps.
 */
export type MembershipKind = 'join' | 'leave' | 'crash' | 'kill' | 'pause' | 'resume' | 'drift';

export interface RebalanceEvent {
  group: string;
  kind: MembershipKind;
  instance: string;
  at: number;
  /** ms from the event until a disjoint cover; null while not reached (or never). */
  assignmentLatencyMs: number | null;
  /** ms from the event until every backlogged queue delivered again; null while not reached. */
  resumeLatencyMs: number | null;
  /** Queues that had backlog since the event and had not delivered since (for the report). */
  waitingQueues: string[];
}

interface GroupState {
  queues: Set<string>;
  live: Set<string>;
  claims: Map<string, Set<string>>;
  open: { event: RebalanceEvent; backlogged: Set<string>; delivered: Set<string>; joiner?: string }[];
}

export class RebalanceTracker {
  readonly events: RebalanceEvent[] = [];
  private readonly groups = new Map<string, GroupState>();
  private readonly instanceGroup = new Map<string, string>();

  /** Declares a clustering group and every queue it must cover. */
  addGroup(group: string, queues: readonly string[]): void {
    this.groups.set(group, { queues: new Set(queues), live: new Set(), claims: new Map(), open: [] });
  }

  membership(group: string, kind: MembershipKind, instance: string, at: number): RebalanceEvent | undefined {
    const state = this.groups.get(group);
    if (!state) return undefined;
    this.instanceGroup.set(instance, group);
    // A new process (join) starts with no queues, and a dead one's claims die with it; a paused
    // one keeps holding its queues (the broker still counts it), it just is not live.
    if (kind === 'join' || kind === 'leave' || kind === 'crash' || kind === 'kill' || kind === 'drift')
      state.claims.delete(instance);
    if (kind === 'join' || kind === 'resume' || kind === 'drift') state.live.add(instance);
    if (kind === 'leave' || kind === 'crash' || kind === 'kill' || kind === 'pause') {
      state.live.delete(instance);
      // A dead or frozen instance still "claims" its queues on the broker side until the
      // broker notices; for the cover, only what live instances hold counts.
    }
    const event: RebalanceEvent = {
      group,
      kind,
      instance,
      at,
      assignmentLatencyMs: null,
      resumeLatencyMs: null,
      waitingQueues: [],
    };
    this.events.push(event);
    // A join never breaks the cover (the others still hold everything): it is done when the
    // newcomer holds its share, i.e. some queue, if there are enough queues to go round.
    const joiner =
      (kind === 'join' || kind === 'resume') && state.queues.size >= state.live.size ? instance : undefined;
    state.open.push({ event, backlogged: new Set(), delivered: new Set(), ...(joiner ? { joiner } : {}) });
    this.checkCover(state, at);
    return event;
  }

  assignment(instance: string, queues: readonly string[], at: number): void {
    const state = this.stateOf(instance);
    if (!state) return;
    state.claims.set(instance, new Set(queues));
    this.checkCover(state, at);
  }

  /** A delivery on `queue` at `at` (receipt time). */
  delivery(instance: string, queue: string, at: number): void {
    const state = this.stateOf(instance);
    if (!state) return;
    for (const open of state.open) {
      if (at >= open.event.at) open.delivered.add(queue);
    }
    this.checkResume(state, at);
  }

  /**
   * delivery() for every receipt of a batch. With no event open for the instance's group (the
   * usual case) each would do nothing, so the batch is skipped without a look per receipt.
   */
  deliveries(instance: string, receipts: Pick<ReceiptColumns, 'count' | 'queues' | 'queue' | 'received'>): void {
    const state = this.stateOf(instance);
    if (!state || state.open.length === 0) return;
    const { count, queues, queue, received } = receipts;
    for (let i = 0; i < count; i++) this.delivery(instance, queues[queue[i]!]!, received[i]!);
  }

  /** Broker-side lag per queue from a backlog sample: marks queues that must deliver again. */
  backlog(group: string, lagByQueue: Record<string, number>, at: number): void {
    const state = this.groups.get(group);
    if (!state) return;
    for (const open of state.open) {
      for (const [queue, lag] of Object.entries(lagByQueue))
        if (lag > 0 && !open.delivered.has(queue)) open.backlogged.add(queue);
    }
    this.checkResume(state, at);
  }

  /** True when the live instances' claims are pairwise disjoint and cover every queue. */
  static isDisjointCover(queues: ReadonlySet<string>, claims: Iterable<ReadonlySet<string>>): boolean {
    const seen = new Set<string>();
    for (const claim of claims) {
      for (const q of claim) {
        if (seen.has(q)) return false;
        seen.add(q);
      }
    }
    if (seen.size !== queues.size) return false;
    for (const q of queues) if (!seen.has(q)) return false;
    return true;
  }

  private stateOf(instance: string): GroupState | undefined {
    const group = this.instanceGroup.get(instance);
    return group === undefined ? undefined : this.groups.get(group);
  }

  private checkCover(state: GroupState, at: number): void {
    const liveClaims = [...state.live].map((i) => state.claims.get(i) ?? new Set<string>());
    if (state.live.size === 0 || !RebalanceTracker.isDisjointCover(state.queues, liveClaims)) return;
    for (const open of state.open) {
      if (open.event.assignmentLatencyMs !== null) continue;
      if (open.joiner && state.live.has(open.joiner) && (state.claims.get(open.joiner)?.size ?? 0) === 0) continue;
      open.event.assignmentLatencyMs = Math.max(0, at - open.event.at);
    }
    this.checkResume(state, at);
  }

  private checkResume(state: GroupState, at: number): void {
    state.open = state.open.filter((open) => {
      const waiting = [...open.backlogged].filter((q) => !open.delivered.has(q));
      open.event.waitingQueues = waiting;
      if (open.event.assignmentLatencyMs === null || waiting.length > 0) return true;
      open.event.resumeLatencyMs = Math.max(open.event.assignmentLatencyMs, at - open.event.at);
      return false;
    });
  }
}
