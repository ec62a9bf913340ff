/**
 * The network under a run: one Toxiproxy proxy per link a plan may fault. Link names:
 * `producers->broker-a`, `consumers->broker-a` (clients reach a broker through a per-role
 * listener, so consumers can be cut off from a broker that still serves producers),
 * `clients->namesrv-0`, `clients->proxy`, `broker-a->namesrv-0` (registration),
 * `broker-a->broker-a-s1` (HA replication).
 */
export type ToxicStream = 'upstream' | 'downstream';

export interface Toxic {
  /** Unique per link; the fault scheduler names toxics after the fault occurrence. */
  name: string;
  /** Toxiproxy toxic type: latency, bandwidth, slow_close, timeout, reset_peer, slicer, limit_data. */
  type: string;
  stream: ToxicStream;
  /** 0..1, Toxiproxy's probability that a connection gets the toxic. */
  toxicity: number;
  attributes: Record<string, number>;
}

export interface NetworkControl {
  links(): string[];
  setEnabled(link: string, enabled: boolean): Promise<void>;
  addToxic(link: string, toxic: Toxic): Promise<void>;
  removeToxic(link: string, name: string): Promise<void>;
  /** Every link enabled, every toxic removed (the end of a run, an abort). */
  reset(): Promise<void>;
}
