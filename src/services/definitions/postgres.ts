import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { postgresBinDirs } from '../findBinary.ts';
import type { ServiceDefinition } from '../ServiceDefinition.ts';

const run = promisify(execFile);

export const postgres: ServiceDefinition = {
  name: 'postgres',
  title: 'PostgreSQL',
  envVar: 'DATABASE_URL',
  exampleUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  binaries: ['postgres', 'initdb'],
  binaryDirs: postgresBinDirs,
  install: {
    docker: 'docker compose up -d postgres',
    apt: 'sudo apt install postgresql',
    brew: 'brew install postgresql@17',
  },
  // PostgreSQL refuses to run as root; when the lab runs as root it runs the server as `postgres`.
  runAsUser: 'postgres',
  async prepare({ dir, bin, runAs }) {
    await run(
      bin.initdb!,
      ['-D', `${dir}/data`, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync', '--no-instructions'],
      { uid: runAs?.uid, gid: runAs?.gid, timeout: 60_000 },
    );
  },
  launch: ({ port, dir, bin }) => ({
    command: bin.postgres!,
    args: [
      '-D',
      `${dir}/data`,
      '-p',
      String(port),
      '-h',
      '127.0.0.1',
      '-k',
      dir,
      // Durability is pointless for a throwaway server and costs seconds per test run.
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ],
  }),
  urlFor: (port) => `postgres://postgres@127.0.0.1:${port}/postgres`,
  async probe(url, timeoutMs) {
    const client = new pg.Client({
      connectionString: url,
      connectionTimeoutMillis: timeoutMs,
      query_timeout: timeoutMs,
    });
    client.on('error', () => {});
    try {
      await client.connect();
      const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
      return rows[0]?.server_version.split(' ')[0] ?? 'unknown';
    } finally {
      await client.end().catch(() => {});
    }
  },
};
