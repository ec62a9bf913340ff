import { describe, expect, it } from 'vitest';
import { ContainerNodeControl, type RuntimeContainer } from '../../../src/cluster/containers/node-control.ts';
import type { ClusterNode } from '../../../src/cluster/provider.ts';

class FakeContainer implements RuntimeContainer {
  calls: string[] = [];
  log = '';
  async kill() {
    this.calls.push('kill');
  }
  async pause() {
    this.calls.push('pause');
  }
  async unpause() {
    this.calls.push('unpause');
    throw Object.assign(new Error('container is not paused'), { statusCode: 500 });
  }
  async stop(options?: { t?: number }) {
    this.calls.push(`stop ${options?.t}`);
  }
  async start() {
    this.calls.push('start');
    setTimeout(() => (this.log += 'The broker[broker-a, 127.0.0.1:1] boot success\n'), 20);
  }
  async logs() {
    return Buffer.from(this.log);
  }
}

const node: ClusterNode = { name: 'broker-a', role: 'broker-master', addr: '127.0.0.1:1', brokerName: 'broker-a' };

describe('ContainerNodeControl', () => {
  it('maps kill, pause and resume to the runtime, and resume of a running container is not an error', async () => {
    const container = new FakeContainer();
    const control = new ContainerNodeControl([{ node, container, bootLine: /boot success/ }], { log: () => {} });
    await control.kill('broker-a');
    await control.pause('broker-a');
    await control.resume('broker-a');
    expect(container.calls).toEqual(['kill', 'pause', 'unpause']);
    expect(control.names()).toEqual(['broker-a']);
  });

  it('restarts: stop with a grace period (or kill), down time, start, the boot line, then afterBoot', async () => {
    const container = new FakeContainer();
    const after: string[] = [];
    const control = new ContainerNodeControl([{ node, container, bootLine: /boot success/ }], {
      log: () => {},
      afterBoot: async (n) => void after.push(n.name),
    });
    await control.restart('broker-a', { hard: false, downMs: 10 });
    await control.restart('broker-a', { hard: true, downMs: 0 });
    expect(container.calls).toEqual(['stop 15', 'start', 'kill', 'start']);
    expect(after).toEqual(['broker-a', 'broker-a']);
  });

  it('does not start a node again once the cluster is closing, and refuses unknown nodes', async () => {
    const container = new FakeContainer();
    const control = new ContainerNodeControl([{ node, container, bootLine: /boot success/ }], { log: () => {} });
    const restart = control.restart('broker-a', { hard: true, downMs: 30 });
    control.close();
    await restart;
    expect(container.calls).toEqual(['kill']);
    await expect(control.kill('broker-z')).rejects.toThrow(/no cluster node named "broker-z"/);
  });
});
