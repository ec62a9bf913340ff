/**
 * Brings a run folder recorded under an older summary schema (3 or 5) up to the current
 * schema, from what the folder itself recorded, so tests that read a real run's numbers keep
 * their run. Only fields that can be derived honestly are added:
 * - from 3 (before loss accounting): each group's duplicate breakdown, from the folder's
 *   `duplicate` events (scope, instance, id, queue, cause and time are all in them; the plans
 *   behind these fixtures send no tags); lost breakdown: empty, and lostExplained 0, which is
 *   only true of a run that lost nothing, so a run with loss is refused (its lost messages'
 *   queues and windows were never recorded);
 * - from 5 (before the ordering check): each group's ordering, unchecked, which is only true
 *   of a run without ordered producers, so a run whose plan (its `plans/<name>.yaml`) has one
 *   is refused (its deliveries' order was never recorded).
 * Usage, from the repository root: node --import tsx scripts/upgrade-summary-fixture.ts <run folder>...
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BreakdownBuilder } from '../src/metrics/loss-breakdown.ts';
import { UNCHECKED_ORDERING } from '../src/metrics/ordering.ts';
import { parseMessageId } from '../src/report/message-life.ts';
import { SUMMARY_SCHEMA_VERSION } from '../src/result/run-summary.ts';

interface OldGroup {
  scope: string;
  lost: number;
  [key: string]: unknown;
}

interface OldSummary {
  schemaVersion: number;
  run: { plan: string; startedAt: string; endedAt: string };
  groups: OldGroup[];
}

for (const dir of process.argv.slice(2)) {
  const file = join(dir, 'summary.json');
  const summary = JSON.parse(readFileSync(file, 'utf8')) as OldSummary;
  if (summary.schemaVersion === 3) addBreakdowns(file, dir, summary);
  else if (summary.schemaVersion !== 5) throw new Error(`${file}: schema ${summary.schemaVersion}, expected 3 or 5`);
  addUncheckedOrdering(file, summary);
  summary.schemaVersion = SUMMARY_SCHEMA_VERSION;
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
  console.log(`${file}: schema ${SUMMARY_SCHEMA_VERSION}`);
}

/** Schema 3 → 5: the loss and duplicate breakdown (5 itself only added aborted summaries). */
function addBreakdowns(file: string, dir: string, summary: OldSummary): void {
  const lossy = summary.groups.filter((g) => g.lost > 0);
  if (lossy.length > 0) throw new Error(`${file}: ${lossy.map((g) => g.scope).join(', ')} lost messages`);
  const startedAt = Date.parse(summary.run.startedAt);
  const builders = new Map(summary.groups.map((g) => [g.scope, new BreakdownBuilder(startedAt)]));
  for (const line of readFileSync(join(dir, 'events.ndjson'), 'utf8').split('\n')) {
    if (!line.includes('"type":"duplicate"')) continue;
    const e = JSON.parse(line) as {
      at: number;
      scope: string;
      instance: string;
      id: string;
      queue: string;
      cause: string;
    };
    const { producerId, seq } = parseMessageId(e.id);
    builders.get(e.scope)?.addDuplicate({
      producerId,
      seq,
      queue: e.queue,
      tag: '',
      instance: e.instance,
      window: e.cause,
      receivedAt: e.at,
    });
  }
  const endedAt = Date.parse(summary.run.endedAt);
  summary.groups = summary.groups.map((g) => ({
    ...g,
    lostExplained: 0,
    breakdown: builders.get(g.scope)!.build(endedAt),
  }));
}

/** Schema 5 → 6: each group's ordering, unchecked: only for a plan without ordered producers. */
function addUncheckedOrdering(file: string, summary: OldSummary): void {
  const planFile = join('plans', `${summary.run.plan}.yaml`);
  if (!existsSync(planFile)) throw new Error(`${file}: no ${planFile} to tell whether it had ordered producers`);
  if (/^\s*ordered:/m.test(readFileSync(planFile, 'utf8')))
    throw new Error(`${file}: ${planFile} has ordered producers, whose deliveries' order was not recorded`);
  summary.groups = summary.groups.map((g) => ({ ...g, ordering: UNCHECKED_ORDERING }));
}
