/** `run --live [port]`: no port (a random one), or a port to try first. */
import { UsageError } from '../util/errors.ts';

export function liveOption(value: string | boolean | undefined): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return 0;
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65_535)
    throw new UsageError(
      `--live ${value}: not a port (1-65535)`,
      '--live alone picks a free port; --live 8080 tries 8080, then the next free one',
    );
  return port;
}
