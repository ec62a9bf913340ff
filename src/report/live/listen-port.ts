/**
 * Where the live page listens: 127.0.0.1 only, on a port the system picks (0) or on the one
 * asked for, and when that one is taken the next free one above it (said by the caller).
 */
import type { Server } from 'node:http';
import { EnvironmentError } from '../../util/errors.ts';

export const LIVE_HOST = '127.0.0.1';

/** How many ports above the asked one are tried before giving up. */
export const PORTS_TRIED = 20;

/** Listens on `port` or the first free one after it; resolves to the port it got. */
export async function listenFrom(server: Server, port: number): Promise<number> {
  const last = port === 0 ? 0 : Math.min(65_535, port + PORTS_TRIED - 1);
  for (let candidate = port; candidate <= last; candidate++) {
    try {
      return await listenOn(server, candidate);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE' && candidate < last) continue;
      if (code === 'EADDRINUSE')
        throw new EnvironmentError(
          'live-port',
          `--live ${port}: ports ${port}-${last} on ${LIVE_HOST} are all in use`,
          'give another port, or --live alone for one the system picks',
        );
      throw new EnvironmentError(
        'live-port',
        `--live ${port}: cannot listen on ${LIVE_HOST}:${candidate} (${code ?? String(error)})`,
        'give a port above 1023, or --live alone for one the system picks',
        { cause: error },
      );
    }
  }
  throw new Error('unreachable: the loop returns or throws');
}

function listenOn(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : port);
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, LIVE_HOST);
  });
}
