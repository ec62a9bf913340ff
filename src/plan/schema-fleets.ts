/**
 * Producer and consumer fleets. Rules within one field live here; rules that relate fields
 * (exactly one of rate and stages, stages within the load phase, mode simple needs grpc,
 * override indexes within the fleet) are in `cross-check-fleets.ts`, so they are reported even
 * when some other field is invalid.
 */
import { z } from 'zod';
import { ACL_USER_NAME } from './schema-acl.ts';
import { PLAN_DEFAULTS as D, PLAN_LIMITS as L } from './defaults.ts';
import { describeValue } from './messages.ts';
import { fleetName, groupName, protocol, subscription, topicName, TAG_NAME } from './schema-names.ts';
import {
  duration,
  fraction,
  integer,
  keyNouns,
  list,
  map,
  oneOf,
  opt,
  patterned,
  positiveNumber,
  rate,
  req,
  size,
} from './schema-primitives.ts';
import { parseDuration, parseRate, RATE_PATTERN, UNIT_EXPECTED } from './units.ts';
import { WORKER_DRIVERS } from '../drivers/capabilities.ts';
import { PLACEMENT_HELP, placement } from './schema-agents.ts';
import { PROPERTY_EXAMPLE, producerProperties } from './schema-properties.ts';
import { JAVA_CLIENTS } from '../setup/versions.ts';

const CLIENT_VERSION = /^\d+\.\d+\.\d+$/;
export const CONSUME_STYLES = ['concurrently', 'orderly'] as const;
export const PULL_STYLES = ['subscribe', 'assign'] as const;
export const SEND_MODES = ['async', 'sync', 'oneway'] as const;

const driver = () => oneOf(WORKER_DRIVERS);

const DRIVER_HELP =
  "Which worker runs the clients: node (this project's own RocketMQ clients, light) or java (RocketMQ's " +
  'own Java clients, one JVM per instance: rocketmq-client for protocol remoting, rocketmq-client-java for grpc).';

const routeRefresh = () => duration({ min: 100, max: 600_000 });
const ROUTE_REFRESH_HELP =
  "How often the fleet's clients refresh topic routes from the name servers (Java pollNameServerInterval; " +
  '30s, its default): after a master switch a remoting client keeps sending to, and pulling from, the old ' +
  'master until then. gRPC fleets ignore it (the proxy keeps routes).';
/** `credentials: orders-app`: the `cluster.acl` user a fleet's clients sign their requests as. */
const credentials = () => patterned(ACL_USER_NAME, 'a user name from cluster.acl.users such as "orders-app"');
const CREDENTIALS_HELP =
  'The cluster.acl user whose keys this fleet signs its requests with (RocketMQ ACL). Without it, on a cluster ' +
  'with acl, the broker refuses every request of the fleet (counted as errors).';
const clientVersion = () => patterned(CLIENT_VERSION, 'a Maven version such as 4.9.7 or 5.3.3');

const CLIENT_VERSION_HELP =
  'Only with driver java: the Java client version, e.g. 4.9.7 (rocketmq-client for remoting; ' +
  'rocketmq-client-java 5.x for grpc). Default: the cluster version for remoting, ' +
  `${JAVA_CLIENTS.grpc.defaultVersion} for grpc. Instances of one group may run different versions, as ` +
  'during an upgrade.';

const instances = (def: number) =>
  opt(integer(L.instances.min, L.instances.max), 'Client processes in this fleet, one client each.', def);

const STAGE_EXAMPLE = '{duration: 10s, target: 500/s}';

const stage = map(
  {
    duration: req(duration({ max: L.phaseMaxMs }), 'How long the ramp to target takes; 0s jumps to it at once.'),
    target: req(rate(), 'Total rate of the fleet at the end of this stage, e.g. 500/s; 0/s ramps down to nothing.'),
  },
  'stage settings (duration, target)',
);

const RATE_FORMS = 'a rate such as 2000/s, max, or {max: {p99: 50ms, step: 3s, from: 100/s, to: 20000/s}}';

