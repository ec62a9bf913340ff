import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { isProcessAlive } from '../util/process-info.ts';

/**
 * A cross-process lock by exclusive file creation, so two runs started at once do not
 * download into the same cache folder. A lock whose owner died is taken over.
 */
export async function withInstallLock<T>(lockFile: string, work: () => Promise<T>, onWait?: () => void): Promise<T> {
  await mkdir(dirname(lockFile), { recursive: true });
  let warned = false;
  for (;;) {
    try {
      const handle = await open(lockFile, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number.parseInt(await readFile(lockFile, 'utf8').catch(() => ''), 10);
      if (!Number.isFinite(owner) || !isProcessAlive(owner)) {
        await rm(lockFile, { force: true });
        continue;
      }
      if (!warned) onWait?.();
      warned = true;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}
