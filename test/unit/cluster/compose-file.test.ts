import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  composeFiles,
  composeLayout,
  COMPOSE_FILE,
  COMPOSE_SPEC,
  COMPOSE_ULIMITS,
  COMPOSE_VERSION,
} from '../../../src/cluster/containers/compose.ts';
import { localImages } from '../../../src/setup/container-images.ts';
import { ROCKETMQ_VERSION } from '../../../src/setup/versions.ts';
import { PROJECT_ROOT } from '../../../src/util/node-args.ts';

const files = composeFiles();

describe('docker-compose.yml', () => {
  it('is what the containers provider layout generates (npm run compose rewrites it)', () => {
    for (const [path, content] of Object.entries(files)) {
      expect(readFileSync(join(PROJECT_ROOT, path), 'utf8'), `${path} is stale: run npm run compose`).toBe(content);
    }
  });

  it('publishes every link the provider layout has, on loopback, and the brokers advertise what it forwards', () => {
    const compose = parse(readFileSync(join(PROJECT_ROOT, COMPOSE_FILE), 'utf8')) as {
      services: Record<string, { ports?: string[]; network_mode?: string }>;
    };
    const layout = composeLayout();
    expect(Object.keys(compose.services).sort()).toEqual(['broker-a', 'broker-b', 'namesrv-0', 'proxy', 'toxiproxy']);
    const published = compose.services['toxiproxy']!.ports!;
    for (const port of layout.gatewayPublished) expect(published).toContain(`127.0.0.1:${port}:${port}`);
    expect(published.every((p) => p.startsWith('127.0.0.1:'))).toBe(true);
    expect(compose.services['proxy']!.network_mode).toBe('service:toxiproxy');
    expect(layout.brokers.map((b) => b.advertised)).toEqual(['127.0.0.1:10911', '127.0.0.1:10921']);
    expect(layout.clientNamesrvAddr).toBe('127.0.0.1:9876');
    const links = JSON.parse(files['compose/toxiproxy.json']!) as { name: string }[];
    expect(links.map((l) => l.name)).toContain('producers->broker-b');
    expect(files['compose/broker-b.conf']).toContain('brokerIP1=127.0.0.1\n');
    expect(files['compose/broker-b.conf']).toContain('listenPort=10921\n');
  });

  it("runs the default server version and its header says so (a plan's cluster.version does not change it)", () => {
    expect(COMPOSE_VERSION).toBe(ROCKETMQ_VERSION);
    expect(COMPOSE_SPEC.version).toBe(COMPOSE_VERSION);
    const text = files[COMPOSE_FILE]!;
    expect(text.split('\n')[0]).toContain(`A RocketMQ ${COMPOSE_VERSION} cluster`);
    expect(text).toContain(`RMQ_CHAOS_ROCKETMQ_IMAGE=${localImages(COMPOSE_VERSION).rocketmq}`);
    const compose = parse(text) as { services: Record<string, { image?: string }> };
    for (const name of ['namesrv-0', 'broker-a', 'broker-b', 'proxy'])
      expect(compose.services[name]!.image, name).toBe(
        `\${RMQ_CHAOS_ROCKETMQ_IMAGE:-docker.io/apache/rocketmq:${COMPOSE_VERSION}}`,
      );
  });

  it('gives every service nofile and nproc, with room for the threads of four JVMs that share uid 3000', () => {
    const compose = parse(readFileSync(join(PROJECT_ROOT, COMPOSE_FILE), 'utf8')) as {
      services: Record<string, { ulimits?: Record<string, unknown>; user?: string }>;
    };
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.ulimits, name).toEqual({
        nofile: { ...COMPOSE_ULIMITS.nofile },
        nproc: { ...COMPOSE_ULIMITS.nproc },
      });
    }
    // RLIMIT_NPROC counts uid 3000's threads host-wide: about 1000 with 16 processors (compose.ts).
    expect(Object.values(compose.services).filter((s) => s.user === '3000')).toHaveLength(4);
    expect(COMPOSE_ULIMITS.nproc.soft).toBeGreaterThanOrEqual(4 * 1000);
  });

  // docker-compose (v1, `apt-get install docker-compose`) validates against the Compose schema offline.
  const validator = ['docker-compose', 'docker'].find(
    (cmd) => spawnSync(cmd, cmd === 'docker' ? ['compose', 'version'] : ['version'], { stdio: 'ignore' }).status === 0,
  );
  // Without a validator the reason is the skipped test's note: one line in vitest's output.
  it(`passes ${validator === 'docker' ? 'docker compose' : 'docker-compose'} config`, (ctx) => {
    if (!validator) {
      ctx.skip(
        'skipped: neither docker-compose nor docker compose on PATH; install docker-compose (apt-get install ' +
          '-y docker-compose) to check docker-compose.yml against the Compose schema',
      );
      return;
    }
    const args =
      validator === 'docker' ? ['compose', '-f', COMPOSE_FILE, 'config', '-q'] : ['-f', COMPOSE_FILE, 'config', '-q'];
    execFileSync(validator, args, { cwd: PROJECT_ROOT, stdio: 'pipe' });
  });
});
