import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { containerRuntime, DOCKER_SOCKET } from '../../../src/cluster/containers/runtime.ts';
import { podmanConfigText } from '../../../src/setup/podman-config.ts';
import { EnvironmentError } from '../../../src/util/errors.ts';

const saved = { PATH: process.env.PATH, DOCKER_HOST: process.env.DOCKER_HOST };
afterEach(() => {
  process.env.PATH = saved.PATH;
  if (saved.DOCKER_HOST === undefined) delete process.env.DOCKER_HOST;
  else process.env.DOCKER_HOST = saved.DOCKER_HOST;
});

describe('container runtime detection', () => {
  it.skipIf(existsSync(DOCKER_SOCKET))(
    'without Docker or Podman: names how to get one, or provider local',
    async () => {
      delete process.env.DOCKER_HOST;
      process.env.PATH = '/nonexistent';
      const error = await containerRuntime().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(EnvironmentError);
      expect((error as EnvironmentError).message).toMatch(/needs Docker or Podman, and neither is here/);
      expect((error as EnvironmentError).hint).toMatch(/apt-get install -y podman runc.*--set cluster.provider=local/);
    },
  );

  it('a DOCKER_HOST that does not answer is named', async () => {
    process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock';
    await expect(containerRuntime()).rejects.toThrow(/DOCKER_HOST=unix:\/\/\/nonexistent\/docker.sock does not answer/);
  });

  it("gives Podman runc and the lowered ulimits through the project's containers.conf", () => {
    expect(podmanConfigText()).toMatch(/runtime = "runc"/);
    expect(podmanConfigText()).toMatch(/default_ulimits = \["nofile=10000:10000", "nproc=1000:1000"\]/);
  });
});
