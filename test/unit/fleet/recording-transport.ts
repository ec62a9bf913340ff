import type { ToWorker } from '../../../src/fleet/protocol.ts';
import type { WorkerTransport } from '../../../src/fleet/transport/worker-transport.ts';
import { nodeWorkerLaunch, type WorkerLaunch } from '../../../src/fleet/worker-launch.ts';
import type { Direction } from './committed-protocol-schema.ts';

export interface WireMessage {
  worker: string;
  direction: Direction;
  /** As it crossed the transport: JSON, before any validation. */
  message: unknown;
}

/** Wraps a transport and records every message through it, both ways, in order. */
export function recording(
  inner: WorkerTransport<ToWorker>,
  worker: string,
  wire: WireMessage[],
): WorkerTransport<ToWorker> {
  return {
    get isOpen() {
      return inner.isOpen;
    },
    send(message) {
      // What the other end receives: a JSON round trip, as every transport carries it.
      if (inner.isOpen)
        wire.push({ worker, direction: 'CoordinatorToWorker', message: JSON.parse(JSON.stringify(message)) });
      inner.send(message);
    },
    onMessage(handler) {
      inner.onMessage((message) => {
        wire.push({ worker, direction: 'WorkerToCoordinator', message });
        handler(message);
      });
    },
    onClose: (handler) => inner.onClose(handler),
    close: () => inner.close(),
  };
}

/** A launch (this project's Node worker unless `base` says otherwise) whose transport records into `wire`. */
export function recordingLaunch(worker: string, wire: WireMessage[], base = nodeWorkerLaunch()): WorkerLaunch {
  return { ...base, connect: (proc) => recording(base.connect(proc), worker, wire) };
}
