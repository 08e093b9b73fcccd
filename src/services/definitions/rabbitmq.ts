import amqp from 'amqplib';
import type { ServiceDefinition } from '../ServiceDefinition.ts';

export const rabbitmq: ServiceDefinition = {
  name: 'rabbitmq',
  title: 'RabbitMQ',
  envVar: 'AMQP_URL',
  exampleUrl: 'amqp://guest:guest@127.0.0.1:5672',
  binaries: ['rabbitmq-server'],
  binaryDirs: () => ['/usr/sbin', '/usr/lib/rabbitmq/bin'],
  install: {
    docker: 'docker compose up -d rabbitmq',
    apt: 'sudo apt install rabbitmq-server',
    brew: 'brew install rabbitmq',
  },
  // A RabbitMQ node starts the machine-wide Erlang port mapper daemon (epmd) when none runs, and the daemon
  // outlives the node (https://www.rabbitmq.com/docs/networking#epmd, https://www.erlang.org/doc/apps/erts/epmd_cmd):
  // that would break the "no orphan process" promise, so the lab never starts RabbitMQ itself.
  ephemeralUnsupported:
    'the lab does not start RabbitMQ itself (its Erlang port mapper would outlive the run)',
  launch: () => {
    throw new Error('RabbitMQ is never started ephemerally');
  },
  urlFor: (port) => `amqp://guest:guest@127.0.0.1:${port}`,
  async probe(url, timeoutMs) {
    const connection = await amqp.connect(url, { timeout: timeoutMs });
    try {
      const properties = (
        connection as unknown as { connection?: { serverProperties?: { version?: string } } }
      ).connection?.serverProperties;
      return properties?.version ?? 'unknown';
    } finally {
      await connection.close();
    }
  },
};