/** `2000/s` or `max`: one string branch, so a bad rate still gets the rate parser's own message. */
const rateOrMax = () =>
  z
    .string()
    .superRefine((value, ctx) => {
      if (value.trim() === 'max') return;
      const parsed = parseRate(value);
      if (!parsed.ok)
        ctx.addIssue({
          code: 'custom',
          message: parsed.message.replace(UNIT_EXPECTED.rate, `${UNIT_EXPECTED.rate}, or max`),
        });
      else if (parsed.value <= 0)
        ctx.addIssue({
          code: 'custom',
          message: `expected a rate greater than 0/s, or max, got ${JSON.stringify(value)}`,
        });
    })
    .meta({ pattern: `^(?:max|${RATE_PATTERN.slice(1, -1)})$` });

const rateSearch = map(
  {
    p99: opt(
      duration({ min: 0, minExclusive: true }),
      'A step is sustainable only when its send p99 (due → ack) is at most this.',
      D.producer.rateSearch.p99,
    ),
    step: opt(
      duration({ min: L.rateSearchStepMs.min, max: L.rateSearchStepMs.max }),
      'How long each rate is held; its first third (at most 1s) settles and is not measured.',
      D.producer.rateSearch.step,
    ),
    from: opt(
      rate({ min: 0, minExclusive: true }),
      'The first (lowest) rate tried, for the fleet.',
      D.producer.rateSearch.from,
    ),
    to: opt(rate({ min: 0, minExclusive: true }), 'The highest rate tried, for the fleet.', D.producer.rateSearch.to),
  },
  'rate search settings (p99, step, from, to)',
);

const producerRate = () =>
  z.union(
    [
      rateOrMax(),
      map({ max: req(rateSearch, 'The search settings; omitted keys take their defaults.') }, 'rate settings (max)'),
    ],
    {
      error: (iss) => {
        const plain = typeof iss.input === 'number' ? parseRate(iss.input) : undefined;
        if (plain && !plain.ok) return plain.message;
        return `expected ${RATE_FORMS}, got ${describeValue(iss.input)}`;
      },
    },
  );

const RATE_HELP =
  'Constant arrival rate of the whole fleet for the sending phases, e.g. 200/s or 120/m; or max: search the ' +
  'highest rate the cluster sustains during the load phase (send p99 within a bound, backlog not growing), ' +
  'a staircase of rising rates then a bisection, reported with its curve; {max: {p99: 50ms, step: 3s, from: ' +
  '100/s, to: 20000/s}} sets the search (those are the defaults). Give rate or stages, not both.';

