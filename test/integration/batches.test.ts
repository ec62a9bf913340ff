/**
 * plans/batches.yaml on a real broker, shortened: the batched fleet's messages (32 per
 * SEND_BATCH_MESSAGE) are all acked and each consumed once; the oversize fleet's every 10th
 * message (5 MiB, over the client's 4 MiB limit) is counted as a message-too-large send error,
 * never expected by the ledger, and the rest pass with no loss.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';

const plan = join(import.meta.dirname, '../../plans/batches.yaml');

describe('batches plan', () => {
  it('batched sends lose nothing; oversize messages are counted send errors of their own kind', async () => {
    const run = await runCli(plan, ['phases.warmup=3s', 'phases.load=8s', 'phases.drain=15s']);
    expect(run.code, run.output).toBe(0);
    const s = run.summary!;
    const tooLarge = s.producers.sendErrors['message-too-large'] ?? 0;
    // The oversize fleet sends about 50/s × 8 s = 400, so about 40 are too large.
    expect(tooLarge, run.output).toBeGreaterThanOrEqual(30);
    expect(Object.keys(s.producers.sendErrors)).toEqual(['message-too-large']);
    expect(s.producers.dropped).toBe(0);
    expect(s.producers.acked + tooLarge).toBe(s.producers.attempted);
    // The batched fleet's 500/s dominate: well over the oversize fleet's 400.
    expect(s.producers.acked).toBeGreaterThan(3000);
    expect(s.totals).toMatchObject({ lost: 0, duplicates: 0, unexpected: 0, unique: s.producers.acked });
  }, 120_000);
});
