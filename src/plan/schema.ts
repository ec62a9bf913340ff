/**
 * Plan v1 as a zod schema: the shape, the types and every per-field rule, each with a human
 * message. Strict everywhere: a misspelt key is an error, not silently a default. Defaults are
 * only documented here (`default` in the JSON Schema); `resolve-plan.ts` fills them.
 * Rules that relate fields to each other (topic references, unique names) live in
 * `cross-checks.ts` because they must run even when some other field is invalid.
 */
import { z } from 'zod';
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { describeValue } from './messages.ts';
import { METRICS, METRIC_NAMES, exampleThreshold, thresholdHelp, type MetricName } from './metric-catalogue.ts';
import { boolean, duration, integer, oneOf, patterned, positiveNumber, rate, size, text } from './schema-primitives.ts';
import { parseThresholdExpression, thresholdPattern } from './thresholds.ts';

export const FLEET_NAME = /^[a-z0-9][a-z0-9-]*$/;
export const TOPIC_NAME = /^[a-zA-Z0-9_-]+$/;
export const GROUP_NAME = /^[A-Za-z0-9_-]+$/;
/** RocketMQ tags: anything but whitespace, `|` (the `||` separator) and `*` (match-all). */
export const TAG_NAME = /^[^\s|*]+$/;
/** `*` or tags joined by `||`, as RocketMQ's TAG subscription expressions. */
export const TAG_EXPRESSION = /^\s*(?:\*|[^\s|*]+(?:\s*\|\|\s*[^\s|*]+)*)\s*$/;
export const BROKER_CONF_KEY = /^[A-Za-z][A-Za-z0-9_.]*$/;
/** One or more `host:port`, separated by `;` like RocketMQ's `namesrvAddr`. */
export const NAMESRV_ADDR = /^[^\s:;]+:\d{1,5}(?:;[^\s:;]+:\d{1,5})*$/;

/** Maps whose keys are not settings, so an unknown key gets a better noun ("unknown metric"). */
export const keyNouns = z.registry<{ keyNoun: string; listKnown: boolean }>();

/**
 * Description and documented default for editors; the field stays optional. The metadata goes
 * on the optional wrapper so the inner schema keeps its identity (see `keyNouns`).
 */
function opt<T extends z.ZodType>(schema: T, description: string, def?: string | number | boolean) {
  return schema.optional().meta(def === undefined ? { description } : { description, default: def });
}

function req<T extends z.ZodType>(schema: T, description: string): T {
  return schema.meta({ description });
}

/** A strict map whose type error names what the map holds. */
function map<S extends z.ZodRawShape>(shape: S, what: string) {
  return z.strictObject(shape, {
    error: (iss) => (iss.code === 'invalid_type' ? `expected a map of ${what}, got ${describeValue(iss.input)}` : undefined),
  });
}

function list<T extends z.ZodType>(element: T, what: string) {
  return z.array(element, { error: (iss) => `expected a list of ${what}, got ${describeValue(iss.input)}` });
}

const fleetName = () => patterned(FLEET_NAME, 'a name of lowercase letters, digits and dashes such as "orders"');
const topicName = () =>
  patterned(TOPIC_NAME, 'a topic name of letters, digits, "_" and "-" such as "orders"', L.topicNameLength);
const protocol = () => oneOf(['remoting', 'grpc']);
const instances = (def: number) =>
  opt(integer(L.instances.min, L.instances.max), 'Client processes in this fleet, one client each.', def);

const cluster = map(
  {
    provider: opt(oneOf(['local', 'containers', 'external']), 'Who runs the cluster: local JVMs, containers, or an existing cluster.', D.cluster.provider),
    namesrv: opt(integer(L.namesrv.min, L.namesrv.max), 'Name servers to start.', D.cluster.namesrv),
    brokers: opt(integer(L.brokers.min, L.brokers.max), 'Master brokers, named broker-a, broker-b, ...', D.cluster.brokers),
    slavesPerMaster: opt(integer(L.slavesPerMaster.min, L.slavesPerMaster.max), 'Slave brokers per master.', D.cluster.slavesPerMaster),
    proxy: opt(boolean(), 'Start a RocketMQ proxy (needed by grpc fleets).', D.cluster.proxy),
    heap: opt(size({ min: L.heapBytes.min, max: L.heapBytes.max }), 'JVM heap per process, e.g. 256MiB.', D.cluster.heap),
    namesrvAddr: opt(
      patterned(NAMESRV_ADDR, 'host:port (several separated by ";") such as "127.0.0.1:9876"'),
      'Name server address of the existing cluster; only with provider external.',
    ),
    brokerConfig: opt(
      z.record(
        // broker.conf is a properties file: a key or value with "=" or a line break would corrupt it.
        patterned(BROKER_CONF_KEY, 'a broker.conf key such as "flushDiskType"'),
        z.union([patterned(/^[^\r\n]*$/, 'a value on one line'), z.number(), z.boolean()], {
          error: (iss) => `expected a string, number or boolean, got ${describeValue(iss.input)}`,
        }),
        { error: (iss) => `expected a map of broker.conf keys to values, got ${describeValue(iss.input)}` },
      ),
      'Extra broker.conf entries applied to every broker.',
    ),
  },
  'cluster settings',
);

const topic = map(
  {
    name: req(topicName(), 'RocketMQ topic name, unique in the plan.'),
    queues: opt(integer(L.queues.min, L.queues.max), 'Queues per broker.', D.topic.queues),
  },
  'topic settings (name, queues)',
);

