/**
 * The file a file output writes (`--out json=<file>`, `csv=<file>`): opened before the run starts
 * anything, so a path that cannot be written fails there, naming the output, not after the
 * cluster came up; closed once, however often asked.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname } from 'node:path';
import { EnvironmentError } from '../../util/errors.ts';

export class OutputFile {
  private stream: WriteStream | undefined;
  private closing: Promise<void> | undefined;

  constructor(
    private readonly file: string,
    private readonly description: string,
  ) {}

  async open(): Promise<void> {
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const stream = createWriteStream(this.file);
      await once(stream, 'open');
      this.stream = stream;
    } catch (error) {
      throw new EnvironmentError(
        'output-unwritable',
        `--out ${this.description}: cannot write ${this.file} (${(error as Error).message})`,
        'give a file in a folder this user can write',
      );
    }
  }

  /** Appends `text`; nothing before open or after close. */
  write(text: string): void {
    if (this.closing === undefined) this.stream?.write(text);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      const stream = this.stream;
      if (!stream) return;
      stream.end();
      await once(stream, 'close');
    })();
    return this.closing;
  }
}
