/**
 * The `faults:` list: one map per fault, with the common keys (name, action, target, timing)
 * and the action's parameters flat next to them. Every key any action takes is typed here, by
 * the field its action's spec declares (`fault-specs/`), so a bad value gets its own message
 * wherever it appears; which keys an action allows or needs, and everything that relates a
 * fault to the rest of the plan (targets, phases, names), is `cross-check-faults.ts`'s job,
 * which knows the action and runs even when other fields are broken. The zod side lets
 * unknown keys through to those checks (they can suggest keys of the fault's own action); the
 * JSON Schema still forbids them, per action, for editors.
 */
import { z } from 'zod';
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { FAULT_ACTIONS, FAULT_ACTION_NAMES, FAULT_COMMON_KEYS, FAULT_PARAM_FIELDS } from './fault-catalogue.ts';
import type { AnyFaultSpec } from './fault-specs/fault-spec.ts';
import { describeValue } from './messages.ts';
import { RUN_PHASES } from './phase-lengths.ts';
import { FLEET_NAME } from './schema-names.ts';
import { duration, integer, list, map, oneOf, opt, patterned, req } from './schema-primitives.ts';

export const TARGET_EXAMPLE = 'consumers->broker-a, broker-a or billing#0';
const TARGET_FORMS = `a target name such as ${TARGET_EXAMPLE}, a list of them, or {random: [...], pick: 1}`;

const targetName = () => patterned(/^\S+$/, `a target name without spaces such as ${TARGET_EXAMPLE}`);

const randomTarget = map(
  {
    random: req(
      list(targetName(), 'target names to pick from').min(1, { error: 'expected at least one target to pick from' }),
      'Targets to pick from, anew for every occurrence (seeded: the same plan and seed pick the same).',
    ),
    pick: opt(integer(1), 'How many different targets each occurrence picks; at most as many as listed.', D.fault.pick),
  },
  'random target settings (random, pick)',
);

const target = z.union(
  [
    targetName(),
    list(targetName(), 'target names').min(1, { error: 'expected at least one target' }).meta({ minItems: 1 }),
    randomTarget,
  ],
  { error: (iss) => `expected ${TARGET_FORMS}, got ${describeValue(iss.input)}` },
);

/**
 * Value rules of the common keys, unwrapped: the cross-checks ask these whether a raw value
 * is valid before reasoning with it, so they never add a second message to the schema's.
 */
export const FAULT_COMMON_VALUES = {
  name: patterned(FLEET_NAME, 'a name of lowercase letters, digits and dashes such as "cut-consumers"'),
  action: oneOf(FAULT_ACTION_NAMES),
  target,
  phase: oneOf(RUN_PHASES),
  at: duration({ max: L.phaseMaxMs }),
  duration: duration({ min: 0, minExclusive: true }),
  every: duration({ min: 0, minExclusive: true }),
  count: integer(L.faultCount.min, L.faultCount.max),
} satisfies Record<(typeof FAULT_COMMON_KEYS)[number], z.ZodType>;

function actionsTaking(param: string): string {
  return FAULT_ACTION_NAMES.filter((name) => Object.hasOwn(FAULT_ACTIONS[name].params, param)).join(', ');
}

/** Every action's parameters as optional fields, each documented with the actions that take it. */
const PARAM_FIELDS: Record<string, z.ZodOptional> = Object.fromEntries(
  [...FAULT_PARAM_FIELDS].map(([key, field]) => [
    key,
    opt(field.schema, `${field.help} For ${actionsTaking(key)}.`, field.default),
  ]),
);

const ACTION_HELP = FAULT_ACTION_NAMES.map((name) => `${name}: ${FAULT_ACTIONS[name].description}`).join(' ');

/** Per action, for editors: the keys it allows, and the ones it needs. */
const PER_ACTION = FAULT_ACTION_NAMES.map((name) => {
  const spec: AnyFaultSpec = FAULT_ACTIONS[name];
  const common = FAULT_COMMON_KEYS.filter((key) => key !== 'duration' || spec.lasts !== 'never');
  return {
    if: { properties: { action: { const: name, description: spec.description } }, required: ['action'] },
    then: {
      propertyNames: { enum: [...common, ...spec.paramNames] },
      required: [...(spec.lasts === 'always' ? ['duration'] : []), ...spec.required],
    },
  };
});

const C = FAULT_COMMON_VALUES;

const fault = map(
  {
    name: opt(C.name, 'Name in reports and logs, unique among faults. Default: <action>-<index>, e.g. network.down-0.'),
    action: req(C.action, `What the fault does. ${ACTION_HELP}`),
    target: req(
      C.target,
      'What it acts on: a link (producers->broker-a, consumers->broker-a, clients->namesrv-0, ' +
        'clients->proxy, broker-a->namesrv-0, broker-a->broker-a-s1) for network actions; a node (namesrv-0, ' +
        'broker-a, broker-a-s1, proxy) or fleet instance (billing#0) for kill, pause and restart; a consumer ' +
        'fleet for scale; a consumer instance for drift. A list acts on each; {random: [...], pick: 1} picks ' +
        'anew for every occurrence.',
    ),
    phase: opt(
      C.phase,
      'The phase whose start at counts from: warmup, load, chaos (faults while producers send), heal ' +
        '(recovery) or drain.',
      D.fault.phase,
    ),
    at: opt(C.at, 'When the first occurrence starts, from the start of phase.', D.fault.at),
    duration: opt(
      C.duration,
      'How long each occurrence lasts: required for actions that last, not allowed for instant ones (kill, ' +
        'restart, scale).',
    ),
    every: opt(C.every, "Time from one occurrence's start to the next; longer than duration. Needs count."),
    count: opt(
      C.count,
      `How many occurrences, ${L.faultCount.min} to ${L.faultCount.max}; more than 1 needs every.`,
      D.fault.count,
    ),
    ...PARAM_FIELDS,
  },
  'fault settings',
)
  // Unknown keys reach the cross-checks, which know the action and suggest its own keys.
  .catchall(z.unknown())
  .meta({ additionalProperties: false, allOf: PER_ACTION });

export const faults = list(fault, 'faults such as {action: kill, target: billing#0, at: 10s}');

export type FaultDocument = z.output<typeof fault>;
