/**
 * Ledger cost for 10 million receipts (one producer, one group): time and memory, against a
 * reference measured in the same run, the way a ledger is usually written first: a Map from
 * "producer:seq" to where the message went (queue, tag, send time, queue offset: what loss
 * accounting needs) and a Set of received ids. The ledger keeps the same facts (bitsets plus
 * MessageOrigins and QueuePositions). The reference holds 1 million ids (10 million would need
 * gigabytes), so figures are compared per message.
 */
import { Ledger } from '../src/metrics/ledger.ts';

const N = Number(process.env.BENCH_LEDGER_N ?? 10_000_000);
const REF_N = Math.min(N, 1_000_000);

function measure(label: string, work: () => number): { ms: number; bytes: number } {
  globalThis.gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const held = work();
  const ms = performance.now() - started;
  globalThis.gc?.();
  const after = process.memoryUsage();
  const bytes = Math.max(held, after.heapUsed + after.arrayBuffers - before.heapUsed - before.arrayBuffers);
  console.log(`  ${label.padEnd(34)} ${(ms / 1000).toFixed(2)} s  ${(bytes / 1024 / 1024).toFixed(1)} MiB`);
  return { ms, bytes };
}

export async function benchLedger(): Promise<void> {
  console.log(
    `ledger: ${N.toLocaleString('en')} acks (with origins) + receipts (1 producer, 1 group), and a Map/Set reference ` +
      `for ${REF_N.toLocaleString('en')}`,
  );
  let ledger: Ledger | undefined = new Ledger();
  const bitset = measure(`bitset ledger + origins, ${N / 1e6}M`, () => {
    const l = ledger!;
    const sentAt = Date.now();
    const queues = Array.from({ length: 8 }, (_, q) => `t@broker-a/${q}`);
    for (let seq = 0; seq < N; seq++)
      l.recordAcked('p#0', seq, '', {
        queue: queues[seq % 8]!,
        sentAt: sentAt + seq / 1000,
        queueOffset: Math.floor(seq / 8),
      });
    for (let seq = 0; seq < N; seq++) l.recordReceipt('g', 'p#0', seq, 'c#0');
    if (l.summarize('g').lost !== 0) throw new Error('ledger lost messages');
    return l.bytes();
  });
  const rssAfterBitset = process.resourceUsage().maxRSS / 1024;
  ledger = undefined;
  let reference: Map<string, unknown> | undefined;
  const naive = measure(`Map/Set reference, ${REF_N / 1e6}M`, () => {
    const acked = new Map<string, { queue: string; tag: string; sentAt: number; queueOffset: number }>();
    const received = new Set<string>();
    const queues = Array.from({ length: 8 }, (_, q) => `t@broker-a/${q}`);
    const sentAt = Date.now();
    for (let seq = 0; seq < REF_N; seq++)
      acked.set(`p#0:${seq}`, {
        queue: queues[seq % 8]!,
        tag: '',
        sentAt: sentAt + seq / 1000,
        queueOffset: Math.floor(seq / 8),
      });
    for (let seq = 0; seq < REF_N; seq++) received.add(`p#0:${seq}`);
    let lost = 0;
    for (const id of acked.keys()) if (!received.has(id)) lost++;
    if (lost !== 0) throw new Error('reference lost messages');
    reference = acked;
    return 0;
  });
  void reference;
  const perMsg = (r: { ms: number; bytes: number }, n: number) => ({ ns: (r.ms * 1e6) / n, bytes: r.bytes / n });
  const a = perMsg(bitset, N);
  const b = perMsg(naive, REF_N);
  console.log(
    `  per message: bitset ${a.ns.toFixed(0)} ns, ${a.bytes.toFixed(2)} B; reference ${b.ns.toFixed(0)} ns, ` +
      `${b.bytes.toFixed(1)} B`,
  );
  console.log(`  bitset / reference: time ${(a.ns / b.ns).toFixed(2)}, memory ${(a.bytes / b.bytes).toFixed(4)}`);
  console.log(
    `  process peak RSS: ${rssAfterBitset.toFixed(0)} MiB after the 10M bitset ledger, ` +
      `${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB after the reference`,
  );
}
