/**
 * The fault-action extension point: one implementation per action (`network.down`, `kill`,
 * `restart`, `drift`, ...) in `faults/actions/`, keyed by the action's spec
 * (`plan/fault-specs/<action>.ts`: its parameters, targets and resolved params) and registered
 * by name in `faults/registry.ts`. The scheduler calls `begin` at the requested time; the
 * returned handle's `end` undoes the fault (at its duration's end, or on abort: every begun
 * fault is ended however a run ends).
 */
import type { SubscriptionMap } from '../protocol/index.ts';
import type { RoleResolver } from '../cluster/roles.ts';
import type { NodeControl } from '../cluster/node-control.ts';
import type { NetworkControl } from '../network/network-control.ts';
import type { AnyFaultSpec, RuntimeParams } from '../plan/fault-specs/fault-spec.ts';

/** What actions act on; each implementation uses the parts it needs. */
export interface FaultContext {
  /** Toxiproxy links by name (`clients->broker-a`, `broker-a->namesrv`, ...); absent without Toxiproxy. */
  network?: NetworkControl;
  /** Cluster nodes (`namesrv-0`, `broker-a`, `broker-a-s1`, `proxy`). */
  nodes?: NodeControl;
  /** Fleet instances (`billing#1`, `orders#0`). */
  fleet?: FleetControl;
  /** Role targets (`broker-a@master`) to nodes, asked when the fault fires; absent without replicas. */
  roles?: RoleResolver;
  /** The run's agents (`agent-2`); absent for a single-host run. */
  agents?: AgentControl;
  /** The cluster's ACL users (`orders-app`); absent without cluster.acl. */
  acl?: AclControl;
  log: (line: string) => void;
}

export interface FleetControl {
  instances(): string[];
  kill(instance: string): Promise<void>;
  pause(instance: string): Promise<void>;
  resume(instance: string): Promise<void>;
  restart(instance: string, options: { hard: boolean; downMs: number; subscription?: SubscriptionMap }): Promise<void>;
  /** Adds (positive) or removes (negative) instances of a consumer fleet. */
  scale(fleet: string, delta: number): Promise<string[]>;
}

export interface AclControl {
  users(): string[];
  /** Takes the user's permission on `resource` away on every broker; `restore` gives it back. */
  revoke(user: string, resource: string): Promise<{ restore: () => Promise<void> }>;
}

export interface AgentControl {
  names(): string[];
  /** The agent and every instance on it, gone at once (a lost host); resolves once the run has seen it lost. */
  kill(agent: string): Promise<void>;
}

/** Begin/end as observed (ms since epoch), next to the requested times, for the timeline. */
export interface ObservedFault {
  begunAt: number;
  endedAt?: number;
  /** What the action actually did, e.g. `toxic latency 200ms±50ms downstream on clients->broker-a`. */
  detail: string;
  /** The cluster node a process fault hit (a role target resolved), for failover measurement. */
  node?: string;
  /**
   * The node keeps serving through the fault (a full or slow store): its master stays master,
   * nothing elects, and the failover record measures only how long sends and groups took.
   */
  keepsRole?: boolean;
}

export interface FaultHandle {
  readonly observed: ObservedFault;
  /** Undoes the fault; safe to call twice; must not throw for a target that is already gone. */
  end(): Promise<void>;
}

/** An action as the scheduler sees it: by name, with params as plain records. */
export interface FaultAction {
  readonly name: string;
  begin(target: string, params: Record<string, unknown>, context: FaultContext): Promise<FaultHandle>;
}

/**
 * One action's begin (and, through its handle, end), keyed by its spec: `begin` receives
 * exactly the params the spec's runtime schema gives, which the registry checks at the
 * scheduler's untyped boundary. `begin` is a property, not a method, so its params are
 * checked strictly: an implementation written for another spec's params does not compile.
 */
export interface FaultImplementation<S extends AnyFaultSpec> {
  readonly spec: S;
  readonly begin: (target: string, params: RuntimeParams<S>, context: FaultContext) => Promise<FaultHandle>;
}
