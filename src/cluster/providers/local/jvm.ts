import { join } from 'node:path';
import type { ManagedProcessOptions } from '../../../runtime/managed-process.ts';
import { classArchiveFlags } from '../../../setup/class-archives.ts';
import { BOOT_LINE, daemonJvmFlags } from '../../../setup/daemon-jvm.ts';
import { MAIN_CLASS } from '../../../setup/versions.ts';

export { BOOT_LINE };

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
 * heap, serial GC (fewer threads on a 2-core machine), the kind's class archive when setup
 * made one (setup/class-archives.ts), and stdout/stderr in `out.log`.
 */
export function jvmProcessOptions(node: JvmNode, javaCommand = 'java'): ManagedProcessOptions {
  const heapMiB = Math.max(64, Math.floor(node.heapBytes / (1024 * 1024)));
  return {
    name: node.name,
    command: javaCommand,
    args: [
      ...daemonJvmFlags(heapMiB),
      ...classArchiveFlags(node.libDir, node.kind),
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
