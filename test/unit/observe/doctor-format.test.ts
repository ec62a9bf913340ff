/** The pure parts of `rmq-chaos doctor`: arguments, the snapshot schedule, and the report text. */
import { describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/checks/diagnoses/diagnosis.ts';
import {
  diagnosisOptionsFor,
  doctorJson,
  formatDoctorReport,
  formatEvidence,
  parseNamesrv,
  parseProxies,
  parseWindow,
  snapshotSchedule,
  type DoctorReport,
} from '../../../src/cli/commands/doctor.ts';
import { UsageError } from '../../../src/util/errors.ts';

describe('doctor arguments', () => {
  it("--proxy takes a proxy's remoting host:port, repeatable, duplicates dropped", () => {
    expect(parseProxies([])).toEqual([]);
    expect(parseProxies(['127.0.0.1:8080', ' proxy-1.example:8080 ', '127.0.0.1:8080'])).toEqual([
      '127.0.0.1:8080',
      'proxy-1.example:8080',
    ]);
    for (const bad of ['127.0.0.1', ':8080', '127.0.0.1:0', '127.0.0.1:70000', 'a;b:1'])
      expect(() => parseProxies([bad])).toThrow(UsageError);
  });

  it('--namesrv takes host:port, several separated by ;', () => {
    expect(parseNamesrv('127.0.0.1:9876')).toBe('127.0.0.1:9876');
    expect(parseNamesrv(' ns-1.example:9876; ns-2:9876 ')).toBe('ns-1.example:9876;ns-2:9876');
    for (const bad of [
      'nonsense',
      '127.0.0.1',
      ':9876',
      '127.0.0.1:0',
      '127.0.0.1:70000',
      'a b:1',
      'http://x:1',
      '',
      ';',
    ]) {
      expect(() => parseNamesrv(bad), bad).toThrow(UsageError);
    }
    expect(() => parseNamesrv(undefined)).toThrow(/needs --namesrv/);
  });

  it('--window is a duration; 0s means one snapshot', () => {
    expect(parseWindow('10s')).toBe(10_000);
    expect(parseWindow('0s')).toBe(0);
    expect(() => parseWindow('10')).toThrow(UsageError);
    expect(() => parseWindow('soon')).toThrow(UsageError);
  });

  it('takes a snapshot about every 3 s, the first at 0 and the last at the end of the window', () => {
    expect(snapshotSchedule(0)).toEqual({ count: 1, intervalMs: 0 });
    expect(snapshotSchedule(4000)).toEqual({ count: 3, intervalMs: 2000 });
    expect(snapshotSchedule(10_000)).toEqual({ count: 5, intervalMs: 2500 });
    expect(snapshotSchedule(3000)).toEqual({ count: 2, intervalMs: 3000 });
  });

  it('asks conditions to persist no longer than the window', () => {
    expect(diagnosisOptionsFor(0)).toEqual({ persistMs: 0, growthSpanMs: 0 });
    expect(diagnosisOptionsFor(4000)).toEqual({ persistMs: 4000, growthSpanMs: 4000 });
    expect(diagnosisOptionsFor(60_000)).toEqual({ persistMs: 8000, growthSpanMs: 15_000 });
  });
});

describe('formatEvidence', () => {
  it('writes key: value lines, nests objects and puts plain list items on one line', () => {
    expect(
      formatEvidence(
        {
          topic: 'T',
          lag: 12,
          allocatedTo: null,
          subscribers: ['a', 'b'],
          none: [],
          instances: { a: { T: 'TagA' }, b: { T: 'TagA || TagB' } },
          queues: [{ queue: 'T@b/0', lag: 3 }],
          differences: [{ topic: 'T', variants: { TagA: ['a'], 'TagA || TagB': ['b'] } }],
        },
        2,
      ),
    ).toEqual([
      '  topic: T',
      '  lag: 12',
      '  allocatedTo: -',
      '  subscribers: a, b',
      '  none: (none)',
      '  instances:',
      '    a:',
      '      T: TagA',
      '    b:',
      '      T: TagA || TagB',
      '  queues:',
      '    - queue: T@b/0, lag: 3',
      '  differences:',
      '    - topic: T',
      '      variants:',
      '        TagA: a',
      '        TagA || TagB: b',
    ]);
  });
});

describe('the doctor report', () => {
  const finding: Finding = {
    id: 'inconsistent-subscription',
    severity: 'critical',
    group: 'billing',
    summary: 'instances of group billing subscribe differently: topic T: "TagA" (x) vs "TagA || TagB" (y)',
    evidence: { heldMs: 4000 },
    remedy: 'Give every instance the same subscription.',
    firstSeenAt: Date.UTC(2026, 0, 1, 10, 0, 0),
    lastSeenAt: Date.UTC(2026, 0, 1, 10, 0, 4),
  };
  const report: DoctorReport = {
    namesrv: '127.0.0.1:9876',
    at: Date.UTC(2026, 0, 1, 10, 0, 0),
    windowMs: 4000,
    snapshots: 3,
    brokers: [{ name: 'broker-a', addr: '127.0.0.1:10911' }],
    groups: [
      {
        group: 'billing',
        messageModel: 'CLUSTERING',
        clients: [
          { clientId: 'x', addr: 'x:1', brokers: ['broker-a'] },
          { clientId: 'y', addr: 'y:1', brokers: ['broker-a'] },
        ],
      },
      { group: 'ghost', clients: [], note: 'no such consumer group on any broker' },
    ],
    findings: [finding],
    errors: [],
    observed: { snapshots: [], brokerConfigs: [] },
  };

  it('prints the header, each finding with evidence and remedy, and a count', () => {
    expect(formatDoctorReport(report)).toBe(
      [
        'namesrv  127.0.0.1:9876',
        'brokers  broker-a (127.0.0.1:10911)',
        'groups   billing: 2 clients, clustering',
        '         ghost: no such consumer group on any broker',
        'window   4s (3 snapshots)',
        '',
        'CRITICAL inconsistent-subscription  group billing',
        '  instances of group billing subscribe differently: topic T: "TagA" (x) vs "TagA || TagB" (y)',
        '  seen 10:00:00–10:00:04 UTC',
        '  evidence:',
        '    heldMs: 4000',
        '  remedy: Give every instance the same subscription.',
        '',
        '1 problem found (1 critical)',
      ].join('\n'),
    );
  });

  it('names the proxies asked and labels a pop group', () => {
    const text = formatDoctorReport({
      ...report,
      proxies: ['127.0.0.1:8080'],
      groups: [{ group: 'pop-billing', messageModel: 'CLUSTERING', consumption: 'pop', clients: [] }],
      findings: [],
    });
    expect(text.split('\n').slice(0, 4)).toEqual([
      'namesrv  127.0.0.1:9876',
      'brokers  broker-a (127.0.0.1:10911)',
      'proxies  127.0.0.1:8080',
      'groups   pop-billing: 0 clients, clustering, pop through a proxy (gRPC)',
    ]);
    expect(doctorJson({ ...report, proxies: ['127.0.0.1:8080'] }).proxies).toEqual(['127.0.0.1:8080']);
    // Nothing found without --proxy: the hint says where gRPC consumers are.
    expect(formatDoctorReport({ ...report, groups: [], findings: [] })).toContain(
      'groups   none with an online consumer (gRPC consumers register with a proxy only: give --proxy host:port)',
    );
    expect(formatDoctorReport({ ...report, proxies: ['p:8080'], groups: [], findings: [] })).toContain(
      'groups   none with an online consumer\n',
    );
    expect('proxies' in doctorJson(report)).toBe(false);
  });

  it('says so when there is nothing, and lists failed requests', () => {
    const text = formatDoctorReport({ ...report, findings: [], errors: ['broker-a/billing consume stats: timeout'] });
    expect(text).toMatch(
      /partial data: 1 request failed\n {2}broker-a\/billing consume stats: timeout\n\nno problems found$/,
    );
  });

  it('--json carries schema, version, namesrv, time, groups, findings and errors', () => {
    const json = doctorJson(report);
    expect(json).toMatchObject({
      schema: 'rmq-chaos/doctor',
      schemaVersion: 1,
      namesrv: '127.0.0.1:9876',
      at: '2026-01-01T10:00:00.000Z',
      findings: [finding],
      errors: [],
    });
    expect(json.groups.map((g) => g.group)).toEqual(['billing', 'ghost']);
  });
});
