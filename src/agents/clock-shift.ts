/**
 * The agent's `--clock-skew` test aid: the times a worker stamps in its reports, moved as if
 * this host's clock were `skewMs` ahead. Only the stamps this host makes move (a delivery's
 * received time, an ack's send time, an assignment's time); a born time is the producer's host's.
 */
export function shiftWorkerClock(message: unknown, skewMs: number): unknown {
  if (typeof message !== 'object' || message === null) return message;
  const m = message as Record<string, unknown>;
  switch (m.type) {
    case 'receipts':
      return {
        ...m,
        items: Array.isArray(m.items)
          ? m.items.map((item: unknown) =>
              Array.isArray(item) && typeof item[3] === 'number'
                ? [...item.slice(0, 3), item[3] + skewMs, ...item.slice(4)]
                : item,
            )
          : m.items,
      };
    case 'acks':
      return {
        ...m,
        sentAtMs: Array.isArray(m.sentAtMs)
          ? m.sentAtMs.map((t: unknown) => (typeof t === 'number' ? t + skewMs : t))
          : m.sentAtMs,
      };
    case 'assignment':
      return typeof m.atMs === 'number' ? { ...m, atMs: m.atMs + skewMs } : m;
    default:
      return message;
  }
}
