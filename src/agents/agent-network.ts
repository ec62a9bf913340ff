/**
 * The run's NetworkControl when the client links live on the agents (agent-links.ts): every
 * call goes to every agent still connected, so `network.down` on `consumers->broker-a` cuts
 * the consumers of every host from broker-a at once. A lost host is skipped (its links went
 * with it); an agent that fails a call fails the fault, as a local Toxiproxy would.
 */
import type { NetworkControl, Toxic } from '../network/network-control.ts';
import { HarnessError } from '../util/errors.ts';
import type { AgentPool } from './agent-pool.ts';
import type { AgentLink } from './agent-protocol.ts';

export class AgentNetwork implements NetworkControl {
  private constructor(
    private readonly pool: AgentPool,
    private readonly names: string[],
  ) {}

  /** Makes `links` on every agent; the agents rewrite the workers they start to dial them. */
  static async create(
    pool: AgentPool,
    links: readonly AgentLink[],
    log: (line: string) => void,
  ): Promise<AgentNetwork> {
    const listeners = await pool.network({ op: 'links', links: [...links] });
    for (const [agent, made] of listeners) {
      const missing = links.filter((l) => made?.[l.name] === undefined).map((l) => l.name);
      if (missing.length > 0)
        throw new HarnessError('agent-links', `agent ${agent} did not make the links ${missing.join(', ')}`);
      log(`agent ${agent}: ${links.length} client links (${links.map((l) => `${l.name}->${l.upstream}`).join(', ')})`);
    }
    return new AgentNetwork(
      pool,
      links.map((l) => l.name),
    );
  }

  links(): string[] {
    return [...this.names].sort();
  }

  async setEnabled(link: string, enabled: boolean): Promise<void> {
    await this.pool.network({ op: 'enable', link, enabled });
  }

  async addToxic(link: string, toxic: Toxic): Promise<void> {
    await this.pool.network({ op: 'add-toxic', link, toxic });
  }

  async removeToxic(link: string, name: string): Promise<void> {
    await this.pool.network({ op: 'remove-toxic', link, name });
  }

  async reset(): Promise<void> {
    await this.pool.network({ op: 'reset' });
  }
}
