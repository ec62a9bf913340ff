/**
 * What every `network.*` action shares: finding the link, naming toxics after the fault so two
 * overlapping faults on one link coexist, and a `down` count per link so overlapping
 * `network.down` / `network.flap` faults re-enable a link only when the last one ends.
 */
import type { NetworkControl } from '../../network/network-control.ts';
import { isRoleTarget } from '../../cluster/roles.ts';
import { HarnessError, UsageError } from '../../util/errors.ts';
import type { FaultContext } from '../fault-action.ts';

/** The network of the run, with `link` among its links; a clear error otherwise. */
export function requireLink(action: string, link: string, context: FaultContext): NetworkControl {
  const network = context.network;
  if (!network) {
    throw new HarnessError(
      'network-off',
      `${action} on ${link}: this cluster runs without Toxiproxy`,
      undefined,
      'start the cluster with the network on (cluster.network: true)',
    );
  }
  const links = network.links();
  if (!links.includes(link)) throw new UsageError(`${action}: no link named "${link}" (links: ${links.join(', ')})`);
  return network;
}

/**
 * A link whose ends name roles (`broker-a@master->controller-0`) as the link of the nodes in
 * those roles now (`broker-a-s1->controller-0`); a plain link name as it is.
 */
export async function resolveLinkRoles(target: string, context: FaultContext): Promise<string> {
  if (!isRoleTarget(target)) return target;
  const roles = context.roles;
  if (!roles) throw new HarnessError('fault-target', `${target} names a role, and this cluster has no replicas to ask`);
  const ends = await Promise.all(target.split('->').map((end) => (isRoleTarget(end) ? roles.resolve(end) : end)));
  return ends.join('->');
}

let occurrence = 0;

/** A base name for what one fault adds: its occurrence name, or `action#n`. */
export function faultName(action: string, name: string | undefined): string {
  return name ?? `${action}#${++occurrence}`;
}

/** Down counts per network, per link. */
const downCounts = new WeakMap<NetworkControl, Map<string, number>>();

function counts(network: NetworkControl): Map<string, number> {
  let map = downCounts.get(network);
  if (!map) downCounts.set(network, (map = new Map()));
  return map;
}

/** Takes one `down` hold on a link; the first hold disables it. */
export async function holdDown(network: NetworkControl, link: string): Promise<void> {
  const map = counts(network);
  const before = map.get(link) ?? 0;
  map.set(link, before + 1);
  if (before > 0) return;
  try {
    await network.setEnabled(link, false);
  } catch (error) {
    map.set(link, (map.get(link) ?? 1) - 1);
    throw error;
  }
}

/** Gives one hold back; the last one re-enables the link. */
export async function releaseDown(network: NetworkControl, link: string): Promise<void> {
  const map = counts(network);
  const after = Math.max(0, (map.get(link) ?? 0) - 1);
  if (after === 0) map.delete(link);
  else map.set(link, after);
  if (after === 0) await network.setEnabled(link, true);
}
