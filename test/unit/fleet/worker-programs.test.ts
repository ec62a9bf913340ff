/**
 * Which program starts each instance: its own, else (an instance a scale fault adds) its
 * fleet's; a plan without Java fleets builds nothing and needs no JDK. The Java path is run
 * for real by the Java fleet plans in test/integration.
 */
import { describe, expect, it } from 'vitest';
import type { WorkerProgram } from '../../../src/fleet/worker-program.ts';
import { WorkerPrograms } from '../../../src/fleet/worker-programs.ts';

describe('worker programs', () => {
  it('builds nothing for Node fleets and starts every instance, later ones too, as the Node worker', async () => {
    const lines: string[] = [];
    const programs = await WorkerPrograms.prepare(
      new Map<string, WorkerProgram>([['plain#0', { driver: 'node' }]]),
      '/tmp/rmq-chaos-worker-programs',
      (line) => lines.push(line),
    );
    expect(lines).toEqual([]);
    expect(programs.programOf('plain#3', 'plain')).toEqual({ driver: 'node' });
    expect(programs.launchOf('plain#3', 'plain')).toMatchObject({ ipc: true, command: process.execPath });
  });

  it('launches the program it is given, whatever instance ids it was prepared with (what an agent asks)', async () => {
    const programs = await WorkerPrograms.prepare(
      new Map<string, WorkerProgram>([['plain#0', { driver: 'node' }]]),
      '/tmp/rmq-chaos-worker-programs',
      () => {},
    );
    expect(programs.launch({ driver: 'node' }, 'other#0')).toMatchObject({ ipc: true });
    // A Java program is never quietly started as the Node worker: without its build, that is an error.
    expect(() => programs.launch({ driver: 'java', protocol: 'remoting', clientVersion: '5.3.3' }, 'other#0')).toThrow(
      /no Java worker was built for remoting-5\.3\.3 \(instance other#0\)/,
    );
  });
});
