import { describe, expect, it } from 'vitest';
import { FailoverTracker } from '../../../src/metrics/failover.ts';
import { failoverLine, switchText } from '../../../src/report/failover-text.ts';

const T0 = 1_000_000;

function killMasterAt(tracker: FailoverTracker, at: number, node = 'broker-a') {
  tracker.faultBegan({
    fault: 'kill-master',
    target: 'broker-a@master',
    node,
    brokerName: 'broker-a',
    beganAt: at,
  });
}

/** The watch's first view: broker-a is master. */
function watching(): FailoverTracker {
  const t = new FailoverTracker(T0);
  t.roleChanged({ atMs: T0 + 500, brokerName: 'broker-a', master: 'broker-a' });
  return t;
}

describe('FailoverTracker', () => {
  it('measures election, send and consume recovery of a killed master', () => {
    const t = watching();
    t.addGroup('billing');
    t.addGroup('audit');
    t.sendReport(T0 + 9_750, 20, {}); // before the fault: not looked at
    killMasterAt(t, T0 + 10_000);
    t.roleChanged({ atMs: T0 + 10_100, brokerName: 'broker-a', master: null });
    t.sendReport(T0 + 10_250, 5, { SEND_TIMEOUT: 3 });
    t.sendReport(T0 + 10_500, 0, { SERVICE_NOT_AVAILABLE: 2 });
    t.roleChanged({ atMs: T0 + 14_000, brokerName: 'broker-a', master: 'broker-a-s1' });
    t.sendReport(T0 + 14_250, 0, { SEND_TIMEOUT: 1 });
    t.sendReport(T0 + 14_500, 12, {});
    t.receipt('billing', T0 + 9_900, T0 + 10_050); // born before the fault: not a recovery
    t.receipt('billing', T0 + 14_400, T0 + 14_600);
    const { faults, roles } = t.summary(T0 + 30_000);
    expect(roles.map((r) => [r.atMs, r.master])).toEqual([
      [500, 'broker-a'],
      [10_100, null],
      [14_000, 'broker-a-s1'],
    ]);
    expect(faults).toEqual([
      {
        fault: 'kill-master',
        target: 'broker-a@master',
        node: 'broker-a',
        brokerName: 'broker-a',
        beganAtMs: 10_000,
        masterBefore: 'broker-a',
        electMs: 4000,
        newMaster: 'broker-a-s1',
        sendRtoMs: 4500,
        failedSends: { SEND_TIMEOUT: 4, SERVICE_NOT_AVAILABLE: 2 },
        consumeRtoMs: { audit: null, billing: 4600 },
      },
    ]);
  });

  it('a restarted master listed again counts as elected; no failed send is RTO 0', () => {
    const t = watching();
    killMasterAt(t, T0 + 1000);
    t.roleChanged({ atMs: T0 + 1200, brokerName: 'broker-a', master: null });
    t.roleChanged({ atMs: T0 + 6000, brokerName: 'broker-a', master: 'broker-a' });
    t.sendReport(T0 + 1250, 4, {});
    const [f] = t.summary(T0 + 9000).faults;
    expect(f).toMatchObject({ electMs: 5000, newMaster: 'broker-a', sendRtoMs: 0, failedSends: {} });
  });

  it('sends that never recover and a master never listed again are null; the next fault closes the window', () => {
    const t = watching();
    killMasterAt(t, T0 + 1000);
    t.roleChanged({ atMs: T0 + 1100, brokerName: 'broker-a', master: null });
    t.sendReport(T0 + 1250, 0, { SEND_TIMEOUT: 1 });
    killMasterAt(t, T0 + 5000, 'broker-a-s1');
    t.roleChanged({ atMs: T0 + 5500, brokerName: 'broker-a', master: 'broker-a-s2' });
    t.sendReport(T0 + 5750, 8, {});
    const [first, second] = t.summary(T0 + 9000).faults;
    expect(first).toMatchObject({ electMs: null, newMaster: null, sendRtoMs: null, failedSends: { SEND_TIMEOUT: 1 } });
    expect(second).toMatchObject({ electMs: 500, newMaster: 'broker-a-s2', sendRtoMs: 0 });
  });

  it('a fault on a slave leaves the master: elect 0', () => {
    const t = watching();
    t.faultBegan({
      fault: 'kill-slave',
      target: 'broker-a@slave',
      node: 'broker-a-s1',
      brokerName: 'broker-a',
      beganAt: T0 + 1000,
    });
    expect(t.summary(T0 + 5000).faults[0]).toMatchObject({ electMs: 0, newMaster: 'broker-a' });
  });

  it('a master that serves through its fault (a disk fault) is kept, not "never re-elected"', () => {
    const disk = (keepsRole?: boolean) => {
      const t = watching();
      t.faultBegan({
        fault: 'disk.slow-0',
        target: 'broker-a',
        node: 'broker-a',
        brokerName: 'broker-a',
        beganAt: T0 + 1000,
        ...(keepsRole ? { keepsRole } : {}),
      });
      return t.summary(T0 + 5000).faults[0]!;
    };
    const kept = disk(true);
    expect(kept).toMatchObject({ masterBefore: 'broker-a', electMs: 0, newMaster: 'broker-a' });
    expect(switchText(kept)).toBe('broker-a kept');
    expect(failoverLine(kept)).toMatch(/hit broker-a: master broker-a kept, send RTO 0 ms/);
    // The same record for a kill (the master gone, nobody listed anew): never elected.
    const killed = disk();
    expect(killed).toMatchObject({ electMs: null, newMaster: null });
    expect(switchText(killed)).toBe('broker-a → none');
  });

  it('a fault told when its action returned (a restart) still sees the failures and receipts during it', () => {
    const t = watching();
    t.addGroup('billing');
    t.sendReport(T0 + 1250, 0, { connect: 7 });
    t.sendReport(T0 + 6250, 3, {});
    t.receipt('billing', T0 + 6000, T0 + 6300);
    killMasterAt(t, T0 + 1000); // told at T0 + 7000, after the node was back
    expect(t.summary(T0 + 9000).faults[0]).toMatchObject({
      sendRtoMs: 5250,
      failedSends: { connect: 7 },
      consumeRtoMs: { billing: 5300 },
    });
  });
});
