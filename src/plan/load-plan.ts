/**
 * Plan loading, end to end: read the file, parse YAML with positions, apply `--set`
 * overrides, validate (schema and cross-field rules), and resolve. Every problem found is
 * reported at once, sorted by position, as one PlanError; a problem with the command line
 * itself (missing file, malformed `--set`) is a UsageError.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { PlanError, UsageError, type PlanIssue } from '../util/errors.ts';
import { crossCheck } from './cross-checks.ts';
import { checkDiskHost, type DiskHost } from './cross-check-disk.ts';
import { describeValue, formatPath } from './messages.ts';
import type { ResolvedPlan } from './resolved-plan.ts';
import { resolvePlan } from './resolve-plan.ts';
import { readPlanSecrets, redactSecretSet, withoutLiteralSecrets } from './plan-secrets.ts';
import { record } from './raw.ts';
import { planSchema } from './schema.ts';
import { applySetOverrides } from './set-overrides.ts';
import { fromZodIssues, type PendingIssue } from './zod-issues.ts';
import { locate, parsePlanYaml, type OriginMap, type Position } from './yaml-source.ts';

/** `smoke` → `<plansDir>/smoke.yaml`; anything with a `/` or a YAML extension is a path already. */
export function resolvePlanPath(nameOrPath: string, plansDir: string): string {
  if (nameOrPath.includes('/') || nameOrPath.includes('\\') || /\.ya?ml$/i.test(nameOrPath)) return nameOrPath;
  return join(plansDir, `${nameOrPath}.yaml`);
}

/** A plan is a page of YAML; a file this large is a mistake or an attack, refused before parsing. */
export const DEFAULT_MAX_PLAN_BYTES = 1024 ** 2;

export interface LoadPlanOptions {
  /** Refuse files larger than this (default 1 MiB; `--max-plan-size`). */
  maxBytes?: number;
  /** What this machine can do for disk faults: given by commands that start a cluster here. */
  diskHost?: DiskHost;
}

export async function loadPlanFile(
  path: string,
  sets: readonly string[] = [],
  options: LoadPlanOptions = {},
): Promise<ResolvedPlan> {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_PLAN_BYTES;
  let bytes: Buffer;
  try {
    const size = (await stat(path)).size;
    if (size > maxBytes) {
      throw new UsageError(
        `plan file ${path} is ${formatBytes(size)}, over the ${formatBytes(maxBytes)} limit for a plan`,
        'a plan is a page of YAML; if this one really is that large, raise the limit with --max-plan-size',
      );
    }
    bytes = await readFile(path);
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new UsageError(
        `plan file not found: ${path}`,
        'give a plan name (plans/<name>.yaml) or a path to a YAML file',
      );
    }
    if (code === 'EISDIR') throw new UsageError(`plan path is a directory, not a file: ${path}`);
    throw new UsageError(`cannot read plan file ${path}: ${(error as Error).message}`);
  }
  return loadPlanText(planText(bytes, path), path, sets, options.diskHost);
}

/** The file as text, or one line saying why it is not a YAML text file (a binary given by mistake). */
export function planText(bytes: Uint8Array, path: string): string {
  const nul = bytes.indexOf(0);
  if (nul >= 0) throw new UsageError(`${path}: not a YAML text file: NUL byte at offset ${nul}`);
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError(`${path}: not a YAML text file: not valid UTF-8`);
  }
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

function byPosition(a: { issue: PlanIssue; at: Position }, b: { issue: PlanIssue; at: Position }): number {
  return (
    a.at.rank - b.at.rank ||
    a.at.line - b.at.line ||
    a.at.column - b.at.column ||
    a.issue.path.localeCompare(b.issue.path)
  );
}

export function loadPlanText(
  text: string,
  file: string,
  sets: readonly string[] = [],
  diskHost?: DiskHost,
): ResolvedPlan {
  const { doc, origin, issues: syntaxIssues } = parsePlanYaml(text, file);
  if (syntaxIssues.length > 0) throw new PlanError(syntaxIssues);

  const origins: OriginMap = new WeakMap();
  applySetOverrides(doc, sets, origins);

  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml throws here for alias bombs (an alias expanding too many times).
    const message = `YAML could not be read: ${(error as Error).message}`;
    throw new PlanError([{ file, line: 1, column: 1, path: '', message }]);
  }
  if (data === null || data === undefined) {
    const message = 'the plan is empty: it needs at least description, topics and phases.load';
    throw new PlanError([{ file, line: 1, column: 1, path: '', message }]);
  }

  const parsed = planSchema.safeParse(data, {
    // Every schema field words its own errors; this only catches a rule that forgot to.
    error: (iss) => `invalid value, got ${describeValue(iss.input)}`,
  });
  const secrets = readPlanSecrets(data, file);
  const pending: PendingIssue[] = [
    ...(parsed.success ? [] : fromZodIssues(parsed.error.issues, data, planSchema)),
    ...crossCheck(data),
    ...secrets.issues,
  ];
  if (diskHost) checkDiskHost(record(data) ?? {}, diskHost, pending);
  const place = (list: readonly PendingIssue[]) => locateIssues(list, doc, origin, origins);
  if (pending.length === 0 && parsed.success) {
    const thresholdKeys = Object.keys(record(record(data)?.thresholds) ?? {});
    const plan = resolvePlan(parsed.data, file, sets.map(redactSecretSet), thresholdKeys, secrets.users);
    const warnings = place(secrets.warnings);
    return {
      ...plan,
      source: {
        ...plan.source,
        // Unchanged text when nothing was overridden: the user's layout and comments, byte for byte.
        // Never a literal secret: the text becomes the run's plan.yaml.
        text:
          withoutLiteralSecrets(doc, secrets.users, data) ??
          (sets.length === 0 ? text : doc.toString({ lineWidth: 0 })),
        ...(warnings.length > 0 ? { warnings } : {}),
      },
    };
  }
  throw new PlanError(place(pending));
}

function locateIssues(
  pending: readonly PendingIssue[],
  doc: Parameters<typeof locate>[0],
  origin: Parameters<typeof locate>[3],
  origins: OriginMap,
): PlanIssue[] {
  const seen = new Set<string>();
  const located = pending
    .map((p) => {
      const at = locate(doc, p.path, p.anchor, origin, origins, p.valueOffset);
      const issue: PlanIssue = {
        file: at.file,
        line: at.line,
        column: at.column,
        path: formatPath(p.shownPath ?? p.path),
        message: p.message,
      };
      return { issue, at };
    })
    .sort(byPosition)
    // Zod flags -2.5 twice (not an integer, too small) with the same words; say it once.
    .filter(({ issue, at }) => {
      const key = `${at.rank}:${issue.line}:${issue.column}:${issue.path}:${issue.message}`;
      return !seen.has(key) && Boolean(seen.add(key));
    });
  return located.map(({ issue }) => issue);
}
