/**
 * What a started cluster lets a run do to its nodes (`namesrv-0`, `broker-a`, `broker-a-s1`,
 * `proxy`): each provider implements it for its own kind of node (JVM processes, containers);
 * fault actions use it.
 */
export interface NodeControl {
  names(): string[];
  kill(node: string): Promise<void>;
  pause(node: string): Promise<void>;
  resume(node: string): Promise<void>;
  /** Stops (gracefully or with SIGKILL) and starts again with the same config and store. */
  restart(node: string, options: { hard: boolean; downMs: number }): Promise<void>;
  /** A broker's store dir when it is a bounded filesystem of its own (disk faults fill it); else undefined. */
  boundedStore?(node: string): string | undefined;
}
