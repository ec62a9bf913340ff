/**
 * Failover measurement: fed while the run goes (fault begins on brokers, role changes, send
 * reports, first deliveries), folded into per-fault records at the end. Pure bookkeeping, so
 * the definitions below are unit-tested on hand-made timelines:
 *
 * - elect: from the fault until the broker name has a master again: a change to a master
 *   other than the one before, or the same node listed again after a time with none (a
 *   restart). A fault that never took the master away has electMs 0.
 * - send RTO: from the fault until the first producer report with acks after the last report
 *   with failed sends, inside the fault's window (until the next fault on that broker name,
 *   or the end). Reports come about every 250 ms, which is the resolution. No failed send: 0.
 * - consume RTO, per group: from the fault until the group first received a message born
 *   after the fault began (new messages flow end to end again), to 100 ms.
 */
import type { FailoverRecord, FailoverSummary, RoleChange } from './failover-types.ts';
import type { ReceiptColumns } from './receipt-columns.ts';

export interface FailoverFault {
  fault: string;
  target: string;
  node: string;
  brokerName: string;
  /** Epoch ms. */
  beganAt: number;
  /** The node kept serving (a disk fault): its master staying listed is the master kept, not one never re-elected. */
  keepsRole?: boolean;
}

const BUCKET_MS = 100;

interface SendReport {
  at: number;
  acked: number;
  errors: Record<string, number>;
}

export class FailoverTracker {
  private readonly faults: FailoverFault[] = [];
  /**
   * Per group, born-time bucket (100 ms) → earliest receipt of a message born in it. Faults are
   * told when their action returns (a restart: after the node is back), so recovery is found
   * afterwards from these, not as receipts come.
   */
  private readonly firstReceipts = new Map<string, Map<number, number>>();
  /** Epoch ms. */
  private readonly roles: RoleChange[] = [];
  private readonly reports: SendReport[] = [];
  private readonly groups = new Set<string>();

  constructor(private readonly startedAt: number) {}

  /** The consumer groups whose recovery is measured (a group that never receives again shows null). */
  addGroup(group: string): void {
    this.groups.add(group);
  }

  faultBegan(fault: FailoverFault): void {
    this.faults.push(fault);
  }

  /** `atMs` epoch. */
  roleChanged(change: RoleChange): void {
    this.roles.push(change);
  }

  /** Every role change so far, `atMs` epoch. */
  roleChanges(): readonly RoleChange[] {
    return this.roles;
  }

  /** A producer's progress report (about 4 per second per producer; all kept, they are small). */
  sendReport(at: number, acked: number, errors: Record<string, number>): void {
    this.reports.push({ at, acked, errors });
  }

  /** A delivery to a group of a message born at `bornAt` (epoch ms), received at `receivedAt`. */
  receipt(group: string, bornAt: number, receivedAt: number): void {
    let buckets = this.firstReceipts.get(group);
    if (!buckets) this.firstReceipts.set(group, (buckets = new Map()));
    const bucket = Math.floor(bornAt / BUCKET_MS);
    const known = buckets.get(bucket);
    if (known === undefined || receivedAt < known) buckets.set(bucket, receivedAt);
  }

  /**
   * receipt() for every receipt of a batch. A batch's messages were mostly born in the same
   * 100 ms bucket, so each run of one bucket is folded to its earliest receipt first and the
   * map is touched once per run; the map ends the same (the earliest receipt per bucket).
   */
  receipts(group: string, receipts: Pick<ReceiptColumns, 'count' | 'born' | 'received'>): void {
    const { count, born, received } = receipts;
    if (count === 0) return;
    let buckets = this.firstReceipts.get(group);
    if (!buckets) this.firstReceipts.set(group, (buckets = new Map()));
    let bucket = Math.floor(born[0]! / BUCKET_MS);
    let earliest = received[0]!;
    for (let i = 1; i <= count; i++) {
      const next = i < count ? Math.floor(born[i]! / BUCKET_MS) : Number.NaN;
      if (next === bucket) {
        if (received[i]! < earliest) earliest = received[i]!;
        continue;
      }
      const known = buckets.get(bucket);
      if (known === undefined || earliest < known) buckets.set(bucket, earliest);
      bucket = next;
      if (i < count) earliest = received[i]!;
    }
  }

