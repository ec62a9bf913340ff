/**
 * Failover records in words, for the console and summary.md: who was master before and after,
 * and how long election, sends and each group took ("never": not before the run ended).
 */
import type { FailoverRecord } from '../metrics/failover-types.ts';

export function durationText(ms: number | null): string {
  if (ms === null) return 'never';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** A fault on a slave, or one the master served through (a disk fault): nothing switched. */
function kept(r: FailoverRecord): boolean {
  return r.newMaster !== null && r.newMaster === r.masterBefore && r.electMs === 0;
}

export function switchText(r: FailoverRecord): string {
  if (kept(r)) return `${r.masterBefore} kept`;
  return `${r.masterBefore ?? 'none'} → ${r.newMaster ?? 'none'}`;
}

export function failedSendsText(r: FailoverRecord): string {
  const parts = Object.entries(r.failedSends).map(([code, n]) => `${code} ${n}`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

export function consumeRtoText(r: FailoverRecord): string {
  const parts = Object.entries(r.consumeRtoMs).map(([group, ms]) => `${group} ${durationText(ms)}`);
  return parts.length === 0 ? '–' : parts.join(', ');
}

/** One console line per record. */
export function failoverLine(r: FailoverRecord): string {
  return (
    `  failover  ${r.fault} (${r.target}) hit ${r.node}: master ${switchText(r)}` +
    `${kept(r) ? '' : `, elect ${durationText(r.electMs)}`}, ` +
    `send RTO ${durationText(r.sendRtoMs)} (failed sends: ${failedSendsText(r)}), ` +
    `consume RTO ${consumeRtoText(r)}`
  );
}
