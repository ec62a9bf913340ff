/**
 * Client drivers by name, as plans refer to them (`driver: remoting`). One implementation
 * per protocol; `grpc` joins when its driver exists.
 */
import type { ClientDriver } from './driver.ts';
import { remotingDriver } from './remoting/index.ts';
import { UsageError } from '../util/errors.ts';

export const drivers: Readonly<Record<string, ClientDriver>> = {
  remoting: remotingDriver,
};

export function getDriver(name: string): ClientDriver {
  const driver = drivers[name];
  if (!driver) throw new UsageError(`unknown client driver "${name}"`, `use one of: ${Object.keys(drivers).join(', ')}`);
  return driver;
}
