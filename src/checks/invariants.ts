/**
 * Invariants hold for every plan unless it says otherwise (`expect.invariants`): a
 * clustering group loses nothing it subscribes to (at-least-once), every broadcasting
 * instance gets every message, nothing arrives that the run did not send, and where ordered
 * producers feed a scope, it sees each key's messages in send order. A plan that
 * reproduces a violation (tag drift loses messages) expects it `violated`: then the run
 * fails when the invariant holds, because the problem was not reproduced.
 */
import type { ScopeSummary } from '../metrics/ledger.ts';
import type { OrderingResult } from '../metrics/ordering.ts';
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

/** A scope as invariants read it: the ledger's counts and, when judged, its ordering. */
export type InvariantScope = ScopeSummary & { ordering?: OrderingResult };

export function evaluateInvariants(plan: ResolvedPlan, scopes: readonly InvariantScope[]): InvariantResult[] {
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
  // Off by itself (no result) where no ordered producer feeds any scope: nothing to judge.
  const ordered = scopes.filter((s) => s.ordering?.checked);
  if (ordered.length > 0) {
    const reordered = ordered.filter((s) => (s.ordering?.reordered ?? 0) > 0);
    add('ordered', reordered.length === 0, orderingText(ordered, reordered));
  }
  const dead = scopes.filter((s) => s.deadLetters !== undefined);
  if (dead.length > 0)
    add(
      'dead-letters-exact',
      dead.every((s) => s.deadLetters?.readBack && s.deadLetters.missing === 0 && s.deadLetters.unexpected === 0),
      dead.map(deadLetterText).join('; '),
    );
  return results;
}

function orderingText(checked: readonly InvariantScope[], reordered: readonly InvariantScope[]): string {
  if (reordered.length === 0) return `every key in order in ${checked.map((s) => s.scope).join(', ')}`;
  return reordered
    .map(({ scope, ordering: o }) => {
      const keys = o ? `${o.keys.join(', ')}${o.keysAffected > o.keys.length ? ', ...' : ''}` : '';
      return `reordered ${o?.reordered ?? 0} in ${scope} (worst gap ${o?.worstGap ?? 0}; keys ${keys})`;
    })
    .join('; ');
}

function deadLetterText({ scope, deadLetters: d }: InvariantScope): string {
  if (!d) return scope;
  if (!d.readBack) return `%DLQ%${scope} was not read back`;
  return (
    `${d.deadLettered} of ${d.expected} poison messages in %DLQ%${scope}, ${d.missing} missing, ` +
    `${d.unexpected} unexpected`
  );
}
