/**
 * The shape of every toxic-based action (latency, bandwidth, timeout, ...): validate params,
 * add one toxic per direction (`both` = two toxics), and remove exactly those at the end.
 * Each action file only says which Toxiproxy toxic it is and how its params map onto the
 * toxic's attributes (Toxiproxy's own one-toxic-per-file layout).
 */
import { z } from 'zod';
import type { NetworkControl, ToxicStream } from '../../network/network-control.ts';
import type { FaultAction, FaultContext, FaultHandle } from '../fault-action.ts';
import { commonShape, errorText, faultName, onceHandle, parseParams, requireLink } from './network-common.ts';

export const streamSchema = z.enum(['upstream', 'downstream', 'both']).default('downstream');
export type StreamParam = z.infer<typeof streamSchema>;

/** Shape shared by toxic params: `stream` (default downstream, as Toxiproxy's), `toxicity` (0..1, default 1). */
export const toxicShape = {
  ...commonShape,
  stream: streamSchema,
  toxicity: z.number().min(0).max(1).default(1),
};

export interface ToxicSpec {
  /** Toxiproxy toxic type. */
  type: string;
  attributes: Record<string, number>;
  /** For the timeline: `latency 200ms±50ms`. */
  summary: string;
}

/** Toxiproxy refuses a second toxic of the same name on a link (409); these suffixes make room. */
const NAME_ATTEMPTS = 5;

export function toxicAction<
  S extends z.ZodType<{ faultName?: string | undefined; stream: StreamParam; toxicity: number }>,
>(name: string, schema: S, toToxic: (params: z.infer<S>) => ToxicSpec): FaultAction & { readonly schema: S } {
  return {
    name,
    schema,
    async begin(target: string, params: Record<string, unknown>, context: FaultContext): Promise<FaultHandle> {
      const parsed = parseParams(name, schema, params) as z.infer<S>;
      const network = requireLink(name, target, context);
      const spec = toToxic(parsed);
      const base = faultName(name, parsed.faultName);
      const streams: ToxicStream[] = parsed.stream === 'both' ? ['upstream', 'downstream'] : [parsed.stream];
      const added: string[] = [];
      try {
        for (const stream of streams)
          added.push(
            await addNamed(network, target, `${base}.${stream}`, {
              type: spec.type,
              stream,
              toxicity: parsed.toxicity,
              attributes: spec.attributes,
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
        detail: `toxic ${spec.summary} ${parsed.stream}${toxicity} on ${target} (${added.join(', ')})`,
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
