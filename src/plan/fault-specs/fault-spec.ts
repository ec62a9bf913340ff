/**
 * A fault action described once: its name, a one-line description, whether it lasts, what it
 * targets, its plan parameters (each with the zod schema that validates it, help and example),
 * the checks that relate them, and the zod schema of the resolved params the action receives.
 * Everything else derives from this object: the plan's JSON Schema and validation messages
 * (`schema-faults.ts`, `cross-check-faults.ts`), the resolved TypeScript type
 * (`resolved-faults.ts`), the resolver (`resolve-faults.ts`), and the runtime validation and
 * typing of the implementation in `src/faults/actions/<action>.ts` (its begin/end).
 *
 * Why under src/plan and not src/faults: the plan needs the descriptions to validate and
 * resolve, and src/faults needs the plan's resolved types, so faults/ imports plan/. The
 * descriptions must sit on the lower side of that edge; an import the other way would make
 * the two folders a cycle. Implementations stay in src/faults (they talk to processes and
 * Toxiproxy, which the plan must not know about).
 */
import { z } from 'zod';
import type { PathSegment } from '../messages.ts';
import type { Raw } from '../raw.ts';
import type { PendingIssue } from '../zod-issues.ts';

/** What a target name refers to. Producer fleets are no target, but are recognised to say so. */
export type TargetKind =
  | 'link'
  | 'node'
  | 'producer-instance'
  | 'consumer-instance'
  | 'consumer-fleet'
  | 'producer-fleet'
  | 'agent'
  | 'acl-user';

/** One plan parameter (`latency: 200ms`): how it is validated and documented. */
export interface ParamField<S extends z.ZodType = z.ZodType> {
  /** Validates the value as written (with units); its messages are the plan's. */
  readonly schema: S;
  /** For editors; the JSON Schema adds which actions take it. */
  readonly help: string;
  /** A required parameter as an example, for "required key is missing" messages. */
  readonly example: string;
  /** Documented in the JSON Schema and filled in before `resolve` sees the values. */
  readonly default?: string | boolean;
}

export type ParamFields = Readonly<Record<string, ParamField>>;

/** Keeps a field's exact type, so `resolve` knows which parameters always have a value. */
export function param<const F extends ParamField>(field: F): F {
  return field;
}

/** Parameters that are required or have a default: `resolve` always gets them. */
type Filled<F extends ParamFields, Req extends string> = {
  [K in keyof F]: K extends Req ? K : F[K] extends { readonly default: string | boolean } ? K : never;
}[keyof F];

/** What `resolve` receives: each parameter's validated value, absent only when optional without default. */
export type ParamValues<F extends ParamFields, Req extends string> = {
  [K in Filled<F, Req>]: z.output<F[K]['schema']>;
} & { [K in Exclude<keyof F, Filled<F, Req>>]?: z.output<F[K]['schema']> };

/**
 * A check relating a fault's parameters (to each other, or to the rest of the plan), run on the
 * raw data like every cross-check. `K` are the parameter names it reads: a check that names a
 * parameter its action does not have does not compile.
 */
export interface ParamCheckContext<K extends string = string> {
  readonly fault: Raw;
  readonly fields: { readonly [P in K]: ParamField };
  readonly at: (...rest: PathSegment[]) => PathSegment[];
  readonly issues: PendingIssue[];
  /** The plan's topics, or undefined when `topics` is too broken to list. */
  readonly declaredTopics: readonly string[] | undefined;
  /** The brokers' RocketMQ version (for SQL92 grammar). */
  readonly serverVersion: string;
}

export type ParamCheck<K extends string = string> = (context: ParamCheckContext<K>) => void;

/**
 * Keys every action accepts at run time besides its own, as the scheduler adds them:
 * `faultName`, the occurrence's name (`<fault>-<index>`: toxic names derive from it), and
 * `seed` (used by `network.flap`'s jitter; accepted and unused by the others). Other unknown
 * keys are errors: a misspelt `latency` for `latencyMs` must not silently become a 0 ms toxic.
 */
export const commonShape = { faultName: z.string().min(1).optional(), seed: z.number().int().optional() };

type Lasts = 'always' | 'never' | 'optional';

export interface FaultDefinition<
  Name extends string,
  F extends ParamFields,
  Req extends keyof F & string,
  Res extends z.ZodObject,
  Extra extends z.ZodRawShape,
