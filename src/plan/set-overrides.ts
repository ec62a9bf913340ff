/**
 * `--set key=value` overrides, applied to the YAML document before validation so an override
 * is checked exactly like the same edit made by hand. Problems with the argument itself (no
 * `=`, a malformed path, an index past the end of a list) are usage errors; a well-formed
 * override with a bad value is an ordinary plan issue that points into the argument.
 */
import { Pair, Scalar, YAMLMap, YAMLSeq, isAlias, isMap, isScalar, isSeq, parseDocument } from 'yaml';
import type { Document, Node } from 'yaml';
import { UsageError } from '../util/errors.ts';
import { formatPath, type PathSegment } from './messages.ts';
import { lineCounterFor, type OriginMap, type SourceOrigin } from './yaml-source.ts';

export const SET_FILE = '--set';

interface PathStep {
  segment: PathSegment;
  /** Offset of the segment in the argument, so created keys can be located. */
  start: number;
}

export interface SetArgument {
  argument: string;
  steps: PathStep[];
  value: string;
  /** 0-based offset of the value in the argument (`phases.load=abc` → 12). */
  valueOffset: number;
}

const EXAMPLE = 'such as phases.load=5s or fleets.consumers[1].instances=3';
const WORD = String.raw`[A-Za-z0-9_-]+`;
/** A key that is not a plain word, in JSON quotes as `formatPath` prints it: `thresholds["loss{group:a}"]`. */
const QUOTED = String.raw`\["(?:[^"\\]|\\.)*"\]`;
const PATH_THEN_EQUALS = new RegExp(String.raw`^((?:${WORD}|${QUOTED})(?:\.${WORD}|\[\d+\]|${QUOTED})*)=`);
const STEP = new RegExp(String.raw`(${WORD})|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]`, 'g');

function unquote(argument: string, quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    throw new UsageError(`--set ${argument}: ${quoted} is not a valid quoted key (JSON string escapes only)`);
  }
}

export function parseSetArgument(argument: string): SetArgument {
  const equals = argument.indexOf('=');
  if (equals <= 0) throw new UsageError(`--set ${argument}: expected key=value, ${EXAMPLE}`);
  const key = PATH_THEN_EQUALS.exec(argument)?.[1];
  if (key === undefined) {
    throw new UsageError(
      `--set ${argument}: "${argument.slice(0, equals)}" is not a plan path (keys separated by dots, list ` +
        'indexes in brackets, other keys in quotes and brackets such as thresholds["loss{group:billing}"], ' +
        `${EXAMPLE})`,
    );
  }
  const steps = [...key.matchAll(STEP)].map((match) => ({
    segment: match[1] ?? (match[3] !== undefined ? unquote(argument, match[3]) : Number(match[2])),
    start: match.index,
  }));
  return { argument, steps, value: argument.slice(key.length + 1), valueOffset: key.length + 1 };
}

function usage(set: SetArgument, problem: string): UsageError {
  return new UsageError(`--set ${set.argument}: ${problem}`);
}

/** The value as YAML (`5s`, `3`, `{smoke: "*"}`, `[a, b]`), tagged with where it came from. */
function valueNode(set: SetArgument, origins: OriginMap, rank: number): Node {
  const lineCounter = lineCounterFor(set.value);
  const parsed = parseDocument(set.value, { uniqueKeys: true, logLevel: 'error' });
  if (parsed.errors.length > 0) {
    const reason = parsed.errors[0]?.message.replace(/ at line \d+, column \d+:[\s\S]*$/, '') ?? 'not YAML';
    throw usage(set, `the value is not valid YAML (${reason}); quote it, e.g. key='"text"'`);
  }
  const node: Node = (parsed.contents as Node | null) ?? Object.assign(new Scalar(null), { range: [0, 0, 0] });
  origins.set(node, { file: SET_FILE, lineCounter, columnOffset: set.valueOffset, rank });
  return node;
}

function pairFor(map: YAMLMap, key: string): Pair | undefined {
  return map.items.find((item): item is Pair => String(isScalar(item.key) ? item.key.value : item.key) === key);
}

function isEmpty(node: unknown): boolean {
  return node === undefined || node === null || (isScalar(node) && node.value === null);
}

/** Applies every override in order; later ones see earlier ones, as repeated hand edits would. */
export function applySetOverrides(doc: Document, sets: readonly string[], origins: OriginMap): void {
  sets.forEach((argument, index) => applyOne(doc, parseSetArgument(argument), origins, index + 1));
}

function applyOne(doc: Document, set: SetArgument, origins: OriginMap, rank: number): void {
  // Keys and collections the override creates point at their segment in the argument.
  const argOrigin: SourceOrigin = { file: SET_FILE, lineCounter: lineCounterFor(set.argument), columnOffset: 0, rank };
  const created = <T extends Node>(node: T, start: number): T => {
    node.range = [start, start, start];
    origins.set(node, argOrigin);
    return node;
  };
  const value = valueNode(set, origins, rank);

  if (isEmpty(doc.contents)) doc.contents = created(new YAMLMap(), 0);
  let parent: unknown = doc.contents;
  for (const [i, step] of set.steps.entries()) {
    const here = formatPath(set.steps.slice(0, i).map((s) => s.segment)) || 'the plan';
    const next = set.steps[i + 1];
    let existing: unknown;
    if (typeof step.segment === 'string') {
      if (!isMap(parent))
        throw usage(set, `${here} is ${isSeq(parent) ? 'a list; use an index such as [0]' : 'not a map'}`);
      existing = pairFor(parent, step.segment)?.value;
    } else {
      if (!isSeq(parent)) throw usage(set, `${here} is ${isMap(parent) ? 'a map, not a list' : 'not a list'}`);
      const size = parent.items.length;
      if (step.segment > size) {
        const items = `${size} item${size === 1 ? '' : 's'}`;
        throw usage(set, `index ${step.segment} is out of range: ${here} has ${items} (use [${size}] to append one)`);
      }
      existing = parent.items[step.segment];
    }

    if (next !== undefined && (isMap(existing) || isSeq(existing))) {
      parent = existing;
      continue;
    }
    const there = formatPath(set.steps.slice(0, i + 1).map((s) => s.segment));
    if (next !== undefined && isAlias(existing)) throw usage(set, `${there} is a YAML alias; edit its anchor instead`);
    if (next !== undefined && !isEmpty(existing)) throw usage(set, `${there} is a single value, not a map or list`);

    const node =
      next === undefined
        ? value
        : created(typeof next.segment === 'number' ? new YAMLSeq() : new YAMLMap(), next.start);
    if (isMap(parent) && typeof step.segment === 'string') {
      const pair = pairFor(parent, step.segment);
      if (pair) pair.value = node;
      else parent.items.push(new Pair(created(new Scalar(step.segment), step.start), node));
    } else if (isSeq(parent) && typeof step.segment === 'number') {
      parent.items[step.segment] = node;
    }
    parent = node;
  }
}
