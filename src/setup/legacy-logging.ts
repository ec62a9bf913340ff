/**
 * RocketMQ 4.x reads its logback configuration from `$ROCKETMQ_HOME/conf/logback_<kind>.xml`
 * and exits at start when the file is missing (5.x carries its own inside the jars). This
 * writes a small one: every logger to one rolling-free file under the node's user.home, where
 * 5.x puts its logs too (`~/logs/rocketmqlogs`), so stdout keeps only what the daemon prints.
 * The local provider writes it into each node's ROCKETMQ_HOME; the locally built container
 * image of a 4.x version carries it (setup/container-images.ts).
 */
import { join } from 'node:path';

/** The daemons of 4.x that read a logback file from ROCKETMQ_HOME (4.x has no proxy). */
export const LEGACY_LOGBACK_KINDS = ['namesrv', 'broker'] as const;
export type LegacyLogbackKind = (typeof LEGACY_LOGBACK_KINDS)[number];

/** `file` is under `rocketmqHome` (`conf/logback_<kind>.xml`). */
export function legacyLogbackFile(kind: LegacyLogbackKind, rocketmqHome: string): { file: string; text: string } {
  return {
    file: join(rocketmqHome, 'conf', `logback_${kind}.xml`),
    text: `<?xml version="1.0" encoding="UTF-8"?>
<configuration>
  <appender name="FILE" class="ch.qos.logback.core.FileAppender">
    <file>\${user.home}/logs/rocketmqlogs/${kind}.log</file>
    <append>true</append>
    <encoder><pattern>%d{yyy-MM-dd HH:mm:ss,SSS} %p %t - %m%n</pattern><charset>UTF-8</charset></encoder>
  </appender>
  <root level="INFO"><appender-ref ref="FILE"/></root>
</configuration>
`,
  };
}
