/**
 * The YAML side of plan loading: parse with positions, turn syntax errors into plan issues,
 * and find the line:column of whatever a validation issue is about. Nodes may come from the
 * plan file or from a `--set` argument; each carries its origin so a bad override points at
 * the argument, not at a line of the file it never appeared in.
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  Scalar,
  visit,
  type YAMLMap,
} from 'yaml';
import type { PlanIssue } from '../util/errors.ts';
import type { PathSegment } from './messages.ts';

/** Where a node's offsets point: a file (or `--set`), and how to turn offsets into line:column. */
export interface SourceOrigin {
  file: string;
  lineCounter: LineCounter;
  /** Added to columns on line 1: a `--set` value starts part-way into its argument. */
  columnOffset: number;
  /** Sort key: the plan file first, then `--set` arguments in command-line order. */
  rank: number;
}

/** Nodes that did not come from the plan file, mapped to the argument they came from. */
export type OriginMap = WeakMap<object, SourceOrigin>;

export interface ParsedPlanSource {
  doc: Document.Parsed;
  origin: SourceOrigin;
  issues: PlanIssue[];
}

export interface Position {
  file: string;
  line: number;
  column: number;
  rank: number;
}

export function positionOf(origin: SourceOrigin, offset: number): Position {
  const { line, col } = origin.lineCounter.linePos(offset);
  const safeLine = Math.max(1, line);
  return {
    file: origin.file,
    line: safeLine,
    column: safeLine === 1 ? col + origin.columnOffset : col,
    rank: origin.rank,
  };
}

/** yaml's own wording, minus the code frame it appends (we print our own position). */
function yamlMessage(code: string, message: string, text: string, offset: number): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'tabs are not allowed for indentation in YAML (indent with spaces)';
    case 'MULTIPLE_DOCS':
      return 'a plan is one YAML document, but "---" starts a second one';
    case 'DUPLICATE_KEY': {
      const key = /^\s*("[^"\n]*"|'[^'\n]*'|[^:\n]+?)\s*:/.exec(text.slice(offset))?.[1];
      return key
        ? `duplicate key ${key.startsWith('"') ? key : JSON.stringify(key)} in this map`
        : 'duplicate key in this map';
    }
    default: {
      const bare = message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').replace(/; please use .*$/, '');
      return `YAML syntax error: ${bare.charAt(0).toLowerCase()}${bare.slice(1)}`;
    }
  }
}

/**
 * A LineCounter filled from the text itself. The one yaml fills while parsing skips line
 * breaks inside a malformed block scalar, which shifts every later position by a line.
 */
export function lineCounterFor(text: string): LineCounter {
  const lineCounter = new LineCounter();
  lineCounter.addNewLine(0);
  for (const match of text.matchAll(/\r\n|\r|\n/g)) lineCounter.addNewLine(match.index + match[0].length);
  return lineCounter;
}

export function parsePlanYaml(text: string, file: string): ParsedPlanSource {
  const lineCounter = lineCounterFor(text);
  // logLevel 'error': yaml would otherwise print process warnings (e.g. for map keys that are maps).
  // uniqueKeys off: yaml checks each key against every earlier one (quadratic: a 1 MiB map of keys
  // took a minute); duplicates are found below with a set per map, in the same words.
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: false, logLevel: 'error' });
  const origin: SourceOrigin = { file, lineCounter, columnOffset: 0, rank: 0 };
  const issueAt = (offset: number, message: string): PlanIssue => {
    const { line, column } = positionOf(origin, offset);
    return { file, line, column, path: '', message };
  };
  // One syntax error per line: after the first, yaml's errors on the same line are mostly echoes.
  const lines = new Set<number>();
  const issues = doc.errors
    .map((error) => issueAt(error.pos[0], yamlMessage(error.code, error.message, text, error.pos[0])))
    .filter((issue) => !lines.has(issue.line) && Boolean(lines.add(issue.line)));
  // toJS() would throw on these; report them like any other syntax error, with a position.
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        const id = keyIdentity(pair.key);
        if (id === undefined) continue;
        if (seen.has(id)) {
          const offset = isNodeWithRange(pair.key) ? (pair.key.range?.[0] ?? 0) : 0;
          const at = issueAt(offset, yamlMessage('DUPLICATE_KEY', '', text, offset));
          if (!lines.has(at.line)) {
            lines.add(at.line);
            issues.push(at);
          }
        }
        seen.add(id);
      }
    },
    Alias(_key, alias) {
      if (alias.resolve(doc) === undefined) {
        const message = `YAML alias *${alias.source} refers to no anchor &${alias.source} defined before it`;
        issues.push(issueAt(alias.range?.[0] ?? 0, message));
      }
    },
  });
  issues.sort((a, b) => a.line - b.line || a.column - b.column);
  return { doc, origin, issues };
}

