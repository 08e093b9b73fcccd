import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import type { Machine } from '../results/schema.ts';

/** The machine a figure was measured on: numbers mean little without it. */
export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
  };
}

/** The commit the code was at, or null outside a git checkout. A dirty tree gets a "+dirty" suffix. */
export async function currentCommit(cwd: string): Promise<string | null> {
  const run = promisify(execFile);
  try {
    const { stdout } = await run('git', ['rev-parse', '--short=12', 'HEAD'], { cwd, timeout: 2000 });
    // Result files are outputs, not code: writing one must not mark the next run's commit dirty.
    const { stdout: status } = await run(
      'git',
      ['status', '--porcelain', '--untracked-files=no', '--', '.', ':!results'],
      {
        cwd,
        timeout: 2000,
      },
    );
    return stdout.trim() + (status.trim() ? '+dirty' : '');
  } catch {
    return null;
  }
}
