import { mqttService } from './definitions/mqtt.ts';
import { mysqlService } from './definitions/mysql.ts';
import { nats } from './definitions/nats.ts';
import { postgres } from './definitions/postgres.ts';
import { rabbitmq } from './definitions/rabbitmq.ts';
import { redis } from './definitions/redis.ts';
import type { ServiceName } from './names.ts';
import type { ServiceDefinition } from './ServiceDefinition.ts';

export const SERVICES: Record<ServiceName, ServiceDefinition> = {
  redis,
  postgres,
  mysql: mysqlService,
  rabbitmq,
  nats,
  mqtt: mqttService,
};
