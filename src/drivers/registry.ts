/**
 * Client drivers by name, as plans refer to them (`driver: remoting`). One implementation
 * per protocol: `remoting` (classic protocol, name server and brokers) and `grpc` (RocketMQ 5
 * protocol through the proxy).
 */
import type { ClientDriver } from './driver.ts';
import { grpcDriver } from './grpc/index.ts';
import { remotingDriver } from './remoting/index.ts';
import { UsageError } from '../util/errors.ts';

export const drivers: Readonly<Record<string, ClientDriver>> = {
  remoting: remotingDriver,
  grpc: grpcDriver,
};

export function getDriver(name: string): ClientDriver {
  const driver = drivers[name];
  if (!driver)
    throw new UsageError(`unknown client driver "${name}"`, `use one of: ${Object.keys(drivers).join(', ')}`);
  return driver;
}
