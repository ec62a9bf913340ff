/**
 * The fault-action extension point: one implementation per action (`network.down`, `kill`,
 * `restart`, `drift`, ...) in `faults/actions/`, registered by name in `faults/registry.ts`.
 * The scheduler calls `begin` at the requested time; the returned handle's `end` undoes the
 * fault (at its duration's end, or on abort: every begun fault is ended however a run ends).
 */
import type { NodeControl } from '../cluster/node-control.ts';
import type { NetworkControl } from '../network/network-control.ts';

/** What actions act on; each implementation uses the parts it needs. */
export interface FaultContext {
  /** Toxiproxy links by name (`clients->broker-a`, `broker-a->namesrv`, ...); absent without Toxiproxy. */
  network?: NetworkControl;
  /** Cluster nodes (`namesrv-0`, `broker-a`, `broker-a-s1`, `proxy`). */
  nodes?: NodeControl;
  /** Fleet instances (`billing#1`, `orders#0`). */
  fleet?: FleetControl;
  log: (line: string) => void;
}

export interface FleetControl {
  instances(): string[];
  kill(instance: string): Promise<void>;
  pause(instance: string): Promise<void>;
  resume(instance: string): Promise<void>;
  restart(
    instance: string,
    options: { hard: boolean; downMs: number; subscription?: Record<string, string> },
  ): Promise<void>;
  /** Adds (positive) or removes (negative) instances of a consumer fleet. */
  scale(fleet: string, delta: number): Promise<string[]>;
}

/** Begin/end as observed (ms since epoch), next to the requested times, for the timeline. */
export interface ObservedFault {
  begunAt: number;
  endedAt?: number;
  /** What the action actually did, e.g. `toxic latency 200ms±50ms downstream on clients->broker-a`. */
  detail: string;
}

export interface FaultHandle {
  readonly observed: ObservedFault;
  /** Undoes the fault; safe to call twice; must not throw for a target that is already gone. */
  end(): Promise<void>;
}

export interface FaultAction<Params = Record<string, unknown>> {
  readonly name: string;
  begin(target: string, params: Params, context: FaultContext): Promise<FaultHandle>;
}
