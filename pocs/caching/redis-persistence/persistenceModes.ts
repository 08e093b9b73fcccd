import path from 'node:path';
import { redis } from '../../../src/services/definitions/redis.ts';
import { EphemeralServer } from '../../../src/services/EphemeralServer.ts';
import type { ServiceDefinition } from '../../../src/services/ServiceDefinition.ts';

export type PersistenceMode = 'none' | 'rdb' | 'aof-everysec' | 'aof-always' | 'hybrid';

export const PERSISTENCE_MODES: readonly PersistenceMode[] = [
  'none',
  'rdb',
  'aof-everysec',
  'aof-always',
  'hybrid',
];

export const LOG_FILE = 'redis.log';

// #region modes
/**
 * Arguments appended to the lab's stock Redis launch line (which starts with `--save "" --appendonly no`).
 * On the redis-server command line a later option overrides an earlier one, so these win.
 *
 * The RDB save rule is deliberately slow (one change in an hour): snapshots in this POC are taken with
 * an explicit BGSAVE, so the moment of the snapshot is known and the loss after it can be counted exactly.
 */
export const MODE_ARGS: Record<PersistenceMode, string[]> = {
  none: [],
  rdb: ['--save', '3600 1'],
  'aof-everysec': ['--appendonly', 'yes', '--appendfsync', 'everysec', '--aof-use-rdb-preamble', 'no'],
  'aof-always': ['--appendonly', 'yes', '--appendfsync', 'always', '--aof-use-rdb-preamble', 'no'],
  // Redis 7 default when AOF is on: the AOF's base file is an RDB snapshot, the increments are commands.
  hybrid: ['--appendonly', 'yes', '--appendfsync', 'everysec', '--aof-use-rdb-preamble', 'yes'],
};

/** The stock Redis definition with one persistence mode's arguments appended. */
export function redisWithPersistence(mode: PersistenceMode, extraArgs: string[] = []): ServiceDefinition {
  return {
    ...redis,
    launch: (ctx) => {
      const plan = redis.launch(ctx);
      // A log file in the data dir: Redis reports there how long loading the files took.
      const log = ['--logfile', path.join(ctx.dir, LOG_FILE)];
      return { ...plan, args: [...plan.args, ...MODE_ARGS[mode], ...log, ...extraArgs] };
    },
  };
}
// #endregion modes

export const MODE_LABELS: Record<PersistenceMode, string> = {
  none: 'no persistence',
  rdb: 'RDB snapshots',
  'aof-everysec': 'AOF, appendfsync everysec',
  'aof-always': 'AOF, appendfsync always',
  hybrid: 'AOF with RDB preamble (hybrid)',
};

/**
 * Starts one Redis per mode, each in its own data dir. Every POC step needs servers it may kill, so a
 * shared REDIS_URL server cannot stand in: without a local redis-server this stops with one line.
 */
export async function startPersistenceServer(
  mode: PersistenceMode,
  options: { signal?: AbortSignal; extraArgs?: string[] } = {},
): Promise<EphemeralServer> {
  const definition = redisWithPersistence(mode, options.extraArgs);
  const reason = EphemeralServer.unavailableReason(definition);
  if (reason !== null)
    throw new Error(
      `redis-persistence kills and restarts its own Redis servers, which it cannot start here (${reason}): install redis-server (${redis.install.apt})`,
    );
  return EphemeralServer.start(definition, { signal: options.signal });
}
