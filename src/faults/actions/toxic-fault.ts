/**
 * The shape of every toxic-based action (latency, bandwidth, timeout, ...): add one toxic per
 * direction (`both` = two toxics), and remove exactly those at the end. Each action file only
 * says which Toxiproxy toxic it is and how its params (typed by its spec) map onto the
 * toxic's attributes (Toxiproxy's own one-toxic-per-file layout).
 */
import type { z } from 'zod';
import type { NetworkControl, ToxicStream } from '../../network/network-control.ts';
import type { AnyFaultSpec, RuntimeParams } from '../../plan/fault-specs/fault-spec.ts';
import type { FaultStream } from '../../plan/resolved-faults.ts';
import type { FaultContext, FaultHandle, FaultImplementation } from '../fault-action.ts';
import { faultName, requireLink } from './network-common.ts';
import { errorText, onceHandle } from './once-handle.ts';

/** What every toxic spec's runtime params have (`fault-specs/shared.ts`: stream, toxicity). */
interface ToxicParams {
  faultName?: string | undefined;
  stream: FaultStream;
  toxicity: number;
}

export interface ToxicSpec {
  /** Toxiproxy toxic type. */
  type: string;
  attributes: Record<string, number>;
  /** For the timeline: `latency 200ms±50ms`. */
  summary: string;
}

/** Toxiproxy refuses a second toxic of the same name on a link (409); these suffixes make room. */
const NAME_ATTEMPTS = 5;

export function toxicAction<S extends AnyFaultSpec & { readonly runtime: z.ZodType<ToxicParams> }>(
  spec: S,
  toToxic: (params: RuntimeParams<S>) => ToxicSpec,
): FaultImplementation<S> {
  const name = spec.name;
  return {
    spec,
    async begin(target: string, params: RuntimeParams<S>, context: FaultContext): Promise<FaultHandle> {
      const parsed: ToxicParams = params;
      const network = requireLink(name, target, context);
      const wanted = toToxic(params);
      const base = faultName(name, parsed.faultName);
      const streams: ToxicStream[] = parsed.stream === 'both' ? ['upstream', 'downstream'] : [parsed.stream];
      const added: string[] = [];
      try {
        for (const stream of streams)
          added.push(
            await addNamed(network, target, `${base}.${stream}`, {
              type: wanted.type,
              stream,
              toxicity: parsed.toxicity,
              attributes: wanted.attributes,
            }),
          );
      } catch (error) {
        // Release on failure: a half-applied `both` must not outlive the failed begin.
        await Promise.all(added.map((toxic) => network.removeToxic(target, toxic).catch(() => undefined)));
        throw error;
      }
      const toxicity = parsed.toxicity < 1 ? ` on ${Math.round(parsed.toxicity * 100)}% of connections` : '';
      const observed = {
        begunAt: Date.now(),
        detail: `toxic ${wanted.summary} ${parsed.stream}${toxicity} on ${target} (${added.join(', ')})`,
      };
      context.log(`fault ${name} on ${target}: ${observed.detail}`);
      return onceHandle(
        observed,
        async () => {
          const failures: string[] = [];
          for (const toxic of added) {
            await network
              .removeToxic(target, toxic)
              .catch((error: unknown) => failures.push(`${toxic}: ${errorText(error)}`));
          }
          if (failures.length > 0) throw new Error(failures.join('; '));
        },
        context.log,
      );
    },
  };
}

async function addNamed(
  network: NetworkControl,
  link: string,
  wanted: string,
  toxic: { type: string; stream: ToxicStream; toxicity: number; attributes: Record<string, number> },
): Promise<string> {
  for (let attempt = 1; ; attempt++) {
    const toxicName = attempt === 1 ? wanted : `${wanted}~${attempt}`;
    try {
      await network.addToxic(link, { name: toxicName, ...toxic });
      return toxicName;
    } catch (error) {
      const conflict = typeof error === 'object' && error !== null && 'status' in error && error.status === 409;
      if (!conflict || attempt >= NAME_ATTEMPTS) throw error;
    }
  }
}
