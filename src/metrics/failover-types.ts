/**
 * What a run measured about master switches (cluster.ha other than none, or any fault on a
 * broker): who was master when, and per fault that hit a broker, how long the cluster took
 * to elect, and how long producers and each group took to work again. Times are ms since
 * the run started; a null duration means it never happened before the run ended.
 */
export interface RoleChange {
  atMs: number;
  brokerName: string;
  /** The node now master of this broker name (`broker-a-s1`), or null while none is listed. */
  master: string | null;
}

export interface FailoverRecord {
  /** The fault's name in the plan. */
  fault: string;
  /** As planned: `broker-a@master`, `broker-a`. */
  target: string;
  /** The node the fault hit (a link fault: the node at its near end, `broker-a->controller-0`). */
  node: string;
  brokerName: string;
  beganAtMs: number;
  /** Master before the fault (the node hit, when it was master). */
  masterBefore: string | null;
  /** From the fault until a master other than none was listed again (the same node after a restart counts). */
  electMs: number | null;
  newMaster: string | null;
  /** From the fault until the first acked send made after the last failed one (0 when no send failed). */
  sendRtoMs: number | null;
  /** Sends that failed from the fault until sends recovered, by error code. */
  failedSends: Record<string, number>;
  /** By consumer group: from the fault until the group received a message sent after the fault began. */
  consumeRtoMs: Record<string, number | null>;
}

export interface FailoverSummary {
  roles: RoleChange[];
  faults: FailoverRecord[];
}
