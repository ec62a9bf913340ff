import { startTestCluster, type TestCluster } from '../../../src/cluster/scratch-cluster.ts';

export { startTestCluster, type TestCluster, type TestClusterOptions } from '../../../src/cluster/scratch-cluster.ts';

/**
 * One cluster that a test file's runs share as provider external (what `cluster up` and a
 * running cluster look like to a run), started when the first run needs it, with no topics:
 * each run creates its own topics and groups, so none sees another's messages. Call
 * `dispose` in the file's afterAll.
 */
export function sharedExternalCluster(): { sets(): Promise<string[]>; dispose(): Promise<void> } {
  let shared: Promise<TestCluster> | undefined;
  return {
    async sets() {
      shared ??= startTestCluster({ topics: [] });
      return ['cluster.provider=external', `cluster.namesrvAddr=${(await shared).namesrvAddr}`];
    },
    async dispose() {
      await (await shared?.catch(() => undefined))?.[Symbol.asyncDispose]();
    },
  };
}
