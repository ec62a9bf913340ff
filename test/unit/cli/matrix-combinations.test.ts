/**
 * The matrix's combinations from real plan files: versions × HA modes in order, each loaded as
 * `run --set` would, the ones the plan does not validate with skipped with the validation's words.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  expandCombinations,
  parseHaList,
  parseList,
  planCombinations,
  type PlannedCombination,
} from '../../../src/cli/matrix/combinations.ts';
import { runArgs } from '../../../src/cli/matrix/run-combination.ts';
import { UsageError } from '../../../src/util/errors.ts';

const SMOKE = 'plans/smoke.yaml';

const summary = (planned: PlannedCombination[]) =>
  planned.map((p) => (p.status === 'valid' ? `${p.label} valid` : `${p.label} skipped`));

describe('matrix combinations', () => {
  it('parses comma lists, trimmed and each once, and refuses empty items and unknown HA modes', () => {
    expect(parseList('--versions', ' 4.9.7, 5.3.3,4.9.7')).toEqual(['4.9.7', '5.3.3']);
    expect(() => parseList('--versions', '4.9.7,,5.3.3')).toThrow(UsageError);
    expect(() => parseList('--versions', '')).toThrow(/an empty item/);
    expect(parseHaList('none,master-slave')).toEqual(['none', 'master-slave']);
    expect(() => parseHaList('none,raft')).toThrow(
      expect.objectContaining({
        message: '--ha: no HA mode raft',
        hint: 'HA modes are none, master-slave, controller, dledger',
      }),
    );
  });

  it('expands versions outer, HA modes inner, and sets only the axes given', () => {
    expect(expandCombinations({ versions: ['4.9.7', '5.3.3'], ha: ['none', 'master-slave'] })).toEqual([
      { version: '4.9.7', ha: 'none', sets: ['cluster.version=4.9.7', 'cluster.ha=none'] },
      { version: '4.9.7', ha: 'master-slave', sets: ['cluster.version=4.9.7', 'cluster.ha=master-slave'] },
      { version: '5.3.3', ha: 'none', sets: ['cluster.version=5.3.3', 'cluster.ha=none'] },
      { version: '5.3.3', ha: 'master-slave', sets: ['cluster.version=5.3.3', 'cluster.ha=master-slave'] },
    ]);
    expect(expandCombinations({ versions: undefined, ha: ['dledger'] })).toEqual([
      { version: undefined, ha: 'dledger', sets: ['cluster.ha=dledger'] },
    ]);
    expect(expandCombinations({ versions: undefined, ha: undefined })).toEqual([
      { version: undefined, ha: undefined, sets: [] },
    ]);
  });

  it('skips controller on 4.9.7 with the validation message, loads the others with version and mode', async () => {
    const planned = await planCombinations(SMOKE, ['phases.load=5s'], {
      versions: ['4.9.7', '5.3.3'],
      ha: ['master-slave', 'controller'],
    });
    expect(summary(planned)).toEqual([
      '4.9.7 × master-slave valid',
      '4.9.7 × controller skipped',
      '5.3.3 × master-slave valid',
      '5.3.3 × controller valid',
    ]);
    const skipped = planned[1]!;
    expect(skipped.status).toBe('skipped');
    if (skipped.status !== 'skipped') return;
    expect(skipped.reason).toHaveLength(1);
    expect(skipped.reason[0]).toMatch(/^cluster\.ha: ha controller needs RocketMQ 5\.x \(RocketMQ 4\.9\.7 has no/);
    expect(skipped.slug).toBe('4.9.7-controller');
    const valid = planned[2]!;
    if (valid.status !== 'valid') throw new Error('5.3.3 × master-slave should load');
    // The user's --set and the combination's both reached the plan.
    expect(valid.plan.cluster).toMatchObject({ version: '5.3.3', ha: 'master-slave', slavesPerMaster: 1 });
    expect(valid.plan.phases.loadMs).toBe(5000);
    expect(valid.combination.sets).toEqual(['cluster.version=5.3.3', 'cluster.ha=master-slave']);
  });

  it("names an axis not given by the plan's own value, for skipped combinations too", async () => {
    const planned = await planCombinations(SMOKE, ['cluster.version=4.9.7'], {
      versions: undefined,
      ha: ['none', 'controller'],
    });
    expect(summary(planned)).toEqual(['4.9.7 × none valid', '4.9.7 × controller skipped']);
    expect(planned.map((p) => p.slug)).toEqual(['4.9.7-none', '4.9.7-controller']);
  });

  it('skips the versions without a proxy when the plan runs one, naming the ones that have it', async () => {
    const planned = await planCombinations(SMOKE, ['cluster.proxy=true'], {
      versions: ['4.9.7', '5.1.4', '5.3.3'],
      ha: undefined,
    });
    expect(summary(planned)).toEqual(['4.9.7 × none skipped', '5.1.4 × none skipped', '5.3.3 × none valid']);
    const reasons = planned.flatMap((p) => (p.status === 'skipped' ? p.reason : []));
    expect(reasons[0]).toMatch(/RocketMQ 4\.9\.7 has no proxy to run \(the proxy came with 5\.0\).*use one of 5\.3\.3/);
    expect(reasons[1]).toMatch(/RocketMQ 5\.1\.4 has no proxy to run \(Maven Central has no rocketmq-proxy jar/);
  });

  it('keeps every validation line of a combination with several problems', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rmq-chaos-matrix-'));
    const plan = join(dir, 'delayed.yaml');
    writeFileSync(
      plan,
      [
        'description: delayed sends',
        'cluster: {proxy: true}',
        'topics: [{name: t}]',
        'fleets:',
        '  producers: [{name: p, topic: t, rate: 10/s, delay: {ratio: 0.5, by: 5s}}]',
        '  consumers: [{name: g, subscription: {t: "*"}}]',
        'phases: {load: 5s}',
        '',
      ].join('\n'),
    );
    const planned = await planCombinations(plan, [], { versions: ['4.9.7', '5.3.3'], ha: undefined });
    const [old, current] = planned;
    expect(current?.status).toBe('valid');
    expect(old?.status === 'skipped' && old.reason.map((line) => line.split(':')[0])).toEqual([
      'cluster.proxy',
      'fleets.producers[0].delay.by',
    ]);
  });

  it('refuses what no combination can fix: a missing plan, an axis also given by --set', async () => {
    const axes = { versions: ['4.9.7'], ha: undefined };
    await expect(planCombinations('plans/no-such-plan.yaml', [], axes)).rejects.toThrow(/plan file not found/);
    await expect(planCombinations(SMOKE, ['cluster.version=5.3.3'], axes)).rejects.toThrow(
      /--set cluster\.version=\.\.\. and --versions both choose cluster\.version/,
    );
    // A --set of the field whose axis is not given is simply the plan's value.
    await expect(planCombinations(SMOKE, ['cluster.ha=none'], axes)).resolves.toHaveLength(1);
    // A PlanError of every combination is not thrown: each is skipped (the command exits 2 on none valid).
    const bad = await planCombinations(SMOKE, ['phases.load=-1s'], { versions: ['4.9.7', '5.3.3'], ha: undefined });
    expect(bad.map((p) => p.status)).toEqual(['skipped', 'skipped']);
  });

  it("runs each combination as the user's `run` command line, --set by --set", () => {
    const args = runArgs({
      planFile: '/p/smoke.yaml',
      sets: ['phases.load=5s', 'cluster.version=4.9.7'],
      reportsDir: '/r/matrix-x/4.9.7-none',
      keep: true,
      maxPlanSize: undefined,
      verbose: false,
    });
    expect(args.slice(1)).toEqual([
      'run',
      '/p/smoke.yaml',
      '--set',
      'phases.load=5s',
      '--set',
      'cluster.version=4.9.7',
      '--reports',
      '/r/matrix-x/4.9.7-none',
      '--keep',
    ]);
    expect(args[0]).toMatch(/bin\/rmq-chaos\.js$/);
  });
});
