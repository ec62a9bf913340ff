/**
 * The plan's data after `--set`, as the coordinator's plan is rewritten from it (the
 * ResolvedPlan has every default filled and units converted; written back it would be a
 * different plan to read). Call after loadPlanFile accepted the same text and sets.
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { applySetOverrides } from '../plan/set-overrides.ts';

export function rawPlanData(text: string, sets: readonly string[]): Record<string, unknown> {
  const doc = parseDocument(text);
  applySetOverrides(doc, sets, new WeakMap());
  const data = doc.toJS({ maxAliasCount: 100 }) as unknown;
  return data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
}

export async function readRawPlan(file: string, sets: readonly string[]): Promise<Record<string, unknown>> {
  return rawPlanData(await readFile(file, 'utf8'), sets);
}
