import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import mysql from 'mysql2/promise';
import type { ServiceDefinition } from '../ServiceDefinition.ts';

const run = promisify(execFile);

export const mysqlService: ServiceDefinition = {
  name: 'mysql',
  title: 'MySQL / MariaDB',
  envVar: 'MYSQL_URL',
  exampleUrl: 'mysql://root@127.0.0.1:3306/test',
  binaries: ['mariadbd', 'mariadb-install-db'],
  binaryDirs: () => ['/usr/sbin'],
  install: {
    docker: 'docker compose up -d mysql',
    apt: 'sudo apt install mariadb-server',
    brew: 'brew install mariadb',
  },
  startTimeoutMs: 60_000,
  async prepare({ dir, bin }) {
    await run(
      bin['mariadb-install-db']!,
      [
        '--no-defaults',
        `--datadir=${dir}/data`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        '--user=root',
      ],
      { timeout: 60_000 },
    );
  },
  launch: ({ port, dir, bin }) => ({
    command: bin.mariadbd!,
    args: [
      '--no-defaults',
      `--datadir=${dir}/data`,
      `--port=${port}`,
      '--bind-address=127.0.0.1',
      `--socket=${dir}/mysqld.sock`,
      `--pid-file=${dir}/mysqld.pid`,
      '--user=root',
      '--skip-log-bin',
      '--innodb-flush-log-at-trx-commit=0',
    ],
  }),
  urlFor: (port) => `mysql://root@127.0.0.1:${port}/mysql`,
  async probe(url, timeoutMs) {
    const connection = await mysql.createConnection({ uri: url, connectTimeout: timeoutMs });
    try {
      const [rows] = await connection.query<mysql.RowDataPacket[]>({
        sql: 'SELECT VERSION() AS v',
        timeout: timeoutMs,
      });
      return String(rows[0]?.v ?? 'unknown');
    } finally {
      connection.destroy();
    }
  },
};
