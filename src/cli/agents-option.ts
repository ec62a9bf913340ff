/**
 * `run --agents host:port,...`: the plan's agents from the command line, as `--set` overrides so
 * they are validated like the same edit made in the file. A plan that declares agents keeps
 * their names and settings and gets these addresses, in order; one without gets agent-1..N.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { AGENT_ADDRESS } from '../plan/schema-agents.ts';
import { UsageError } from '../util/errors.ts';

export function agentSets(list: string, declared: readonly string[]): string[] {
  const addresses = list
    .split(',')
    .map((a) => a.trim())
    .filter(Boolean);
  const bad = addresses.find((a) => !AGENT_ADDRESS.test(a));
  if (addresses.length === 0 || bad !== undefined)
    throw new UsageError(`--agents ${list}: expected host:port,host:port such as 10.0.0.11:7420,10.0.0.12:7420`);
  if (declared.length === 0)
    return [`agents=[${addresses.map((a, i) => `{name: agent-${i + 1}, address: "${a}"}`).join(', ')}]`];
  if (declared.length !== addresses.length)
    throw new UsageError(
      `--agents gives ${addresses.length} address${addresses.length === 1 ? '' : 'es'}, and the plan declares ` +
        `${declared.length} agents (${declared.join(', ')}): give one address per declared agent, in that order`,
    );
  return addresses.map((a, i) => `agents[${i}].address=${a}`);
}

/**
 * The agent names a plan file declares, read loosely (before `--agents` is applied, a plan that
 * places fleets on agents it gets from `--agents` would not validate); whatever is wrong with the
 * file is reported by the real load that follows.
 */
export function declaredAgentNames(path: string): string[] {
  try {
    const doc: unknown = parse(readFileSync(path, 'utf8'));
    const agents = (doc as { agents?: unknown } | null)?.agents;
    return Array.isArray(agents)
      ? agents.map((a) => (a as { name?: unknown } | null)?.name).filter((n): n is string => typeof n === 'string')
      : [];
  } catch {
    return [];
  }
}
