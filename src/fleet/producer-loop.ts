import type { ClientDriver, Producer } from '../drivers/driver.ts';
import { hashSeed, seededRandom, weightedPick } from '../util/random.ts';
import { buildMessage } from './identity.ts';
import type { FromWorker, ProducerConfig } from './protocol.ts';

const TICK_MS = 5;
const REPORT_EVERY_MS = 250;

/**
 * A constant-arrival-rate producer (k6's executor of that name): message i is due at
 * start + i/rate whatever happened to earlier sends, so a slow broker shows as latency and
 * dropped sends (in-flight cap reached), not as a quietly lower rate. Bounded by duration
 * and by maxMessages.
 */
export async function runProducer(config: ProducerConfig, driver: ClientDriver, send: (message: FromWorker) => void, stopSignal: AbortSignal): Promise<void> {
  const producer: Producer = await driver.createProducer({
    namesrvAddr: config.namesrvAddr,
    group: config.group,
    instanceName: config.producerId,
  });
  const random = seededRandom(hashSeed(`${config.seed}:${config.producerId}`));
  const tags = config.tags.map((t) => ({ value: t.tag, weight: t.weight }));
  let pendingAcks: number[] = [];
  let errors: Record<string, number> = {};
  let dropped = 0;
  let attempted = 0;
  let inFlight = 0;
  const inFlightDone = new Set<Promise<void>>();

  const flush = () => {
    if (pendingAcks.length === 0 && Object.keys(errors).length === 0 && dropped === 0) return;
    send({ type: 'acks', producerId: config.producerId, seqs: pendingAcks, attempted, errors, dropped });
    pendingAcks = [];
    errors = {};
    dropped = 0;
  };
  const reporter = setInterval(flush, REPORT_EVERY_MS);

  const sendOne = (seq: number) => {
    const tag = tags.length > 0 ? weightedPick(tags, random) : undefined;
    const message = buildMessage(config.runId, config.producerId, seq, config.topic, config.messageSize, tag);
    inFlight++;
    const done: Promise<void> = producer
      .send(message)
      .then(() => {
        pendingAcks.push(seq);
      })
      .catch((error: unknown) => {
        const code = (error as { code?: unknown }).code;
        const key = typeof code === 'string' || typeof code === 'number' ? String(code) : 'unknown';
        errors[key] = (errors[key] ?? 0) + 1;
      })
      .finally(() => {
        inFlight--;
        inFlightDone.delete(done);
      });
    inFlightDone.add(done);
  };

  const started = performance.now();
  const limit = config.maxMessages ?? Number.POSITIVE_INFINITY;
  let due = 0;
  try {
    while (!stopSignal.aborted) {
      const elapsed = performance.now() - started;
      if (elapsed >= config.durationMs || attempted >= limit) break;
      const shouldHaveStarted = Math.min(limit, Math.floor((elapsed / 1000) * config.ratePerSec) + 1);
      while (due < shouldHaveStarted) {
        if (inFlight >= config.maxInFlight) {
          dropped++;
        } else {
          sendOne(attempted);
          attempted++;
        }
        due++;
      }
      await new Promise((resolve) => setTimeout(resolve, TICK_MS));
    }
    await Promise.allSettled([...inFlightDone]);
  } finally {
    clearInterval(reporter);
    flush();
    send({ type: 'producer-done', producerId: config.producerId, attempted });
    await producer.close();
  }
}
