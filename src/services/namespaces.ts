import type { Redis } from 'ioredis';
import type pg from 'pg';

/**
 * Helpers that keep a POC inside its own namespace on a shared server: it creates its keys, schema or
 * database under the run's namespace and removes exactly those afterwards — never FLUSHDB, never
 * DROP DATABASE of something it did not create.
 */

/** Deletes every key under `prefix` with SCAN + UNLINK (KEYS would block a shared server). */
export async function deleteRedisKeys(redis: Redis, prefix: string): Promise<number> {
  if (!prefix)
    throw new Error('deleteRedisKeys needs a non-empty prefix: an empty one would match every key');
  let cursor = '0';
  let deleted = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${escapeGlob(prefix)}*`, 'COUNT', 500);
    cursor = next;
    if (keys.length > 0) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/** A PostgreSQL schema for one run; pass `options` to a pool so unqualified names land in it. */
export async function createPgSchema(
  client: Pick<pg.Pool, 'query'>,
  name: string,
): Promise<{ schema: string; options: string; drop(): Promise<void> }> {
  if (!IDENTIFIER.test(name))
    throw new Error(`schema name "${name}" must be lower-case letters, digits and _`);
  await client.query(`CREATE SCHEMA ${name}`);
  return {
    schema: name,
    options: `-c search_path=${name}`,
    drop: async () => {
      await client.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
    },
  };
}