  /** The earliest receipt by the group of a message born at or after `from` (to the bucket: 100 ms). */
  private firstReceiptBornAfter(group: string, from: number): number | undefined {
    const first = Math.ceil(from / BUCKET_MS);
    let earliest: number | undefined;
    for (const [bucket, at] of this.firstReceipts.get(group) ?? []) {
      if (bucket >= first && (earliest === undefined || at < earliest)) earliest = at;
    }
    return earliest;
  }

  /** Faults that hit a broker so far. */
  get faultCount(): number {
    return this.faults.length;
  }

  summary(endedAt: number): FailoverSummary {
    const rel = (at: number) => at - this.startedAt;
    const records: FailoverRecord[] = this.faults.map((f, i) => {
      const next = this.faults.slice(i + 1).find((o) => o.brokerName === f.brokerName);
      const windowEnd = next?.beganAt ?? endedAt;
      const elected = this.electedAfter(f, windowEnd);
      const send = this.sendRecovery(f.beganAt, windowEnd);
      return {
        fault: f.fault,
        target: f.target,
        node: f.node,
        brokerName: f.brokerName,
        beganAtMs: rel(f.beganAt),
        masterBefore: this.masterAt(f.brokerName, f.beganAt),
        electMs: elected ? elected.at - f.beganAt : null,
        newMaster: elected?.master ?? null,
        sendRtoMs: send.recoveredAt === null ? null : send.recoveredAt - f.beganAt,
        failedSends: send.failed,
        consumeRtoMs: Object.fromEntries(
          [...this.groups].sort().map((g) => {
            const at = this.firstReceiptBornAfter(g, f.beganAt);
            return [g, at === undefined ? null : at - f.beganAt];
          }),
        ),
      };
    });
    return { roles: this.roles.map((r) => ({ ...r, atMs: rel(r.atMs) })), faults: records };
  }

  /** The master of a broker name just before `at`, by the timeline (its first entry is the watch's start). */
  private masterAt(brokerName: string, at: number): string | null {
    let master: string | null = null;
    for (const r of this.roles) if (r.brokerName === brokerName && r.atMs < at) master = r.master;
    return master;
  }

  private electedAfter(f: FailoverFault, windowEnd: number): { at: number; master: string } | undefined {
    const masterBefore = this.masterAt(f.brokerName, f.beganAt);
    const changes = this.roles.filter(
      (r) => r.brokerName === f.brokerName && r.atMs >= f.beganAt && r.atMs < windowEnd,
    );
    let sawNone = false;
    for (const change of changes) {
      if (change.master === null) sawNone = true;
      else if (change.master !== masterBefore || sawNone) return { at: change.atMs, master: change.master };
    }
    // The master never went away (a fault on a slave, or one the cluster rode out).
    if (!sawNone && changes.length === 0 && masterBefore !== null && (f.node !== masterBefore || f.keepsRole))
      return { at: f.beganAt, master: masterBefore };
    return undefined;
  }

  private sendRecovery(from: number, to: number): { recoveredAt: number | null; failed: Record<string, number> } {
    const inWindow = this.reports.filter((r) => r.at >= from && r.at < to);
    let lastFailure = -1;
    inWindow.forEach((r, i) => {
      if (Object.values(r.errors).some((n) => n > 0)) lastFailure = i;
    });
    const failed: Record<string, number> = {};
    if (lastFailure < 0) return { recoveredAt: from, failed };
    for (const r of inWindow.slice(0, lastFailure + 1))
      for (const [code, n] of Object.entries(r.errors)) failed[code] = (failed[code] ?? 0) + n;
    const recovered = inWindow.slice(lastFailure + 1).find((r) => r.acked > 0);
    return { recoveredAt: recovered?.at ?? null, failed };
  }
}