// `oneOf` lets editors flag a fleet with both rate and stages or neither; the loader's message
// for that comes from the cross-checks, which run even when another field is invalid.
const producer = map(
  {
    name: req(fleetName(), 'Fleet name, unique across producers and consumers.'),
    topic: req(topicName(), 'Topic to send to; must be declared in topics.'),
    instances: instances(D.producer.instances),
    protocol: opt(protocol(), 'Client protocol.', D.producer.protocol),
    driver: opt(driver(), DRIVER_HELP, D.producer.driver),
    clientVersion: opt(clientVersion(), CLIENT_VERSION_HELP),
    credentials: opt(credentials(), CREDENTIALS_HELP),
    placement: opt(placement(), PLACEMENT_HELP),
    send: opt(
      oneOf(SEND_MODES),
      'async: callbacks; sync: blocking sends, maxInFlight threads (on driver node, the same as async); oneway: ' +
        'no result, only with driver java (an "ack" then means the request left).',
      D.producer.send,
    ),
    rate: opt(producerRate(), RATE_HELP),
    stages: opt(
      list(stage, `stages such as ${STAGE_EXAMPLE}`).min(1, {
        error: `expected at least one stage such as ${STAGE_EXAMPLE}`,
      }),
      `Ramping arrival rate (k6 ramping-arrival-rate): each stage ramps the fleet's rate linearly from the ` +
        `previous target to its own, e.g. [${STAGE_EXAMPLE}]. The stages must fit in phases.load; the fleet ` +
        'stops when they end. Give rate or stages, not both.',
    ),
    startRate: opt(rate(), 'Rate the first stage ramps from; only with stages.', D.producer.startRate),
    routeRefresh: opt(routeRefresh(), ROUTE_REFRESH_HELP, D.producer.routeRefresh),
    maxInFlight: opt(
      integer(L.maxInFlight.min, L.maxInFlight.max),
      'Sends in flight per producer instance; a send that falls due beyond this is counted as dropped, not queued.',
      D.producer.maxInFlight,
    ),
    messageSize: opt(
      size({ min: L.messageSizeBytes.min, max: L.messageSizeBytes.max }),
      'Body size of each message.',
      D.producer.messageSize,
    ),
    batch: opt(
      integer(L.batch.min, L.batch.max),
      'Messages per send request (Java send(Collection): one SEND_BATCH_MESSAGE); 1 sends one at a time. The rate ' +
        'stays in messages/s: a batch leaves when this many messages are due, or 10ms after its first one was due. ' +
        'maxInFlight counts requests. Only driver node with protocol remoting; not with ordered or delay.',
      D.producer.batch,
    ),
    oversize: opt(
      map(
        {
          every: req(integer(2), 'Every this many messages, one is oversize (the last of each run of `every`).'),
          size: req(
            size({ min: L.oversizeBytes.min, max: L.oversizeBytes.max }),
            'Its body size, e.g. 5MiB: over 4MiB the client refuses it (a message-too-large send error, as Java ' +
              'does); under it, a broker whose maxMessageSize (serverConf) is smaller refuses it (MESSAGE_ILLEGAL).',
          ),
        },
        'oversize settings (every, size)',
      ),
      'Make some messages bigger to show the message size limit, e.g. {every: 100, size: 5MiB}: they count as send ' +
        'errors by reason and the ledger never expects them. Only driver node with protocol remoting.',
    ),
    properties: opt(
      producerProperties(),
      `User properties, drawn per message from the plan seed, e.g. ${PROPERTY_EXAMPLE}: what SQL92 ` +
        'subscriptions select on. The ledger recomputes them to know exactly what each such subscription should ' +
        'receive.',
    ),
    tags: opt(
      z.record(patterned(TAG_NAME, 'a tag without spaces, "|" or "*"'), positiveNumber(), {
        error: (iss) => `expected a map of tag to weight such as {TagA: 3, TagB: 1}, got ${describeValue(iss.input)}`,
      }),
      'Tag weights; each message gets one tag at random by weight. Default: no tag.',
    ),
    maxMessages: opt(integer(1), 'Stop the fleet after this many messages.'),
    ordered: opt(
      map(
        {
          shardingKeys: req(
            integer(L.shardingKeys.min, L.shardingKeys.max),
            'How many distinct sharding keys messages are spread over, e.g. 16.',
          ),
        },
        'ordered settings (shardingKeys)',
      ),
      'Ordered messages: each message gets a sharding key, and messages with the same key go to the same queue.',
    ),
    delay: opt(
      map(
        {
          ratio: req(
            fraction({ minExclusive: true }),
            'Share of messages that are delayed, greater than 0 and at most 1.',
          ),
          by: opt(
            duration({ min: L.delayMs.min, max: L.delayMs.max }),
            'A 5.x timer (TIMER_DELAY_MS): how long after sending they are delivered, 1s to 24h.',
          ),
          level: opt(
            integer(1, L.delayLevel.max),
            "A delay level (message property DELAY, 4.x and 5.x): 1 is the broker's first messageDelayLevel time " +
              '(1s by default), 2 the second (5s), ...',
          ),
        },
        'delay settings (ratio, and by or level)',
      ),
      'Delayed messages: a share of messages is delivered a time after it is sent, a 5.x timer ' +
        '({ratio: 0.1, by: 10s}) or a delay level ({ratio: 0.1, level: 2}); their lateness is measured.',
    ),
    transaction: opt(
      map(
        {
          commit: req(fraction(), 'Share of local transactions that commit: delivered.'),
          rollback: req(fraction(), 'Share that roll back: never delivered.'),
          unknown: req(
            fraction(),
            'Share left unknown at END_TRANSACTION: the broker checks back, and the answer resolves them to commit ' +
              'or rollback in the commit : rollback proportion. commit + rollback + unknown = 1.',
          ),
          endDelay: opt(
            duration({ min: L.transactionDelayMs.min, max: L.transactionDelayMs.max }),
            "How long each local transaction runs, from the half's ack to its END_TRANSACTION: a producer killed " +
              'meanwhile leaves its halves open, for the broker to check back with another instance.',
            D.producer.transaction.endDelay,
          ),
          checkDelay: opt(
            duration({ min: L.transactionDelayMs.min, max: L.transactionDelayMs.max }),
            'How long the check-back listener takes to answer.',
            D.producer.transaction.checkDelay,
          ),
        },
        'transaction settings (commit, rollback, unknown, endDelay, checkDelay)',
      ),
      'Transactional messages (Java TransactionMQProducer): each message is a half, then committed, rolled back ' +
        'or left unknown by a pure function of (seed, producer, seq), so the ledger knows which must be delivered ' +
        'and which never. Check-backs are answered the same way by any instance of the group. Only protocol ' +
        'remoting (driver node or java); not with batch, delay or send: oneway (nor ordered on driver java).',
    ),
  },
  'producer settings',
).meta({ oneOf: [{ required: ['rate'] }, { required: ['stages'] }] });

