/**
 * javaWorkerLaunch without a JVM: its command line, and its stdio plumbing end to end through
 * FleetWorker and ManagedProcess with a stand-in "java" (a shell script that speaks the protocol).
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FleetWorker } from '../../../src/fleet/fleet-worker.ts';
import { type FromWorker, WORKER_PROTOCOL_VERSION } from '../../../src/fleet/protocol.ts';
import { javaWorkerLaunch } from '../../../src/fleet/worker-launch.ts';
import { RunResources } from '../../../src/runtime/run-resources.ts';
import { RunState } from '../../../src/runtime/run-state.ts';

const scratch = mkdtempSync(join(tmpdir(), 'rmq-chaos-java-launch-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const build = { classpath: '/cache/java-worker/remoting-4.9.7-abc/lib/*', mainClass: 'io.Main', client: 'x 1' };

describe('javaWorkerLaunch', () => {
  it('starts a small JVM with its client logs in logDir, over stdio pipes', () => {
    const launch = javaWorkerLaunch(build, { logDir: '/logs/c1', heapMb: 96, jvmArgs: ['-XX:TieredStopAtLevel=4'] });
    expect(launch.command).toBe('java');
    expect(launch.ipc).toBe(false);
    expect(launch.stdioPipes).toBe(true);
    expect(launch.args).toEqual([
      '-Xmx96m',
      '-XX:+UseSerialGC',
      '-Xss512k',
      '-XX:TieredStopAtLevel=1',
      '-Drocketmq.client.logRoot=/logs/c1',
      '-Drocketmq.log.root=/logs/c1',
      '-Drocketmq.client.logUseSlf4j=false',
      '-Duser.home=/logs/c1',
      '-XX:TieredStopAtLevel=4',
      '-cp',
      build.classpath,
      'io.Main',
    ]);
  });

  it('carries the protocol over stdin/stdout; other stdout lines and stderr go to the log', async () => {
    const java = join(scratch, 'fake-java');
    const hello = JSON.stringify({
      type: 'hello',
      protocolVersion: WORKER_PROTOCOL_VERSION,
      pid: 1,
      implementation: 'java',
    });
    writeFileSync(
      java,
      [
        '#!/bin/sh',
        'echo "Picked up JAVA_TOOL_OPTIONS: -Dx=1"',
        'echo "a line on stderr" >&2',
        `echo '${hello}'`,
        'while read -r line; do',
        '  case "$line" in',
        `    *'"stop"'*) echo '{"type":"stopped"}'; exit 0 ;;`,
        `    *) echo '{"type":"ready"}' ;;`,
        '  esac',
        'done',
        'exit 1',
      ].join('\n'),
    );
    chmodSync(java, 0o755);
    mkdirSync(join(scratch, 'work'));
    const resources = new RunResources(
      RunState.create(join(scratch, 'runs'), { runId: 'launch', workDir: join(scratch, 'work'), keep: false }),
      () => {},
    );
    try {
      const received: FromWorker[] = [];
      const worker = FleetWorker.local(
        'c#0',
        'consumer',
        resources,
        (_w, message) => received.push(message),
        () => {},
        javaWorkerLaunch(build, { logDir: join(scratch, 'logs'), java }),
      );
      worker.send({
        type: 'start-consumer',
        config: {
          runId: 'r',
          fleet: 'c',
          driver: 'remoting',
          namesrvAddr: '127.0.0.1:1',
          routeRefreshMs: 30_000,
          group: 'g',
          instanceId: 'c#0',
          model: 'clustering',
          mode: 'push',
          consume: 'concurrently',
          subscription: { t: '*' },
          consumeTime: { kind: 'fixed', ms: 0 },
          failure: { ratio: 0, first: 0 },
          seed: 1,
        },
      });
      await worker.ready(10_000);
      const exit = await worker.stop(5_000);
      expect(exit.code).toBe(0);
      expect(received.map((m) => m.type)).toEqual(['hello', 'ready', 'stopped']);
      const log = readFileSync(join(scratch, 'work', 'consumer-c_0.log'), 'utf8');
      expect(log).toContain('Picked up JAVA_TOOL_OPTIONS: -Dx=1');
      expect(log).toContain('a line on stderr');
      expect(log).not.toContain('"hello"');
    } finally {
      await resources.release(2000);
    }
  });
});
