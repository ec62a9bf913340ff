/**
 * What checks read of a run's measurements: the ledger, the latency histograms, rebalance
 * events and the time series. The run's `Measurements` (run/measurements.ts) has all of
 * it; checks name only what they read, so they depend on metrics, not on the run.
 */
import type { FailoverSummary } from '../metrics/failover-types.ts';
import type { Histogram } from '../metrics/histogram.ts';
import type { Ledger } from '../metrics/ledger.ts';
import type { BacklogDrainResult } from '../metrics/backlog-drain.ts';
import type { RateSearchResult } from '../metrics/rate-search.ts';
import type { RebalanceEvent } from '../metrics/rebalance-tracker.ts';
import type { TimeSeriesRow } from '../metrics/time-series-row.ts';
import type { TimerLateness } from '../metrics/timer-lateness.ts';

export interface MeasuredRun {
  readonly ledger: Pick<Ledger, 'summarize' | 'totalAcked'>;
  readonly e2eLatency: Histogram;
  /** End-to-end latency per consumer group, for thresholds with a group selector. */
  readonly e2eByGroup: ReadonlyMap<string, Histogram>;
  readonly sendLatency: Histogram;
  readonly rebalance: { readonly events: RebalanceEvent[] };
  readonly rows: readonly TimeSeriesRow[];
  readonly dropped: number;
  /** Master switches, per fault on a broker (failover_rto). */
  readonly failover: { summary(endedAt: number): FailoverSummary };
  /** `rate: max`: the search's answer and curve, once it ran. */
  readonly rateSearch?: RateSearchResult | undefined;
  /** `backlog`: the build and drain, once it ran. */
  readonly backlogDrain?: BacklogDrainResult | undefined;
  /** Delayed messages' lateness (timer_lateness, timer_early). */
  readonly timers?: Pick<TimerLateness, 'tracking' | 'latenessHistogram' | 'earlyCount'>;
  totalSendErrors(): number;
  /** Ledger scopes: `group` in clustering, `group/instance` in broadcasting. */
  scopes(): string[];
}
