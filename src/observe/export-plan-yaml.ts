/**
 * An exported plan as the YAML file a person reads and edits: the header as a comment at the
 * top, then the plan in the shipped plans' style (subscriptions, tags, expectations and faults
 * on one line each).
 */
import { Document, isMap, isSeq, type Node } from 'yaml';
import type { PlanExport } from './export-plan.ts';

/** Keys whose values read best on one line, as in plans/tag-drift.yaml. */
const FLOW_KEYS = new Set(['subscription', 'tags', 'instances']);

export function exportedPlanYaml(exported: PlanExport): string {
  const doc = new Document(exported.plan);
  doc.commentBefore = exported.header.map((line) => (line === '' ? '' : ` ${line}`)).join('\n');
  flowStyle(doc.contents);
  for (const path of [['expect', 'diagnoses'], ['faults']]) {
    const list = doc.getIn(path, true);
    if (isSeq(list)) for (const item of list.items) if (isMap(item)) item.flow = true;
  }
  for (const { path, text } of exported.comments) {
    const node = doc.getIn(path, true) as Node | undefined;
    if (node) node.comment = ` ${text}`;
  }
  return doc.toString({ lineWidth: 0 });
}

function flowStyle(node: Node | null): void {
  if (isMap(node)) {
    for (const pair of node.items) {
      const value = pair.value as Node | null;
      const key = (pair.key as { value?: unknown } | null)?.value;
      if ((isMap(value) || isSeq(value)) && typeof key === 'string' && FLOW_KEYS.has(key)) value.flow = true;
      else flowStyle(value);
    }
  } else if (isSeq(node)) {
    for (const item of node.items) flowStyle(item as Node | null);
  }
}