function listOfTwo(input: unknown): string {
  return Array.isArray(input) ? `a list of ${input.length}` : describeValue(input);
}

const uniform = z
  .tuple([duration(), duration()], {
    error: (iss) => `expected two durations [min, max] such as [1ms, 10ms], got ${listOfTwo(iss.input)}`,
  })
  .superRefine(([min, max], ctx) => {
    const [lo, hi] = [parseDuration(min), parseDuration(max)];
    if (lo.ok && hi.ok && lo.value > hi.value) {
      ctx.addIssue({
        code: 'custom',
        message: `expected [min, max] with min ≤ max, got [${min}, ${max}] (write [${max}, ${min}])`,
      });
    }
  });

const DISTRIBUTION_EXAMPLE = '{uniform: [1ms, 10ms]} or {exponential: 5ms}';

const distribution = map(
  {
    uniform: opt(uniform, 'Uniform between [min, max], e.g. [1ms, 10ms].'),
    exponential: opt(duration({ min: 0, minExclusive: true }), 'Exponential with this mean, e.g. 5ms.'),
  },
  'distribution settings (uniform or exponential)',
)
  .superRefine((value, ctx) => {
    // After an unknown key ("normal"), "expected one distribution" would only repeat the problem.
    if (ctx.issues.length > 0) return;
    const given = Object.keys(value).length;
    if (given === 0)
      ctx.addIssue({ code: 'custom', message: `expected one distribution such as ${DISTRIBUTION_EXAMPLE}` });
    if (given > 1)
      ctx.addIssue({ code: 'custom', message: 'expected one distribution, got both uniform and exponential' });
  })
  .meta({ minProperties: 1, maxProperties: 1 });
keyNouns.add(distribution, { keyNoun: 'distribution', listKnown: true });

const consumeTime = () =>
  z.union([duration(), distribution], {
    error: (iss) => {
      const plain = typeof iss.input === 'number' ? parseDuration(iss.input) : undefined;
      if (plain && !plain.ok) return plain.message;
      return (
        `expected a duration such as 5ms or a distribution such as ${DISTRIBUTION_EXAMPLE}, got ` +
        `${describeValue(iss.input)}`
      );
    },
  });

const failure = () =>
  map(
    {
      ratio: opt(
        fraction(),
        'Share of messages (0 to 1) the instance fails, asking for redelivery.',
        D.consumer.failure.ratio,
      ),
      first: opt(
        integer(0),
        'The instance fails the first N messages it receives (before ratio applies), for exact tests.',
        D.consumer.failure.first,
      ),
    },
    'failure settings (ratio, first)',
  )
    .superRefine((value, ctx) => {
      if (ctx.issues.length === 0 && Object.keys(value).length === 0) {
        ctx.addIssue({ code: 'custom', message: 'expected ratio, first or both, such as {ratio: 0.01} or {first: 5}' });
      }
    })
    .meta({ minProperties: 1 });

