/** `npm run compose`: writes docker-compose.yml and compose/ from compose.ts. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PROJECT_ROOT } from '../../util/node-args.ts';
import { composeFiles } from './compose.ts';

for (const [path, content] of Object.entries(composeFiles())) {
  const file = join(PROJECT_ROOT, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
  process.stdout.write(`wrote ${path}\n`);
}
