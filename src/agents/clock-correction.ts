/**
 * Worker reports onto the coordinator's clock. Every time a worker stamps is on its own host's
 * clock: a delivery's received time, an ack's send and due times and an assignment's time on the
 * reporting worker's host, a message's born time on its producer's host. Each is moved by its
 * host's offset (bestOffset in clock-offset.ts) where the report arrives, so everything the
 * coordinator measures afterwards (end-to-end latency, windows, rebalance times) compares
 * times of one clock. The error of a cross-host latency is the sum of the two hosts' bounds.
 */
import type { FromWorker } from '../fleet/protocol.ts';

/** Host offsets in ms (the host's clock minus the coordinator's), looked up per report. */
export interface HostClocks {
  /** The reporting worker's host. */
  own: number;
  /** The host of producer `producerId`. */
  producer(producerId: string): number;
}

export function toCoordinatorClock(message: FromWorker, clocks: HostClocks): FromWorker {
  switch (message.type) {
    case 'receipts': {
      const { own } = clocks;
      let lastProducer = '';
      let bornOffset = 0;
      const items = message.items.map((item) => {
        const producer = item[0];
        if (producer !== lastProducer) {
          lastProducer = producer;
          bornOffset = clocks.producer(producer);
        }
        if (own === 0 && bornOffset === 0) return item;
        const moved: typeof item = [...item];
        moved[2] = item[2] - bornOffset;
        moved[3] = item[3] - own;
        return moved;
      });
      return { ...message, items };
    }
    case 'acks': {
      if (clocks.own === 0) return message;
      const moved = { ...message, sentAtMs: message.sentAtMs.map((t) => t - clocks.own) };
      // 0 marks a message sent without delay: it stays 0.
      if (message.dueAtMs) moved.dueAtMs = message.dueAtMs.map((t) => (t === 0 ? 0 : t - clocks.own));
      return moved;
    }
    case 'check-backs':
      // A half's born time is on its sender's host, the check's arrival on this one.
      return {
        ...message,
        items: message.items.map(([producerId, seq, born, checkedAt, answer, tag]) => [
          producerId,
          seq,
          born - clocks.producer(producerId),
          checkedAt - clocks.own,
          answer,
          tag,
        ]),
      };
    case 'assignment':
      return clocks.own === 0 ? message : { ...message, atMs: message.atMs - clocks.own };
    default:
      return message;
  }
}
