/**
 * Where and when each acknowledged message went: its queue (`topic@broker/queueId`), tag,
 * send time and queue offset, one slot per producer sequence number. Loss accounting reads it
 * to say which queue, tag and fault window a lost message belongs to, and whether another
 * message was acked at its offset (queue-positions.ts), so it is kept for every acked message,
 * not a sample: in typed-array pages indexed by seq (12 bytes a message: queue and tag
 * interned to 16-bit indices, send time as 32-bit milliseconds since the ledger's epoch, the
 * offset in 32 bits), never one object per message.
 */
const PAGE_SLOTS = 1 << 14;
/** Index 0 means "not recorded" in both interned tables. */
const NONE = 0;
const MAX_INTERNED = 0xffff;

interface OriginPage {
  queue: Uint16Array;
  tag: Uint16Array;
  sentAt: Uint32Array;
  /** The broker's queue offset plus one; 0 when the ack named none. */
  offsetPlusOne: Uint32Array;
}

export interface MessageOrigin {
  queue: string;
  tag: string;
  /** Epoch ms when the producer sent it. */
  sentAt: number;
  /** Its offset in the queue, as the broker's ack said; absent when the ack named none (gRPC). */
  queueOffset?: number;
}

/** Strings to small integers and back; index 0 is reserved for "none" ('' gets an index of its own). */
class Interned {
  private readonly names: string[] = [''];
  private readonly indices = new Map<string, number>();

  indexOf(name: string): number {
    let index = this.indices.get(name);
    if (index === undefined) {
      // Beyond 65 535 distinct queues or tags (no plan comes near) the origin is not kept:
      // the message still counts, its breakdown cell reads "unknown".
      if (this.names.length > MAX_INTERNED) return NONE;
      index = this.names.length;
      this.names.push(name);
      this.indices.set(name, index);
    }
    return index;
  }

  nameOf(index: number): string | undefined {
    return index === NONE ? undefined : this.names[index];
  }
}

export class MessageOrigins {
  private readonly producers = new Map<string, (OriginPage | undefined)[]>();
  private readonly queues = new Interned();
  private readonly tags = new Interned();

  /** `epochMs`: send times are kept relative to it (32 bits of milliseconds: 49 days). */
  constructor(private readonly epochMs: number) {}

  /** Positional, not an object: it runs once per acked message (see `npm run bench ledger`). */
  record(producerId: string, seq: number, queue: string, tag: string, sentAt: number, queueOffset = -1): void {
    let pages = this.producers.get(producerId);
    if (!pages) this.producers.set(producerId, (pages = []));
    const pageIndex = Math.floor(seq / PAGE_SLOTS);
    let page = pages[pageIndex];
    if (!page) {
      page = {
        queue: new Uint16Array(PAGE_SLOTS),
        tag: new Uint16Array(PAGE_SLOTS),
        sentAt: new Uint32Array(PAGE_SLOTS),
        offsetPlusOne: new Uint32Array(PAGE_SLOTS),
      };
      pages[pageIndex] = page;
    }
    const slot = seq % PAGE_SLOTS;
    page.queue[slot] = this.queues.indexOf(queue);
    page.tag[slot] = this.tags.indexOf(tag);
    page.sentAt[slot] = Math.max(0, Math.min(0xffffffff, Math.round(sentAt - this.epochMs)));
    // Offsets beyond 32 bits (four billion messages in one queue) are kept as unknown.
    page.offsetPlusOne[slot] = queueOffset >= 0 && queueOffset < 0xffffffff ? queueOffset + 1 : 0;
  }

  /** The origin of a message, or undefined when its ack carried none (an older worker, or never acked). */
  of(producerId: string, seq: number): MessageOrigin | undefined {
    const page = this.producers.get(producerId)?.[Math.floor(seq / PAGE_SLOTS)];
    if (!page) return undefined;
    const slot = seq % PAGE_SLOTS;
    const queue = this.queues.nameOf(page.queue[slot]!);
    const tag = this.tags.nameOf(page.tag[slot]!);
    if (queue === undefined || tag === undefined) return undefined;
    const offsetPlusOne = page.offsetPlusOne[slot]!;
    const origin: MessageOrigin = { queue, tag, sentAt: this.epochMs + page.sentAt[slot]! };
    if (offsetPlusOne > 0) origin.queueOffset = offsetPlusOne - 1;
    return origin;
  }

  get bytes(): number {
    let total = 0;
    for (const pages of this.producers.values())
      for (const page of pages)
        if (page)
          total += page.queue.byteLength + page.tag.byteLength + page.sentAt.byteLength + page.offsetPlusOne.byteLength;
    return total;
  }
}
