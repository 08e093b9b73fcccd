import mqtt from 'mqtt';
import type { ServiceDefinition } from '../ServiceDefinition.ts';

export const mqttService: ServiceDefinition = {
  name: 'mqtt',
  title: 'MQTT (Mosquitto)',
  envVar: 'MQTT_URL',
  exampleUrl: 'mqtt://127.0.0.1:1883',
  binaries: ['mosquitto'],
  binaryDirs: () => ['/usr/sbin'],
  install: {
    docker: 'docker compose up -d mqtt',
    apt: 'sudo apt install mosquitto',
    brew: 'brew install mosquitto',
  },
  // With only -p and no config file, Mosquitto 2 listens on loopback and allows anonymous clients
  // (https://mosquitto.org/documentation/migrating-to-2-0/).
  launch: ({ port, bin }) => ({ command: bin.mosquitto!, args: ['-p', String(port)] }),
  urlFor: (port) => `mqtt://127.0.0.1:${port}`,
  async probe(url, timeoutMs) {
    const client = await mqtt.connectAsync(url, { connectTimeout: timeoutMs, reconnectPeriod: 0 });
    try {
      // Mosquitto publishes its version as a retained $SYS message; other brokers may not.
      return await new Promise<string>((resolve) => {
        const timer = setTimeout(() => resolve('unknown'), Math.min(500, timeoutMs));
        client.on('message', (_topic, payload) => {
          clearTimeout(timer);
          resolve(payload.toString().replace(/^mosquitto version /, ''));
        });
        client.subscribe('$SYS/broker/version');
      });
    } finally {
      await client.endAsync(true);
    }
  },
};