> {
  readonly name: Name;
  /** One line, for the plan's JSON Schema and docs. */
  readonly description: string;
  /** `always`: needs a duration; `never`: instant, takes none; `optional`: either. */
  readonly lasts: Lasts;
  readonly targets: readonly TargetKind[];
  /** How messages name what the action takes: "links", "nodes and fleet instances". */
  readonly targetsPhrase: string;
  /** For instant actions: what to use instead of a duration. */
  readonly insteadOfDuration?: string;
  /** The plan's parameters, in the order messages and the JSON Schema list them. */
  readonly params: F;
  readonly required?: readonly Req[];
  readonly checks?: readonly ParamCheck<keyof F & string>[];
  /** An instant action that keeps its target busy for this parameter: `every` must be longer. */
  readonly repeatsAfter?: { readonly param: keyof F & string; readonly why: string };
  /** The resolved params, in the units the action uses: the plan's `ResolvedFault` params type. */
  readonly resolved: Res;
  /** Params only the run adds (with defaults for direct callers), never the plan. */
  readonly runtimeOnly?: Extra;
  /** Plan values (validated, defaults filled) to resolved params. */
  resolve(params: ParamValues<F, Req>): z.output<Res>;
}

/** What the action's `begin` receives: the resolved params, the run's additions, `faultName` and `seed`. */
type RuntimeOf<Res extends z.ZodObject, Extra extends z.ZodRawShape> = z.output<Res> &
  z.output<z.ZodObject<Extra>> & { faultName?: string | undefined; seed?: number | undefined };

export interface FaultSpec<
  Name extends string = string,
  F extends ParamFields = ParamFields,
  Req extends keyof F & string = keyof F & string,
  Res extends z.ZodObject = z.ZodObject,
  Extra extends z.ZodRawShape = z.ZodRawShape,
> extends FaultDefinition<Name, F, Req, Res, Extra> {
  readonly required: readonly Req[];
  readonly paramNames: readonly (keyof F & string)[];
  /** Validates params at the scheduler's untyped boundary (strict: unknown keys are errors). */
  readonly runtime: z.ZodType<RuntimeOf<Res, Extra>>;
  /** Picks this action's parameters from a validated fault, fills defaults and resolves them. */
  resolveFrom(values: Raw): z.output<Res>;
}

/** Any action's spec, as the tables that list every action hold them. */
export type AnyFaultSpec = FaultSpec;

/**
 * An action's resolved params, and what its `begin` receives. Read through zod's typed
 * internals (`_zod.output`, what `z.output` resolves to) rather than `z.output`, a conditional
 * type: code generic over a spec (the toxic actions' shared begin) can then use what the
 * spec's constraint says its params have.
 */
export type ResolvedParams<S extends AnyFaultSpec> = S['resolved']['_zod']['output'];
export type RuntimeParams<S extends AnyFaultSpec> = S['runtime']['_zod']['output'];

export function defineFault<
  const Name extends string,
  const F extends ParamFields,
  const Req extends keyof F & string = never,
  Res extends z.ZodObject = z.ZodObject,
  Extra extends z.ZodRawShape = Record<never, never>,
>(definition: FaultDefinition<Name, F, Req, Res, Extra>): FaultSpec<Name, F, Req, Res, Extra> {
  const required: readonly Req[] = definition.required ?? [];
  // safeExtend keeps the resolved schema's strictness and refinements; TypeScript cannot compute
  // the merged shape of a generic object, so the type is spelled out (RuntimeOf is that merge).
  const runtime = definition.resolved.safeExtend({ ...commonShape, ...definition.runtimeOnly }) as unknown as z.ZodType<
    RuntimeOf<Res, Extra>
  >;
  return {
    ...definition,
    required,
    paramNames: Object.keys(definition.params) as (keyof F & string)[],
    runtime,
    resolveFrom(values) {
      const picked: Raw = {};
      for (const [key, field] of Object.entries(definition.params)) {
        const value = values[key] ?? field.default;
        if (value !== undefined) picked[key] = value;
        else if ((required as readonly string[]).includes(key))
          throw new Error(`internal: validated ${definition.name} fault has no ${key}`);
      }
      // Each value passed its field's schema (plan validation) and the required ones are there
      // (cross-checks): exactly the ParamValues `resolve` is typed for.
      return definition.resolve(picked as ParamValues<F, Req>);
    },
  };
}
