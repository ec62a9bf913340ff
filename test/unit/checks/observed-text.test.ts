import { describe, expect, it } from 'vitest';
import { formatObserved } from '../../../src/checks/observed-text.ts';

describe('observed values carry their unit', () => {
  it.each([
    [{ metric: 'e2e_latency', aggregation: 'p(99)', observed: 412.34567 }, 'p(99) = 412.3 ms'],
    [{ metric: 'rebalance_latency', aggregation: 'max', observed: 1200 }, 'max = 1200 ms'],
    [{ metric: 'received', aggregation: 'rate', observed: 95.2 }, 'rate = 95.2/s'],
    [{ metric: 'loss', aggregation: 'count', observed: 3 }, 'count = 3 messages'],
    [{ metric: 'send_errors', aggregation: 'count', observed: 2 }, 'count = 2 errors'],
    [{ metric: 'backlog', aggregation: 'max', observed: 1200 }, 'max = 1200 messages'],
    [{ metric: 'duplicate_rate', aggregation: 'rate', observed: 0.0012 }, 'rate = 0.0012'],
    [{ metric: 'loss', aggregation: 'count', observed: null }, 'count = no data'],
  ] as const)('%o → %s', (check, text) => {
    expect(formatObserved(check)).toBe(text);
  });
});
