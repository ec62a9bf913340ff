/**
 * Invariants hold for every plan unless it says otherwise (`expect.invariants`): a
 * clustering group loses nothing it subscribes to (at-least-once), every broadcasting
 * instance gets every message, nothing arrives that the run did not send. A plan that
 * reproduces a violation (tag drift loses messages) expects it `violated`: then the run
 * fails when the invariant holds, because the problem was not reproduced.
 */
import type { ScopeSummary } from '../metrics/ledger.ts';
import type { InvariantId } from '../plan/expectations-catalogue.ts';
import type { ResolvedPlan } from '../plan/resolved-plan.ts';

export interface InvariantResult {
  id: InvariantId;
  expected: 'hold' | 'violated';
  held: boolean;
  ok: boolean;
  /** The numbers behind it, e.g. `lost 0 of 2000 in billing`. */
  detail: string;
}

/** Scopes are `group` in clustering and `group/instance` in broadcasting (see measurements.ts). */
const isBroadcastScope = (s: ScopeSummary) => s.scope.includes('/');

export function evaluateInvariants(plan: ResolvedPlan, scopes: readonly ScopeSummary[]): InvariantResult[] {
  const results: InvariantResult[] = [];
  const add = (id: InvariantId, held: boolean, detail: string) => {
    const expected = plan.expect.invariants[id];
    if (expected === 'off') return;
    results.push({ id, expected, held, ok: held === (expected === 'hold'), detail });
  };
  const lostText = (list: readonly ScopeSummary[]) =>
    list.map((s) => `lost ${s.lost} of ${s.acked} in ${s.scope}`).join('; ');
  const clustering = scopes.filter((s) => !isBroadcastScope(s));
  if (clustering.length > 0)
    add(
      'no-loss',
      clustering.every((s) => s.lost === 0),
      lostText(clustering),
    );
  const broadcasting = scopes.filter(isBroadcastScope);
  if (broadcasting.length > 0) {
    const short = broadcasting.filter((s) => s.lost > 0);
    add(
      'broadcast-complete',
      short.length === 0,
      short.length === 0 ? `all ${broadcasting.length} broadcasting instances received every message` : lostText(short),
    );
  }
  if (scopes.length > 0) {
    const unexpected = scopes.reduce((n, s) => n + s.unexpected, 0);
    add('no-unexpected', unexpected === 0, `${unexpected} receipts of ids this run never sent`);
  }
  return results;
}
