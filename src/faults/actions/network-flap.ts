/**
 * `network.flap`: the link goes down for `downForMs`, up for the rest of `periodMs`, again
 * and again until the fault ends (starting with a down phase at begin). Each phase is
 * stretched or shortened by up to `jitterMs`, drawn from a seeded generator (`seed`, or one
 * derived from the fault and link names) so a plan flaps the same way on every run. The end
 * leaves the link up (unless another fault still holds it down).
 */
import type { RuntimeParams } from '../../plan/fault-specs/fault-spec.ts';
import { networkFlapSpec } from '../../plan/fault-specs/network-flap.ts';
import { hashSeed, seededRandom, type Random } from '../../util/random.ts';
import { sleep } from '../../util/sleep.ts';
import type { FaultImplementation } from '../fault-action.ts';
import { holdDown, releaseDown, requireLink } from './network-common.ts';
import { errorText, onceHandle } from './once-handle.ts';

type FlapParams = RuntimeParams<typeof networkFlapSpec>;

/** A phase length with jitter: uniform in [ms - jitter, ms + jitter], never below 1 ms. */
export function jittered(ms: number, jitterMs: number, random: Random): number {
  return Math.max(1, Math.round(ms + (random() * 2 - 1) * jitterMs));
}

export const networkFlap: FaultImplementation<typeof networkFlapSpec> = {
  spec: networkFlapSpec,
  async begin(target, p, context) {
    const network = requireLink('network.flap', target, context);
    const random = seededRandom(p.seed ?? hashSeed(`${p.faultName ?? 'network.flap'}@${target}`));
    const stop = new AbortController();
    const state = { down: false, cycles: 0 };
    const setDown = async (down: boolean) => {
      if (down === state.down) return;
      await (down ? holdDown(network, target) : releaseDown(network, target));
      state.down = down;
    };
    // The first down phase happens inside begin, so a failing link or server fails the begin.
    await setDown(true);
    state.cycles = 1;
    const loop = flapLoop(target, p, random, stop.signal, state, setDown, context.log);
    const observed = {
      begunAt: Date.now(),
      detail:
        `link ${target} flapping: down ${p.downForMs}ms every ` +
        `${p.periodMs}ms${p.jitterMs > 0 ? ` ±${p.jitterMs}ms` : ''}`,
    };
    context.log(`fault network.flap: ${observed.detail}`);
    return onceHandle(
      observed,
      async () => {
        stop.abort();
        await loop;
        observed.detail += ` (${state.cycles} down phases)`;
        await setDown(false);
      },
      context.log,
    );
  },
};

async function flapLoop(
  target: string,
  p: FlapParams,
  random: Random,
  signal: AbortSignal,
  state: { down: boolean; cycles: number },
  setDown: (down: boolean) => Promise<void>,
  log: (line: string) => void,
): Promise<void> {
  for (;;) {
    await sleep(jittered(p.downForMs, p.jitterMs, random), signal);
    if (signal.aborted) return;
    await setDown(false).catch((error: unknown) =>
      log(`network.flap on ${target}: could not bring the link up: ${errorText(error)}`),
    );
    await sleep(jittered(p.periodMs - p.downForMs, p.jitterMs, random), signal);
    if (signal.aborted) return;
    try {
      await setDown(true);
      state.cycles++;
    } catch (error) {
      log(`network.flap on ${target}: could not take the link down: ${errorText(error)}`);
    }
  }
}
