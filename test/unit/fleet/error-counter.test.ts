import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ErrorCounter } from '../../../src/fleet/error-counter.ts';

describe('ErrorCounter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('reports failures by reason once per interval, and what is left at the end', () => {
    const reports: Record<string, number>[] = [];
    const counter = new ErrorCounter((errors) => reports.push(errors), 1000);
    counter.count('broker:NO_PERMISSION(16)');
    counter.count('broker:NO_PERMISSION(16)');
    counter.count('timeout');
    expect(reports).toEqual([]);
    vi.advanceTimersByTime(1000);
    expect(reports).toEqual([{ 'broker:NO_PERMISSION(16)': 2, timeout: 1 }]);
    vi.advanceTimersByTime(5000);
    expect(reports).toHaveLength(1);
    counter.count('timeout');
    counter.flush();
    counter.flush();
    expect(reports).toEqual([{ 'broker:NO_PERMISSION(16)': 2, timeout: 1 }, { timeout: 1 }]);
  });
});
