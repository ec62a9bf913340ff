/**
 * Assembles the summary of a run stopped before its verdict (result/run-summary.ts
 * AbortedRunSummary): why and where it stopped, what the resource owner released, and the
 * counts measured so far. Nothing is judged: an aborted run has no checks or verdict on them.
 */
import { percentiles } from '../metrics/histogram.ts';
import { type AbortedRunSummary, type RunAbort, SUMMARY_SCHEMA_VERSION } from '../result/run-summary.ts';
import { producerCounts, type RunRecordInput, summaryHeader } from './summary-header.ts';

export interface AbortedSummaryInput extends RunRecordInput {
  aborted: RunAbort;
}

export function buildAbortedSummary(input: AbortedSummaryInput): AbortedRunSummary {
  const m = input.measurements;
  return {
    schema: 'rmq-chaos/summary',
    schemaVersion: SUMMARY_SCHEMA_VERSION,
    ...summaryHeader(input),
    phases: input.phases,
    aborted: input.aborted,
    producers: producerCounts(m, input.phases),
    totals: { acked: m.ledger.totalAcked(), receipts: m.totalReceipts() },
    latency: { e2e: percentiles(m.e2eLatency), send: percentiles(m.sendLatency) },
    timeseries: m.rows,
    crashes: input.crashes,
    faults: input.faults,
    verdict: 'aborted',
  };
}
