/**
 * `cluster.brokerConfig` and `cluster.namesrvConfig`: a strict map with one entry per key the
 * server reads (src/cluster/server-conf/), each checked by `checkConfValue`. An unknown key gets
 * its close matches; a key rmq-chaos sets itself says so and what to set instead.
 */
import { z } from 'zod';
import {
  CATALOGUE_ROCKETMQ_VERSION,
  CONF_FILE_NAME,
  type ConfKeySpec,
  type ConfServer,
  type TimeUnit,
  confKeyOrigin,
  confKeySpecs,
} from '../cluster/server-conf/conf-keys.ts';
import { describeValue } from './messages.ts';
import { keyNouns } from './schema-primitives.ts';
import { checkConfValue, confValueJsonSchema, confValueSchemaId } from './server-conf-values.ts';

/** One schema per shared rule (every int key that is not a time, ...), so the JSON Schema lists it once. */
const shared = new Map<string, z.ZodType>();

function valueSchema(spec: ConfKeySpec): z.ZodType {
  const id = confValueSchemaId(spec);
  const cached = id === undefined ? undefined : shared.get(id);
  if (cached) return cached;
  const schema = z
    .unknown()
    .superRefine((value, ctx) => {
      const result = checkConfValue(spec, value);
      if (!result.ok) ctx.addIssue({ code: 'custom', message: result.message });
    })
    .meta({ ...confValueJsonSchema(spec), ...(id === undefined ? {} : { id }) });
  if (id !== undefined) shared.set(id, schema);
  return schema;
}

/** Editor help for one key: where RocketMQ declares it and how the plan writes it. */
function help(server: ConfServer, key: string, spec: ConfKeySpec): string {
  if (spec.kind === 'owned') return `Not settable: ${spec.reason}.`;
  const origin = confKeyOrigin(server, key);
  const where = origin ? `${origin.className}, Java ${origin.java}` : key;
  return spec.kind === 'integer' && spec.unit ? `${where}: ${TIME_HELP[spec.unit]}.` : `${where}.`;
}

const TIME_HELP: Readonly<Record<TimeUnit, string>> = {
  ms: 'a time in milliseconds, or a duration such as 120s',
  s: 'a time in seconds, or a duration such as 30s',
  min: 'a time in minutes, or a duration such as 10m',
  h: 'a time in hours, or a duration such as 72h',
};

const SERVER_NOUN: Readonly<Record<ConfServer, string>> = { broker: 'broker', namesrv: 'name server' };

const PLAN_KEY: Readonly<Record<ConfServer, string>> = { broker: 'brokerConfig', namesrv: 'namesrvConfig' };

export function serverConfSchema(server: ConfServer) {
  const specs = confKeySpecs(server);
  const other: ConfServer = server === 'broker' ? 'namesrv' : 'broker';
  const shape = Object.fromEntries(
    [...specs].map(([key, spec]) => [
      key,
      valueSchema(spec)
        .optional()
        .meta({ description: help(server, key, spec) }),
    ]),
  );
  const schema = z.strictObject(shape, {
    error: (iss) =>
      iss.code === 'invalid_type'
        ? `expected a map of ${CONF_FILE_NAME[server]} keys to values, got ${describeValue(iss.input)}`
        : undefined,
  });
  keyNouns.add(schema, {
    keyNoun: `${CONF_FILE_NAME[server]} key`,
    listKnown: false,
    among: `the ${specs.size} keys a RocketMQ ${CATALOGUE_ROCKETMQ_VERSION} ${SERVER_NOUN[server]} reads`,
    elsewhere: { keys: [...confKeySpecs(other).keys()], where: `cluster.${PLAN_KEY[other]}` },
  });
  return schema;
}
