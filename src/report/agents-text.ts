/**
 * Fleets on agents in words, shared by the console summary and summary.md: each agent, its
 * instances and clock, and a lost one with what it took; and the clock error that bounds every
 * cross-host latency figure.
 */
import type { RunSummary } from '../result/run-summary.ts';

type Agents = NonNullable<RunSummary['agents']>;

const signed = (ms: number) => `${ms >= 0 ? '+' : ''}${ms.toFixed(1)}`;

export function agentLines(agents: Agents, startedAt: number): string[] {
  return agents.hosts.map((a) => {
    const lost = a.lost
      ? `; LOST at ${((a.lost.at - startedAt) / 1000).toFixed(1)}s (${a.lost.why}), taking ` +
        `${a.lost.instances.join(', ') || 'no instance'}`
      : '';
    return (
      `${a.name} (${a.address}): ${a.instances.join(', ') || 'no instances'}; clock ${signed(a.clock.offsetMs)} ms ` +
      `± ${a.clock.errorMs.toFixed(1)} ms${lost}`
    );
  });
}

/** ` (± 0.4 ms clock error)` after an end-to-end latency figure of a run on agents; '' otherwise. */
export function clockErrorSuffix(agents: Agents | undefined): string {
  return agents ? ` (± ${agents.e2eClockErrorMs.toFixed(1)} ms clock error across hosts)` : '';
}
