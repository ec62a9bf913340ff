/**
 * Writes `plans/worker-protocol.schema.json`, the coordinator↔worker contract as JSON Schema,
 * from the same zod schemas both sides validate with, so a worker written in another language
 * (a JVM worker, an agent on another host) builds against what this code really accepts. A
 * unit test compares the committed file with this output; `npm run schema` rewrites it.
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { fromWorker, toWorker, WORKER_PROTOCOL_VERSION } from './protocol.ts';

export const WORKER_PROTOCOL_SCHEMA_ID = `urn:rmq-chaos:worker-protocol:v${WORKER_PROTOCOL_VERSION}`;
export const WORKER_PROTOCOL_SCHEMA_PATH = fileURLToPath(
  new URL('../../plans/worker-protocol.schema.json', import.meta.url),
);

export function buildWorkerProtocolJsonSchema(): Record<string, unknown> {
  // `output`: a message as it is on the wire, exactly; the named parts (`.meta({ id })` in
  // protocol.ts) become $defs, so the two directions are `#/$defs/CoordinatorToWorker` and
  // `#/$defs/WorkerToCoordinator`, and the version is `#/$defs/ProtocolVersion`.
  const { $schema, ...body } = z.toJSONSchema(z.union([toWorker, fromWorker]), {
    io: 'output',
    target: 'draft-2020-12',
  });
  return {
    $schema,
    $id: WORKER_PROTOCOL_SCHEMA_ID,
    title: `rmq-chaos worker protocol (version ${WORKER_PROTOCOL_VERSION})`,
    description:
      'Messages between the rmq-chaos coordinator and a fleet worker (one producer or consumer client per ' +
      'process), each a JSON object with a "type". A worker says hello first, with the protocolVersion it ' +
      'speaks; the coordinator refuses any other version. Senders send exactly these fields. See "Worker ' +
      'protocol" in the README for when each message is sent.',
    ...body,
  };
}

export function renderWorkerProtocolJsonSchema(): string {
  return `${JSON.stringify(buildWorkerProtocolJsonSchema(), null, 2)}\n`;
}

async function main(): Promise<void> {
  await writeFile(WORKER_PROTOCOL_SCHEMA_PATH, renderWorkerProtocolJsonSchema());
  console.log(`wrote ${WORKER_PROTOCOL_SCHEMA_PATH}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
