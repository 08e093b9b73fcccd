import type { Redis } from 'ioredis';

/** The `INFO replication` section as field → value (role, master_repl_offset, slave_repl_offset, …). */
export async function replicationInfo(client: Redis): Promise<Record<string, string>> {
  return parseInfo(await client.info('replication'));
}

export function parseInfo(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\r\n')) {
    const at = line.indexOf(':');
    if (at > 0 && !line.startsWith('#')) fields[line.slice(0, at)] = line.slice(at + 1);
  }
  return fields;
}
