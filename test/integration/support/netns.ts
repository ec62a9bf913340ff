/**
 * Separate hosts for agent tests: Linux network namespaces joined by a bridge, each with an
 * address of its own (10.231.<n>.0/24, the host at .1), so agents in them reach this machine's
 * cluster only over the bridge, as agents on other machines would. Needs root and `ip`; tests
 * skip, saying so, without them. Names carry this process's pid so runs side by side do not
 * collide, and `removeHosts` takes everything down again.
 */
import { execFileSync, spawnSync } from 'node:child_process';

export interface TestHosts {
  /** The bridge's address on this machine: what agents dial for the cluster. */
  hostAddress: string;
  /** One address per namespace, in order. */
  addresses: string[];
  namespaces: string[];
  bridge: string;
}

/** Why netns hosts cannot be made here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return `\`ip netns\` is unavailable (${probe.error?.message ?? probe.stderr})`;
  return undefined;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

export function makeHosts(count: number, subnet = 231 + (process.pid % 20)): TestHosts {
  const tag = `${process.pid % 100000}`;
  const bridge = `rmqc${tag}`;
  const prefix = `10.${subnet}.0`;
  const hosts: TestHosts = { hostAddress: `${prefix}.1`, addresses: [], namespaces: [], bridge };
  try {
    ip('link', 'add', bridge, 'type', 'bridge');
    ip('addr', 'add', `${prefix}.1/24`, 'dev', bridge);
    ip('link', 'set', bridge, 'up');
    for (let i = 0; i < count; i++) {
      const ns = `rmqc${tag}-${i}`;
      const hostEnd = `rmqv${tag}${i}`;
      const address = `${prefix}.${11 + i}`;
      ip('netns', 'add', ns);
      hosts.namespaces.push(ns);
      ip('link', 'add', hostEnd, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('link', 'set', hostEnd, 'master', bridge);
      ip('link', 'set', hostEnd, 'up');
      ip('-n', ns, 'link', 'set', 'lo', 'up');
      ip('-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      ip('-n', ns, 'route', 'add', 'default', 'via', hosts.hostAddress);
      hosts.addresses.push(address);
    }
    return hosts;
  } catch (error) {
    removeHosts(hosts);
    throw error;
  }
}

/** Removes the namespaces (their veth ends go with them) and the bridge; safe to call twice. */
export function removeHosts(hosts: TestHosts): void {
  for (const ns of hosts.namespaces) spawnSync('ip', ['netns', 'del', ns]);
  spawnSync('ip', ['link', 'del', hosts.bridge]);
}

/** The command line that runs `command` inside namespace `ns`. */
export function inNamespace(ns: string, command: string, args: string[]): { command: string; args: string[] } {
  return { command: 'ip', args: ['netns', 'exec', ns, command, ...args] };
}
