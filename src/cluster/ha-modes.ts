/**
 * The cluster's high-availability modes and how many replicas each gives a broker name. The
 * first replica is `broker-a`, the others `broker-a-s1`, `broker-a-s2`: in `controller` and
 * `dledger` modes those are replica names, not roles (the master changes on failover), and a
 * fault that means a role names it (`broker-a@master`, resolved when the fault fires).
 */
export const HA_MODES = ['none', 'master-slave', 'controller', 'dledger'] as const;
export type HaMode = (typeof HA_MODES)[number];

/** `slavesPerMaster` when the plan gives none. */
export function defaultSlavesPerMaster(ha: HaMode): number {
  return ha === 'none' ? 0 : ha === 'dledger' ? 2 : 1;
}

/** `ha` when the plan gives none: today's fixed roles when it asks for slaves. */
export function defaultHaMode(slavesPerMaster: number | undefined): HaMode {
  return slavesPerMaster !== undefined && slavesPerMaster > 0 ? 'master-slave' : 'none';
}

/** Why a slave count does not fit the mode, or undefined when it does. */
export function slaveCountProblem(ha: HaMode, slavesPerMaster: number): string | undefined {
  if (ha === 'none' && slavesPerMaster > 0)
    return `ha none runs masters only: remove slavesPerMaster or set ha: master-slave`;
  if ((ha === 'master-slave' || ha === 'controller') && slavesPerMaster === 0)
    return `ha ${ha} needs at least one slave per master (slavesPerMaster 1 or 2)`;
  if (ha === 'dledger' && slavesPerMaster !== 2)
    return 'ha dledger runs a 3-node Raft group per broker name: slavesPerMaster is 2 (or leave it out)';
  return undefined;
}
