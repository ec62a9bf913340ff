import { describe, expect, it } from 'vitest';
import { rocketmqArtifacts, serverVersionTraits, versionsWithProxy } from '../../../src/setup/versions.ts';

describe('server versions', () => {
  it('knows what each tested version runs', () => {
    expect(serverVersionTraits('4.9.7')).toMatchObject({
      proxy: false,
      controller: false,
      dledger: true,
      timers: false,
    });
    expect(serverVersionTraits('5.1.4')).toMatchObject({ proxy: false, controller: true, timers: true });
    expect(serverVersionTraits('5.3.3')).toMatchObject({ proxy: true, controller: true, dledger: true });
    expect(serverVersionTraits('4.4.0').dledger).toBe(false);
    expect(versionsWithProxy()).toEqual(['5.3.3', '5.5.0']);
  });

  it('fetches the proxy only where the version has one', () => {
    expect(rocketmqArtifacts('4.9.7')).not.toContain('rocketmq-proxy');
    expect(rocketmqArtifacts('5.5.0')).toContain('rocketmq-proxy');
  });
});
