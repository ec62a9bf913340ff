/**
 * Which images a containerized cluster runs, from the plan's `cluster.images`:
 *
 * - `official` (the default): apache/rocketmq at the cluster's RocketMQ version and
 *   Toxiproxy's image at the pinned one, taken when present, pulled when not; when they can be
 *   neither found nor pulled (a machine without a registry), the images built locally from
 *   that version's cached jars and the cached binary instead, with a line that says why;
 * - `local`: always the locally built ones (`rmq-chaos setup --images`, or built here);
 * - any other reference: that image, present or pulled, or an error naming it. It must keep
 *   the official layout (see setup/container-images.ts, IMAGE_PATHS).
 *
 * The registry calls go through an `ImageStore` so the choice is unit-tested without a
 * container runtime.
 */
import { localImages, officialImages } from '../../setup/container-images.ts';
import { EnvironmentError } from '../../util/errors.ts';

export type ImageKey = 'rocketmq' | 'toxiproxy';
export type ImageChoices = Record<ImageKey, string>;

export interface ResolvedImage {
  ref: string;
  /** `local`: built here from the cache (its layout is ours: any uid may run it). */
  source: 'official' | 'local' | 'custom';
  /** Set when `official` was asked for and the local build stands in: why. */
  fallbackReason?: string;
}
export type ResolvedImages = Record<ImageKey, ResolvedImage>;

export interface ImageStore {
  exists(ref: string): Promise<boolean>;
  /** Rejects with the registry's reason when the image cannot be pulled. */
  pull(ref: string): Promise<void>;
  /** Builds the local images that are missing (`setup --images`), RocketMQ's of `rocketmqVersion`. */
  buildLocal(which: Record<ImageKey, boolean>, rocketmqVersion: string): Promise<void>;
}

export const DEFAULT_IMAGE_CHOICES: ImageChoices = { rocketmq: 'official', toxiproxy: 'official' };

/** `rocketmqVersion`: the cluster's server version (`cluster.version`), which names both RocketMQ images. */
export async function resolveImages(
  choices: ImageChoices,
  rocketmqVersion: string,
  store: ImageStore,
  log: (line: string) => void,
): Promise<ResolvedImages> {
  const refs = { local: localImages(rocketmqVersion), official: officialImages(rocketmqVersion) };
  const resolved = {} as ResolvedImages;
  for (const key of ['rocketmq', 'toxiproxy'] as const)
    resolved[key] = await resolveOne(
      key,
      choices[key],
      { local: refs.local[key], official: refs.official[key] },
      store,
      log,
    );
  const local = { rocketmq: resolved.rocketmq.source === 'local', toxiproxy: resolved.toxiproxy.source === 'local' };
  if (local.rocketmq || local.toxiproxy) await store.buildLocal(local, rocketmqVersion);
  return resolved;
}

async function resolveOne(
  key: ImageKey,
  choice: string,
  refs: { local: string; official: string },
  store: ImageStore,
  log: (line: string) => void,
): Promise<ResolvedImage> {
  if (choice === 'local') return { ref: refs.local, source: 'local' };
  const official = choice === 'official';
  const ref = official ? refs.official : choice;
  const source = official ? 'official' : 'custom';
  if (await store.exists(ref)) {
    log(`image ${ref}: present`);
    return { ref, source };
  }
  log(`image ${ref}: pulling...`);
  const began = performance.now();
  try {
    await store.pull(ref);
    log(`image ${ref}: pulled in ${((performance.now() - began) / 1000).toFixed(1)}s`);
    return { ref, source };
  } catch (error) {
    const reason = firstLine(error);
    if (!official) {
      throw new EnvironmentError(
        'image-unavailable',
        `image ${ref} (cluster.images.${key}) is not present and could not be pulled: ${reason}`,
        `pull or load it (podman pull / docker load), or set cluster.images.${key} to official or local`,
      );
    }
    log(
      `image ${ref}: cannot be pulled (${reason}); using the locally built ${refs.local} instead ` +
        `(cluster.images.${key}: local skips the pull)`,
    );
    return { ref: refs.local, source: 'local', fallbackReason: reason };
  }
}

function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split('\n')
      .find((line) => line.trim())
      ?.trim()
      .slice(0, 300) ?? 'unknown error'
  );
}
