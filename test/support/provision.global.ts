/**
 * Vitest global setup: before the suite, provision what the tests need through the project's
 * own setup (RocketMQ jars, Toxiproxy; cached, offline after the first time), saying what it
 * does, so `npm test` passes on a fresh clone with nothing installed by hand. The browser is
 * provisioned by the browser test itself (ensureBrowser), container images by the containers test.
 *
 * `npm run test:quick` sets RMQ_CHAOS_TEST_QUICK=1 and skips this: it must stay fast, and
 * the few unit tests that need the Toxiproxy binary skip with one line saying how to get it.
 */
import { provision } from '../../src/setup/provision.ts';

export default async function setup(): Promise<void> {
  if (process.env.RMQ_CHAOS_TEST_QUICK === '1') return;
  await provision((line) => console.log(`setup: ${line}`));
}