const FAULTY_EXAMPLE = '{discard: 0.01, duplicate: 0.005}';

// A test aid, not a model of a real consumer: it exists so tests can check the ledger, the
// duplicate breakdown and the invariants against a set of messages known in advance.
const faultyConsumer = () =>
  map(
    {
      discard: opt(
        fraction(),
        'Share of messages (0 to 1) acknowledged to the broker but never reported: the ledger must count ' +
          'exactly these as lost.',
        D.consumer.faultyConsumer.discard,
      ),
      duplicate: opt(
        fraction(),
        'Share of messages (0 to 1) whose every delivery is reported twice (a double ack): one duplicate each.',
        D.consumer.faultyConsumer.duplicate,
      ),
    },
    'faultyConsumer settings (discard, duplicate)',
  ).superRefine((value, ctx) => {
    if (ctx.issues.length > 0) return;
    if (Object.keys(value).length === 0)
      ctx.addIssue({ code: 'custom', message: `expected discard, duplicate or both, such as ${FAULTY_EXAMPLE}` });
    const sum = (value.discard ?? 0) + (value.duplicate ?? 0);
    if (sum > 1)
      ctx.addIssue({
        code: 'custom',
        message: `expected discard + duplicate at most 1 (shares of the same messages), got ${sum}`,
      });
  });

const FAULTY_HELP =
  `Test aid for checking the checkers, not a model of a real consumer: ${FAULTY_EXAMPLE} makes the ` +
  'instance drop (acknowledge, never report) or double-report a known set of messages, chosen per message by ' +
  'a pure function of (seed, producer, seq) that tests can call (src/fleet/faulty-consumer.ts). Default: none.';

const DEAD_LETTER_EXAMPLE = '{poison: 0.02, maxReconsumeTimes: 2}';

// Poison messages fail on every delivery, so the broker moves each to %DLQ%<group> after
// maxReconsumeTimes redeliveries; which ones is a pure function the ledger calls too.
const deadLetter = () =>
  map(
    {
      poison: req(
        fraction(),
        'Share of messages (0 to 1) that fail on every delivery (poison), chosen per message by a pure function ' +
          'of (seed, producer, seq) (src/fleet/poison-messages.ts): the broker dead-letters exactly these.',
      ),
      maxReconsumeTimes: opt(
        integer(0, 16),
        'Redeliveries before the broker moves a failed message to %DLQ%<group> (Java setMaxReconsumeTimes); ' +
          'redelivery k waits delay level 3 + k (10s, 30s, 1m, ... unless cluster.brokerConfig.messageDelayLevel ' +
          'says otherwise).',
        D.consumer.deadLetter.maxReconsumeTimes,
      ),
    },
    'deadLetter settings (poison, maxReconsumeTimes)',
  );

const DEAD_LETTER_HELP =
  `Dead-letter queue: ${DEAD_LETTER_EXAMPLE} makes a known share of messages fail on every delivery; the run ` +
  'reads %DLQ%<group> back, counts those messages dead-lettered (not lost) and reports the retry timeline. ' +
  'Every fleet of a group must say the same; protocol remoting (driver node or java), clustering, push, ' +
  'concurrently.';

/** Every consumer mode the plan language names (drivers/capabilities.ts says which protocol runs which). */
export const CONSUMER_MODE_NAMES = ['push', 'pull', 'simple'] as const;
const mode = () => oneOf(CONSUMER_MODE_NAMES);

