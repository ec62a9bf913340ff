import { mkdirSync } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import type { WriteStream } from 'node:fs';
import { EnvironmentError } from '../../util/errors.ts';

/**
 * A file output's stream, open before the run starts anything: a path that cannot be written
 * fails here, naming the output, not after the cluster came up.
 */
export async function openForWriting(
  file: string,
  description: string,
  create: (file: string) => WriteStream,
): Promise<WriteStream> {
  try {
    mkdirSync(dirname(file), { recursive: true });
    const stream = create(file);
    await once(stream, 'open');
    return stream;
  } catch (error) {
    throw new EnvironmentError(
      'output-unwritable',
      `--out ${description}: cannot write ${file} (${(error as Error).message})`,
      'give a file in a folder this user can write',
    );
  }
}
