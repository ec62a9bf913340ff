/**
 * Role targets: a fault that means "whoever is master of broker-a now" names
 * `broker-a@master` (or `broker-a@slave`, `controller@leader`), and the run resolves it to a
 * node when the fault fires, so a second fault can hit the *new* master.
 */
export type ReplicaRole = 'master' | 'slave' | 'leader';

export interface RoleTarget {
  /** `broker-a`, or `controller`. */
  group: string;
  role: ReplicaRole;
}

const ROLE_TARGET = /^(broker-[a-z]|controller)@(master|slave|leader)$/;

/** The role a target names, or undefined for a plain node name. */
export function parseRoleTarget(target: string): RoleTarget | undefined {
  const m = ROLE_TARGET.exec(target);
  return m ? { group: m[1]!, role: m[2] as ReplicaRole } : undefined;
}

export function isRoleTarget(target: string): boolean {
  return target.includes('@');
}

/** Resolves role targets to node names against the live cluster. */
export interface RoleResolver {
  /** The node in that role now; rejects (typed) when no node holds it. */
  resolve(target: string): Promise<string>;
  /** The master of a broker name by the latest view (no request), or null. */
  masterOf(brokerName: string): string | null;
}
