/**
 * The run's NetworkControl when the client links live on the agents (agent-links.ts): a call on
 * a link goes to every agent still connected, so `network.down` on `consumers->broker-a` cuts
 * the consumers of every host from broker-a at once; on `agent-2/consumers->broker-a`, to that
 * agent only. A lost host is skipped (its links went
 * with it); an agent that fails a call fails the fault, as a local Toxiproxy would.
 */
import type { NetworkControl, Toxic } from '../network/network-control.ts';
import { agentLinkParts } from '../plan/fault-targets.ts';
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

  /** Every link, and each agent's own copy of it (`agent-2/consumers->broker-a`). */
  links(): string[] {
    const agents = this.pool.names();
    return [...this.names, ...agents.flatMap((agent) => this.names.map((link) => `${agent}/${link}`))].sort();
  }

  async setEnabled(link: string, enabled: boolean): Promise<void> {
    const { agent, name } = this.route(link);
    await this.pool.network({ op: 'enable', link: name, enabled }, agent);
  }

  async addToxic(link: string, toxic: Toxic): Promise<void> {
    const { agent, name } = this.route(link);
    await this.pool.network({ op: 'add-toxic', link: name, toxic }, agent);
  }

  async removeToxic(link: string, name: string): Promise<void> {
    const route = this.route(link);
    await this.pool.network({ op: 'remove-toxic', link: route.name, name }, route.agent);
  }

  /** `agent-2/consumers->broker-a`: that agent's copy only; a bare link name: every agent's. */
  private route(link: string): { agent?: string; name: string } {
    const parts = agentLinkParts(link);
    return parts && this.pool.names().includes(parts.agent) ? { agent: parts.agent, name: parts.link } : { name: link };
  }

  async reset(): Promise<void> {
    await this.pool.network({ op: 'reset' });
  }
}
