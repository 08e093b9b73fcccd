import { connect } from '@nats-io/transport-node';
import type { ServiceDefinition } from '../ServiceDefinition.ts';

export const nats: ServiceDefinition = {
  name: 'nats',
  title: 'NATS (JetStream)',
  envVar: 'NATS_URL',
  exampleUrl: 'nats://127.0.0.1:4222',
  binaries: ['nats-server'],
  binaryDirs: () => ['/usr/sbin'],
  install: {
    docker: 'docker compose up -d nats',
    apt: 'sudo apt install nats-server',
    brew: 'brew install nats-server',
  },
  launch: ({ port, dir, bin }) => ({
    command: bin['nats-server']!,
    args: ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', dir],
  }),
  urlFor: (port) => `nats://127.0.0.1:${port}`,
  async probe(url, timeoutMs) {
    const nc = await connect({
      servers: url.replace(/^nats:\/\//, ''),
      timeout: timeoutMs,
      reconnect: false,
    });
    try {
      return nc.info?.version ?? 'unknown';
    } finally {
      await nc.close();
    }
  },
};
