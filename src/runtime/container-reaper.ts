/**
 * Removes a dead run's containers and networks through the Docker-compatible API (Docker or
 * Podman), synchronously: the reaper runs in the watchdog and in `cleanup`, which are
 * synchronous. A child node process does the HTTP over the unix socket; the runtime being
 * gone is not an error (nothing of ours can be running there then).
 */
import { execFileSync } from 'node:child_process';
import type { RecordedContainers } from './run-state.ts';

// The script's two long lines are cut between template literals (the text the child runs is unchanged).
const SCRIPT =
  `
const http = require('node:http');
const [socketPath, label, networks] = [process.argv[1], process.argv[2], JSON.parse(process.argv[3])];
const call = (method, path) => new Promise((resolve) => {
  const req = http.request({ socketPath, path, method, timeout: 20000 }, (res) => {
    let body = '';
    res.on('data', (c) => (body += c));
    res.on('end', () => resolve({ status: res.statusCode, body }));
  });
  req.on('error', () => resolve({ status: 0, body: '' }));
  req.end();
});
(async () => {
  const removed = [];
  const list = await call('GET', '/containers/json?all=true&filters=' + ` +
  `encodeURIComponent(JSON.stringify({ label: [label] })));
  const containers = list.status === 200 ? JSON.parse(list.body) : [];
  await Promise.all(containers.map(async (c) => {
    const r = await call('DELETE', '/containers/' + c.Id + '?force=true&v=true');
    if (r.status === 204 || r.status === 200) removed.push('container ' + ` +
  `((c.Names && c.Names[0]) || c.Id.slice(0, 12)).replace(/^\\//, ''));
  }));
  for (const name of networks) {
    const r = await call('DELETE', '/networks/' + encodeURIComponent(name));
    if (r.status === 204 || r.status === 200) removed.push('network ' + name);
  }
  process.stdout.write(JSON.stringify(removed));
})();
`;

export function reapContainersSync(containers: RecordedContainers): string[] {
  if (!containers.dockerHost.startsWith('unix://')) return [];
  try {
    const out = execFileSync(
      process.execPath,
      [
        '-e',
        SCRIPT,
        containers.dockerHost.slice('unix://'.length),
        containers.label,
        JSON.stringify(containers.networks),
      ],
      { timeout: 60_000, encoding: 'utf8' },
    );
    return JSON.parse(out || '[]') as string[];
  } catch {
    return [];
  }
}