/** Two scalar keys are the same key when their values are (yaml's rule); other keys are not compared. */
function keyIdentity(key: unknown): string | undefined {
  if (!isScalar(key)) return undefined;
  return `${typeof key.value}:${String(key.value)}`;
}

function keyText(key: unknown): string {
  return String(isScalar(key) ? key.value : key);
}

type PlanMap = YAMLMap<unknown, unknown>;
const pairIndex = new WeakMap<PlanMap, Map<string, PlanMap['items'][number]>>();

/** A map's pairs by key text (the first of equal keys), built once: locating every issue of a big map stays linear. */
function pairsByKey(map: PlanMap): Map<string, PlanMap['items'][number]> {
  let index = pairIndex.get(map);
  if (!index) {
    index = new Map();
    for (const item of map.items) {
      const key = keyText(item.key);
      if (!index.has(key)) index.set(key, item);
    }
    pairIndex.set(map, index);
  }
  return index;
}

/**
 * Position of the value at `path` (or of its key, for unknown keys). Walks as deep as the
 * document goes: an issue about something absent points at its closest existing parent.
 */
export function locate(
  doc: Document,
  path: readonly PathSegment[],
  anchor: 'value' | 'key',
  mainOrigin: SourceOrigin,
  origins: OriginMap,
  valueOffset?: number,
): Position {
  let node: unknown = doc.contents;
  let origin = (node !== null && typeof node === 'object' && origins.get(node)) || mainOrigin;
  let target: Node | null = isNodeWithRange(node) ? node : null;
  let targetOrigin = origin;
  for (const [index, segment] of path.entries()) {
    if (isAlias(node)) node = node.resolve(doc);
    let next: unknown;
    let keyNode: unknown;
    if (isMap(node)) {
      const pair = pairsByKey(node).get(String(segment));
      if (!pair) break;
      keyNode = pair.key;
      next = pair.value ?? pair.key;
    } else if (isSeq(node) && typeof segment === 'number') {
      next = node.items[segment];
    } else {
      break;
    }
    const last = index === path.length - 1;
    const chosen = last && anchor === 'key' && keyNode ? keyNode : next;
    if (chosen !== null && typeof chosen === 'object') origin = origins.get(chosen) ?? origin;
    if (isNodeWithRange(chosen)) {
      target = chosen;
      targetOrigin = origin;
    }
    node = next;
  }
  const start = target?.range?.[0] ?? 0;
  const inside = valueOffset !== undefined && isScalar(target) ? offsetInScalar(target, valueOffset) : 0;
  return positionOf(targetOrigin, start + inside);
}

/**
 * Where character `offset` of a string scalar's value sits in its source, from the node's
 * start: exact for one-line plain, single-quoted ('' is one quote) and escape-free
 * double-quoted scalars; 0 (the value's start) when folding or escapes make it uncertain.
 */
function offsetInScalar(node: Scalar, offset: number): number {
  const value = node.value;
  const [start, end] = node.range ?? [0, 0];
  if (typeof value !== 'string' || offset > value.length) return 0;
  const span = end - start;
  switch (node.type) {
    case Scalar.PLAIN:
      return span === value.length && !value.includes('\n') ? offset : 0;
    case Scalar.QUOTE_SINGLE: {
      const quotesBefore = value.slice(0, offset).split("'").length - 1;
      const encoded = value.length + (value.split("'").length - 1) + 2;
      return span === encoded && !value.includes('\n') ? 1 + offset + quotesBefore : 0;
    }
    case Scalar.QUOTE_DOUBLE:
      return span === value.length + 2 && !/["\\\n]/.test(value) ? 1 + offset : 0;
    default:
      return 0;
  }
}

function isNodeWithRange(value: unknown): value is Node {
  return value !== null && typeof value === 'object' && 'range' in value && Array.isArray(value.range);
}
