/**
 * Load hosts: the agents a plan's fleets may run on (`rmq-chaos agent` on each host), and each
 * fleet's placement on them. Without `agents`, every instance is a child process of the
 * coordinator, as always. Rules that relate agents to fleets (a placement names a declared
 * agent, instances within capacity) are in `cross-check-agents.ts`.
 */
import { z } from 'zod';
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { describeValue } from './messages.ts';
import { FLEET_NAME } from './schema-names.ts';
import { integer, list, map, opt, patterned, req, size } from './schema-primitives.ts';

/** host:port, the host a name or an IPv4 address. */
export const AGENT_ADDRESS = /^[A-Za-z0-9][A-Za-z0-9.-]*:\d{1,5}$/;
/** Kubernetes CPU quantity: cores ("2", "0.5") or millicores ("500m"). */
export const CPU_QUANTITY = /^(?:\d+(?:\.\d+)?|\d+m)$/;

const agentName = () => patterned(FLEET_NAME, 'a name of lowercase letters, digits and dashes such as "agent-1"', 63);

const agent = map(
  {
    name: req(agentName(), 'Agent name, unique in the plan; fault targets and placements use it.'),
    address: req(
      patterned(AGENT_ADDRESS, 'host:port such as "10.0.0.11:7420"', 255),
      'Where the coordinator reaches the agent (`rmq-chaos agent --listen`).',
    ),
    capacity: opt(
      integer(L.agentCapacity.min, L.agentCapacity.max),
      'Most fleet instances (worker processes) the agent runs at once; a plan that places more is refused.',
      D.agent.capacity,
    ),
    resources: opt(
      map(
        {
          cpu: opt(patterned(CPU_QUANTITY, 'cores such as "2" or millicores such as "500m"'), 'CPU per agent.'),
          memory: opt(size({ min: L.heapBytes.min }), 'Memory per agent, e.g. 2GiB.'),
        },
        'resources (cpu, memory)',
      ),
      'What the agent needs, for `k8s render` (requests and limits of each agent pod).',
    ),
  },
  'agent settings (name, address, capacity, resources)',
);

export const agents = list(agent, 'agents such as {name: agent-1, address: "10.0.0.11:7420"}').max(L.agents, {
  error: `expected at most ${L.agents} agents`,
});

export const PLACEMENT_WORDS = ['local', 'spread'] as const;

const PLACEMENT_EXPECTED = 'expected local, spread or {agent: <name>}';

/** `local`, `spread`, or `{agent: name}`. */
export const placement = () =>
  z.union(
    [
      // A string reaches only this branch's check (zod reports the branch its type matched).
      z.enum(PLACEMENT_WORDS, { error: (iss) => `${PLACEMENT_EXPECTED}, got ${describeValue(iss.input)}` }),
      z.strictObject({ agent: agentName().meta({ description: 'The agent every instance runs on.' }) }),
    ],
    {
      error: (iss) => `${PLACEMENT_EXPECTED}, got ${describeValue(iss.input)}`,
    },
  );

export const PLACEMENT_HELP =
  'Where the instances run: local (child processes of the coordinator), spread (over the agents, fewest ' +
  'instances first) or {agent: name}. Default: spread when the plan has agents, else local.';
