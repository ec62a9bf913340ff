/**
 * How a run recognises its own gRPC clients among those the proxy lists: their client ids carry
 * the worker's pid (`host@pid@index@time`, the Node and Java clients alike), and what they
 * subscribe comes from the run's configuration, parsed as a client would report it.
 */
import { describe, expect, it } from 'vitest';
import { clientSubscriptions, grpcClientPid } from '../../../src/run/observer.ts';
import { runGroups } from '../../../src/run/run-groups.ts';
import { readFileSync } from 'node:fs';
import { loadPlanText } from '../../../src/plan/load-plan.ts';

describe('gRPC clients of a run', () => {
  it('a gRPC client id carries its pid; a remoting one does not', () => {
    expect(grpcClientPid('vm@16785@0@mxd4wdo3')).toBe(16785);
    // Java's ClientId ends in System.nanoTime() in base 36, which may be negative.
    expect(grpcClientPid('host-1.example@42@3@-1x2y3z')).toBe(42);
    expect(grpcClientPid('127.0.0.3@billing#1')).toBeUndefined();
    expect(grpcClientPid('10.0.0.1@12345')).toBeUndefined();
  });

  it("the run's subscriptions as a client reports them: tags parsed, `*` without tags, SQL92 typed", () => {
    expect(clientSubscriptions({ orders: 'TagA || TagB', all: '*', sql: { sql: 'a > 1' } })).toEqual([
      { topic: 'orders', expression: 'TagA || TagB', tags: ['TagA', 'TagB'] },
      { topic: 'all', expression: '*', tags: [] },
      { topic: 'sql', expression: 'a > 1', type: 'SQL92', tags: [] },
    ]);
  });

  it('a group with gRPC instances is watched as a pop group, not through running info', () => {
    const plan = loadPlanText(readFileSync('plans/pop-tag-drift.yaml', 'utf8'), 'plans/pop-tag-drift.yaml');
    expect(runGroups(plan)).toMatchObject({ clustering: ['billing'], queueOwning: [], observed: [], pop: ['billing'] });
    const remoting = loadPlanText(readFileSync('plans/tag-drift.yaml', 'utf8'), 'plans/tag-drift.yaml');
    expect(runGroups(remoting)).toMatchObject({ observed: ['billing'], pop: [] });
  });
});
