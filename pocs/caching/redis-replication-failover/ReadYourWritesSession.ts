import type { Redis } from 'ioredis';
import { parseInfo } from './replicationInfo.ts';

/**
 * How a session that writes to the primary and reads from a replica gets its own writes back:
 * - `replica`: no precaution, every read goes to the replica (the failure);
 * - `primary-for-own-writes`: keys this session wrote are read from the primary;
 * - `wait-all-replicas`: after a write, WAIT for every replica; if WAIT comes back short, the key is
 *   read from the primary (WAIT says how many replicas have it, not which, so it must be all of them);
 * - `offset-token`: the write returns the primary's replication offset; a replica read is used only if
 *   the replica has applied at least that offset, checked atomically with the read, else the primary.
 */
export type ReadStrategy = 'replica' | 'primary-for-own-writes' | 'wait-all-replicas' | 'offset-token';

export interface SessionRead {
  value: string | null;
  servedBy: 'replica' | 'primary';
}

export interface SessionOptions {
  primary: Redis;
  replica: Redis;
  strategy: ReadStrategy;
  /** For `wait-all-replicas`: how many replicas the primary has, and how long WAIT may block. */
  wait?: { replicas: number; timeoutMs: number };
}

export class ReadYourWritesSession {
  /** Keys to read from the primary (own writes, or writes WAIT did not confirm everywhere). */
  private readonly pinned = new Set<string>();
  /** The highest primary offset this session's writes reached (offset-token). */
  private token = 0;

  private readonly options: SessionOptions;

  constructor(options: SessionOptions) {
    this.options = options;
    if (options.strategy === 'wait-all-replicas' && !options.wait)
      throw new Error('the wait-all-replicas strategy needs wait: { replicas, timeoutMs }');
  }

  // #region session-write
  async write(key: string, value: string): Promise<void> {
    const { primary, strategy, wait } = this.options;
    if (strategy === 'offset-token') {
      // INFO runs right after SET on the same connection, so its offset already counts the SET.
      const [set, info] = (await primary.pipeline().set(key, value).info('replication').exec()) as [
        [Error | null, string],
        [Error | null, string],
      ];
      if (set[0]) throw set[0];
      this.token = Math.max(this.token, Number(parseInfo(info[1]).master_repl_offset));
      return;
    }
    await primary.set(key, value);
    if (strategy === 'primary-for-own-writes') this.pinned.add(key);
    if (strategy === 'wait-all-replicas') {
      const confirmed = await primary.wait(wait!.replicas, wait!.timeoutMs);
      if (confirmed < wait!.replicas) this.pinned.add(key);
      else this.pinned.delete(key);
    }
  }
  // #endregion session-write

  // #region session-read
  async read(key: string): Promise<SessionRead> {
    const { primary, replica, strategy } = this.options;
    if (this.pinned.has(key)) return { value: await primary.get(key), servedBy: 'primary' };
    if (strategy === 'offset-token' && this.token > 0) {
      // One transaction on the replica: the offset and the value come from the same instant.
      const [[, info], [, value]] = (await replica.multi().info('replication').get(key).exec())! as [
        [Error | null, string],
        [Error | null, string | null],
      ];
      if (Number(parseInfo(info).slave_repl_offset) >= this.token) return { value, servedBy: 'replica' };
      return { value: await primary.get(key), servedBy: 'primary' };
    }
    return { value: await replica.get(key), servedBy: 'replica' };
  }
  // #endregion session-read
}
