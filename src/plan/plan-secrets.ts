/**
 * Reads the secrets `cluster.acl` refers to, when the plan is loaded: a missing environment
 * variable or unreadable file is a plan error at the secret's line (exit 2 before anything
 * starts), a literal secret in the plan a warning. Messages name where a secret should come
 * from, never its value.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { REDACTED, Secret } from '../util/secret.ts';
import type { Document } from 'yaml';
import { items, record, str } from './raw.ts';
import type { SecretSource } from './resolved-plan.ts';
import { SECRET_ENV, SECRET_FILE, SECRET_GENERATED } from './schema-acl.ts';
import type { PendingIssue } from './zod-issues.ts';

export interface PlanSecrets {
  /** By user index in cluster.acl.users. */
  users: { source: SecretSource; secret: Secret }[];
  issues: PendingIssue[];
  warnings: PendingIssue[];
}

export function secretSource(text: string, planFile: string): SecretSource {
  const env = SECRET_ENV.exec(text);
  if (env) return { from: 'env', name: env[1] as string };
  const file = SECRET_FILE.exec(text);
  if (file) return { from: 'file', path: resolve(dirname(planFile), file[1] as string) };
  return text === SECRET_GENERATED ? { from: 'generated' } : { from: 'literal' };
}

/** A random secret for one run: 24 bytes, base64url (what `generated` draws; the harness's admin too). */
export function generatedSecret(): Secret {
  return new Secret(randomBytes(24).toString('base64url'));
}

function read(source: SecretSource, text: string, env: NodeJS.ProcessEnv): { secret: Secret } | { problem: string } {
  switch (source.from) {
    case 'env': {
      const value = env[source.name];
      if (value === undefined || value === '')
        return { problem: `the environment variable ${source.name} is not set (or empty): export it before the run` };
      return { secret: new Secret(value) };
    }
    case 'file': {
      let value: string;
      try {
        value = readFileSync(source.path, 'utf8').replace(/\r?\n$/, '');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        return { problem: `the secret file ${shownPath(source.path)} cannot be read (${code})` };
      }
      if (value === '') return { problem: `the secret file ${shownPath(source.path)} is empty` };
      return { secret: new Secret(value) };
    }
    case 'generated':
      return { secret: generatedSecret() };
    case 'literal':
      return { secret: new Secret(text) };
  }
}

/** A `--set` of a secret (any key path naming one), its value hidden: what a plan keeps of it. */
export function redactSecretSet(set: string): string {
  return /^[^=]*secret[^=]*=/i.test(set) ? `${set.slice(0, set.indexOf('='))}=${REDACTED}` : set;
}

/** The environment variable a plan's text names in place of a user's literal secret. */
export function secretEnvName(user: string): string {
  return `RMQ_CHAOS_SECRET_${user.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The plan's text with each literal secret replaced by an `env:` reference (comments and
 * layout kept). A resolved plan keeps this text, not the file's: it becomes the run's
 * plan.yaml, shared with the report, and a run of that copy asks for the variable it names.
 */
export function withoutLiteralSecrets(doc: Document, secrets: PlanSecrets['users'], data: unknown): string | undefined {
  const users = items(record(record(record(data)?.cluster)?.acl)?.users);
  const literal = secrets.flatMap((s, i) => (s.source.from === 'literal' ? [i] : []));
  if (literal.length === 0) return undefined;
  for (const i of literal) {
    const name = str(record(users[i])?.name) ?? `user_${i}`;
    doc.setIn(['cluster', 'acl', 'users', i, 'secret'], `env:${secretEnvName(name)}`);
  }
  return doc.toString({ lineWidth: 0 });
}

/** A path as a message shows it: from the working directory when it is under it, else absolute. */
function shownPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

/** `data` is the validated plan as plain data. */
export function readPlanSecrets(data: unknown, planFile: string, env: NodeJS.ProcessEnv = process.env): PlanSecrets {
  const users = record(record(record(data)?.cluster)?.acl)?.users;
  const out: PlanSecrets = { users: [], issues: [], warnings: [] };
  if (!Array.isArray(users)) return out;
  users.forEach((user: unknown, i) => {
    const text = record(user)?.secret;
    if (typeof text !== 'string') return;
    const path = ['cluster', 'acl', 'users', i, 'secret'];
    const source = secretSource(text, planFile);
    const result = read(source, text, env);
    if ('problem' in result) {
      out.issues.push({ path, anchor: 'value', message: result.problem });
      out.users.push({ source, secret: new Secret('') });
      return;
    }
    if (source.from === 'literal')
      out.warnings.push({
        path,
        anchor: 'value',
        message:
          'a literal secret in the plan: use env:NAME, file:PATH or generated (the value is never printed, and ' +
          "the run's plan.yaml replaces it with an env: reference)",
      });
    out.users.push({ source, secret: result.secret });
  });
  return out;
}
