import { fileURLToPath } from 'node:url';

/** The repository root (where package.json and node_modules live). */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * Node arguments that let a child process run this project's TypeScript sources directly
 * (tsx's ESM loader), the way bin/rmq-chaos.js does for the CLI. Children are spawned with
 * `cwd: PROJECT_ROOT`, so the bare specifier resolves even where `import.meta.resolve` is
 * unavailable (vitest's module runner).
 */
export function tsxNodeArgs(): string[] {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  return ['--import', typeof resolve === 'function' ? resolve('tsx') : 'tsx'];
}
