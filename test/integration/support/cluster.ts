export { startTestCluster, type TestCluster, type TestClusterOptions } from '../../../src/cluster/scratch-cluster.ts';