const producer = map(
  {
    name: req(fleetName(), 'Fleet name, unique across producers and consumers.'),
    topic: req(topicName(), 'Topic to send to; must be declared in topics.'),
    instances: instances(D.producer.instances),
    protocol: opt(protocol(), 'Client protocol.', D.producer.protocol),
    rate: req(rate({ min: 0, minExclusive: true }), 'Total send rate of the fleet, e.g. 200/s or 120/m.'),
    messageSize: opt(
      size({ min: L.messageSizeBytes.min, max: L.messageSizeBytes.max }),
      'Body size of each message.',
      D.producer.messageSize,
    ),
    tags: opt(
      z.record(patterned(TAG_NAME, 'a tag without spaces, "|" or "*"'), positiveNumber(), {
        error: (iss) => `expected a map of tag to weight such as {TagA: 3, TagB: 1}, got ${describeValue(iss.input)}`,
      }),
      'Tag weights; each message gets one tag at random by weight. Default: no tag.',
    ),
    maxMessages: opt(integer(1), 'Stop the fleet after this many messages.'),
  },
  'producer settings',
);

const consumer = map(
  {
    name: req(fleetName(), 'Fleet name, unique across producers and consumers.'),
    group: opt(
      patterned(GROUP_NAME, 'a group name of letters, digits, "_" and "-" such as "billing"', L.groupNameLength),
      'Consumer group; defaults to the fleet name. Fleets may share a group.',
    ),
    instances: instances(D.consumer.instances),
    protocol: opt(protocol(), 'Client protocol.', D.consumer.protocol),
    model: opt(oneOf(['clustering', 'broadcasting']), 'Message model of the group.', D.consumer.model),
    subscription: req(
      z
        .record(topicName(), patterned(TAG_EXPRESSION, 'a tag expression such as "*" or "TagA || TagB"'), {
          error: (iss) => `expected a map of topic to tag expression such as {orders: "*"}, got ${describeValue(iss.input)}`,
        })
        .refine((topics) => Object.keys(topics).length > 0, {
          error: 'expected at least one topic to subscribe to, such as {orders: "*"}',
        })
        .meta({ minProperties: 1 }),
      'Topic to tag expression ("*" or "TagA || TagB"); topics must be declared.',
    ),
    consumeTime: opt(duration(), 'Time each message takes to process.', D.consumer.consumeTime),
  },
  'consumer settings',
);

const fleets = map(
  {
    producers: opt(list(producer, 'producer fleets'), 'Producer fleets.'),
    consumers: opt(list(consumer, 'consumer fleets'), 'Consumer fleets.'),
  },
  'fleets (producers, consumers)',
);

const phases = map(
  {
    warmup: opt(duration({ max: L.phaseMaxMs }), 'Consumers start and settle before load.', D.phases.warmup),
    load: req(duration({ min: 0, minExclusive: true, max: L.phaseMaxMs }), 'How long producers send.'),
    drain: opt(duration({ max: L.phaseMaxMs }), 'Longest wait for backlog to reach 0 after load.', D.phases.drain),
  },
  'phases (warmup, load, drain)',
);

function thresholdExpression(metric: MetricName) {
  return z
    .string({ error: (iss) => `expected a threshold such as "${exampleThreshold(metric)}", got ${describeValue(iss.input)}` })
    .superRefine((value, ctx) => {
      const parsed = parseThresholdExpression(metric, value);
      if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.message });
    })
    .meta({
      description: thresholdHelp(metric),
      examples: [exampleThreshold(metric)],
      pattern: thresholdPattern(metric),
    });
}

function thresholdList(metric: MetricName) {
  const expression = thresholdExpression(metric);
  const entry = z.union(
    [
      expression,
      map(
        {
          threshold: req(expression, 'The expression, e.g. p(99)<500ms.'),
          abortOnFail: opt(boolean(), 'Stop the run as soon as this threshold fails.', false),
          delayAbortEval: opt(duration(), 'Do not abort on this threshold before this much run time.'),
        },
        'threshold settings (threshold, abortOnFail, delayAbortEval)',
      ),
    ],
    {
      error: (iss) =>
        `expected a threshold such as "${exampleThreshold(metric)}" or a map with a threshold key, got ${describeValue(iss.input)}`,
    },
  );
  return opt(list(entry, 'thresholds'), METRICS[metric].description);
}

const thresholds = map(
  Object.fromEntries(METRIC_NAMES.map((metric) => [metric, thresholdList(metric)])) as Record<
    MetricName,
    ReturnType<typeof thresholdList>
  >,
  'metric names to threshold lists',
);
keyNouns.add(thresholds, { keyNoun: 'metric', listKnown: true });

export const planSchema = map(
  {
    version: opt(z.literal(1, { error: (iss) => `expected 1 (the only plan version), got ${describeValue(iss.input)}` }), 'Plan format version.', 1),
    name: opt(fleetName(), 'Plan name; defaults to the file name.'),
    description: req(text('a description (a non-empty string)'), 'What this plan tests and what a pass means.'),
    seed: opt(integer(0), 'Seed for every random choice, so runs repeat.', D.seed),
    cluster: opt(cluster, 'The RocketMQ cluster under test.'),
    topics: req(
      list(topic, 'topics').min(1, { error: 'expected at least one topic' }),
      'Topics to create before the run.',
    ),
    fleets: opt(fleets, 'Client fleets; each instance is its own process.'),
    phases: req(phases, 'Run phases, in order: warmup, load, drain.'),
    thresholds: opt(thresholds, 'Pass/fail criteria per metric, k6 style.'),
  },
  'plan settings',
);

/** A plan that passed the schema: still as written (units as strings, defaults absent). */
export type PlanDocument = z.output<typeof planSchema>;
