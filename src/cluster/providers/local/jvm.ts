import { join } from 'node:path';
import type { ManagedProcessOptions } from '../../../runtime/managed-process.ts';
import { MAIN_CLASS } from '../../../setup/versions.ts';

/** The line each daemon prints once it serves requests (checked against 5.3.3). */
export const BOOT_LINE = {
  namesrv: /The Name Server boot success/,
  broker: /The broker\[.*\] boot success/,
  proxy: /rocketmq-proxy startup successfully/,
  controller: /The Controller Server boot success/,
} as const;

/** A name server with an embedded controller prints this once the controller serves (5.x). */
export const CONTROLLER_BOOT_LINE = /The ControllerManager boot success/;

export interface JvmNode {
  name: string;
  kind: keyof typeof MAIN_CLASS;
  nodeDir: string;
  libDir: string;
  heapBytes: number;
  args: string[];
}

/**
 * How one RocketMQ daemon is launched: its own ROCKETMQ_HOME and user.home (RocketMQ writes
 * its logs and some state under user.home, so two runs never share them), a small fixed
 * heap, serial GC (fewer threads on a 2-core machine), and stdout/stderr in `out.log`.
 */
export function jvmProcessOptions(node: JvmNode, javaCommand = 'java'): ManagedProcessOptions {
  const heapMiB = Math.max(64, Math.floor(node.heapBytes / (1024 * 1024)));
  return {
    name: node.name,
    command: javaCommand,
    args: [
      `-Xms${heapMiB}m`,
      `-Xmx${heapMiB}m`,
      `-XX:MaxDirectMemorySize=${heapMiB}m`,
      '-XX:+UseSerialGC',
      '-XX:-OmitStackTraceInFastThrow',
      '-Djava.net.preferIPv4Stack=true',
      // The 5.x controller's Hessian serializer reflects into java.lang: without this, Java 17
      // prints 8 harmless stack traces at every controller start (seen here).
      '--add-opens',
      'java.base/java.lang=ALL-UNNAMED',
      `-Duser.home=${join(node.nodeDir, 'home')}`,
      `-Drmq.chaos.node=${node.name}`,
      '-cp',
      `${node.libDir}/*`,
      MAIN_CLASS[node.kind],
      ...node.args,
    ],
    cwd: node.nodeDir,
    env: { ...process.env, ROCKETMQ_HOME: node.nodeDir },
    logFile: join(node.nodeDir, 'out.log'),
  };
}
