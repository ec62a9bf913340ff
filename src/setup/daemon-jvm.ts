/**
 * What every RocketMQ daemon JVM the harness starts shares, whoever starts it (the local
 * provider, or setup when it builds class archives): the flags before the main class, the
 * main classes, and the line each daemon prints once it serves requests.
 */

/** The line each daemon prints once it serves requests (checked against 4.9.7 and 5.3.3). */
export const BOOT_LINE = {
  namesrv: /The Name Server boot success/,
  broker: /The broker\[.*\] boot success/,
  proxy: /rocketmq-proxy startup successfully/,
  controller: /The Controller Server boot success/,
} as const;

/**
 * A small fixed heap, serial GC (fewer threads on a 2-core machine), and the one module
 * opening the 5.x controller needs. Class archives are made and used with the same flags.
 */
export function daemonJvmFlags(heapMiB: number): string[] {
  return [
    `-Xms${heapMiB}m`,
    `-Xmx${heapMiB}m`,
    `-XX:MaxDirectMemorySize=${heapMiB}m`,
    '-XX:+UseSerialGC',
    '-XX:-OmitStackTraceInFastThrow',
    '-Djava.net.preferIPv4Stack=true',
    // Every remoting server (name server, broker, its fast port, proxy) otherwise builds a
    // self-signed TLS context for "permissive" mode: about 2.5 s of a broker's 7 s boot here,
    // for TLS nothing in a run uses (the harness's clients and workers speak plain TCP).
    '-Dtls.server.mode=disabled',
    // The 5.x controller's Hessian serializer reflects into java.lang: without this, Java 17
    // prints 8 harmless stack traces at every controller start (seen here).
    '--add-opens',
    'java.base/java.lang=ALL-UNNAMED',
  ];
}
