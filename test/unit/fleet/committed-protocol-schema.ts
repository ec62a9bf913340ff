/**
 * Validators compiled with ajv from the committed `plans/worker-protocol.schema.json` (not from
 * zod): what a worker in another language would build against, checked as such.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject } from 'ajv/dist/2020.js';
import { WORKER_PROTOCOL_SCHEMA_ID, WORKER_PROTOCOL_SCHEMA_PATH } from '../../../src/fleet/export-protocol-schema.ts';

export type Direction = 'CoordinatorToWorker' | 'WorkerToCoordinator';

export interface ProtocolValidator {
  /** The committed file as parsed JSON. */
  schema: Record<string, unknown>;
  /** ajv's errors for a message in that direction, as readable lines; empty when it is valid. */
  errors(direction: Direction, message: unknown): string[];
}

export function committedProtocolSchema(): ProtocolValidator {
  const schema = JSON.parse(readFileSync(WORKER_PROTOCOL_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  // strict: an unknown keyword or a bad $ref in the file fails here rather than being ignored.
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  ajv.addSchema(schema);
  const validators = new Map(
    (['CoordinatorToWorker', 'WorkerToCoordinator'] as const).map((direction) => {
      const validate = ajv.getSchema(`${WORKER_PROTOCOL_SCHEMA_ID}#/$defs/${direction}`);
      if (!validate) throw new Error(`${WORKER_PROTOCOL_SCHEMA_PATH} has no $defs/${direction}`);
      return [direction, validate];
    }),
  );
  const describe = (e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? e.keyword} ${JSON.stringify(e.params)}`;
  const defs = schema.$defs as Record<string, { oneOf?: Array<{ $ref: string }> }>;
  /** The message definition of a direction whose `type` is `type`, so errors name its fields, not every branch's. */
  const member = (direction: Direction, type: unknown) =>
    (defs[direction]?.oneOf ?? [])
      .map((o) => o.$ref)
      .find((ref) => ajv.getSchema(`${WORKER_PROTOCOL_SCHEMA_ID}${ref}/properties/type`)?.(type));
  return {
    schema,
    errors(direction, message) {
      if (validators.get(direction)!(message)) return [];
      const type = typeof message === 'object' && message !== null && 'type' in message ? message.type : undefined;
      const ref = member(direction, type);
      const validate = ref ? ajv.getSchema(`${WORKER_PROTOCOL_SCHEMA_ID}${ref}`)! : validators.get(direction)!;
      validate(message);
      return (validate.errors ?? []).map(describe);
    },
  };
}