const override = map(
  {
    instances: req(
      list(integer(0), 'instance indexes such as [0, 2]').min(1, {
        error: 'expected at least one instance index such as [0]',
      }),
      'Indexes of the instances (0 to instances - 1) this override applies to; an instance is in one override at most.',
    ),
    subscription: opt(
      subscription(),
      "Replaces the fleet's subscription for these instances (topics must be declared).",
    ),
    protocol: opt(protocol(), 'Client protocol for these instances.'),
    driver: opt(driver(), 'Worker for these instances (node or java).'),
    clientVersion: opt(clientVersion(), 'Java client version for these instances (driver java).'),
    mode: opt(mode(), 'Consumer mode for these instances (simple only with protocol grpc).'),
    consumeTime: opt(consumeTime(), 'Processing time per message for these instances, as consumeTime.'),
    failure: opt(failure(), "Replaces the fleet's failure settings for these instances (omitted keys are 0)."),
    faultyConsumer: opt(
      faultyConsumer(),
      "Replaces the fleet's faultyConsumer settings for these instances (omitted keys are 0); a test aid.",
    ),
  },
  'override settings (instances, subscription, protocol, driver, clientVersion, mode, consumeTime, failure, ' +
    'faultyConsumer)',
).superRefine((value, ctx) => {
  if (ctx.issues.length === 0 && Object.keys(value).every((key) => key === 'instances')) {
    ctx.addIssue({
      code: 'custom',
      message:
        'this override changes nothing: add subscription, protocol, driver, clientVersion, mode, consumeTime, ' +
        'failure or faultyConsumer',
    });
  }
});

const consumer = map(
  {
    name: req(fleetName(), 'Fleet name, unique across producers and consumers.'),
    group: opt(groupName(), 'Consumer group; defaults to the fleet name. Fleets may share a group.'),
    instances: instances(D.consumer.instances),
    protocol: opt(protocol(), 'Client protocol.', D.consumer.protocol),
    model: opt(oneOf(['clustering', 'broadcasting']), 'Message model of the group.', D.consumer.model),
    mode: opt(
      mode(),
      'push: the client fetches and calls a listener; pull: the test loop pulls; simple: the gRPC ' +
        'SimpleConsumer (pop and ack), only with protocol grpc.',
      D.consumer.mode,
    ),
    driver: opt(driver(), DRIVER_HELP, D.consumer.driver),
    clientVersion: opt(clientVersion(), CLIENT_VERSION_HELP),
    credentials: opt(credentials(), CREDENTIALS_HELP),
    placement: opt(placement(), PLACEMENT_HELP),
    routeRefresh: opt(routeRefresh(), ROUTE_REFRESH_HELP, D.consumer.routeRefresh),
    consume: opt(
      oneOf(CONSUME_STYLES),
      'With mode push: concurrently (a failed message is retried later, RECONSUME_LATER) or orderly (one message ' +
        'at a time per queue under a broker lock; a failure suspends the queue and retries the same message).',
      D.consumer.consume,
    ),
    pull: opt(
      oneOf(PULL_STYLES),
      "With mode pull: subscribe (the group's rebalance assigns queues) or assign (each instance takes a fixed " +
        "share of the queues by its index, no rebalance: a dead instance's queues stay unread).",
      D.consumer.pull,
    ),
    subscription: req(subscription(), 'Topic to tag expression ("*" or "TagA || TagB"); topics must be declared.'),
    consumeTime: opt(
      consumeTime(),
      `Processing time per message: a duration (5ms), or a distribution ${DISTRIBUTION_EXAMPLE} (mean).`,
      D.consumer.consumeTime,
    ),
    failure: opt(
      failure(),
      'Consumption failures (the client asks for redelivery): {ratio: 0.01}, {first: 5} or both. Default: none.',
    ),
    faultyConsumer: opt(faultyConsumer(), FAULTY_HELP),
    deadLetter: opt(deadLetter(), DEAD_LETTER_HELP),
    onCrash: opt(
      oneOf(['fail', 'continue']),
      "What a crash of one of this fleet's processes (an exit nobody asked for) does: fail the run, or " +
        'continue and report it.',
      D.consumer.onCrash,
    ),
    overrides: opt(
      list(override, 'overrides such as {instances: [1], subscription: {orders: "TagA"}}'),
      'Per-instance settings, e.g. one instance subscribing differently from the rest of its group.',
    ),
  },
  'consumer settings',
);

export const fleets = map(
  {
    producers: opt(list(producer, 'producer fleets'), 'Producer fleets.'),
    consumers: opt(list(consumer, 'consumer fleets'), 'Consumer fleets.'),
  },
  'fleets (producers, consumers)',
);
