/** Services a POC can declare in its README frontmatter (`services: [redis, postgres]`). */
export const SERVICE_NAMES = ['redis', 'postgres', 'mysql', 'rabbitmq', 'nats', 'mqtt'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The environment variable that points the lab at an existing server, per service. */
export const SERVICE_ENV: Record<ServiceName, string> = {
  redis: 'REDIS_URL',
  postgres: 'DATABASE_URL',
  mysql: 'MYSQL_URL',
  rabbitmq: 'AMQP_URL',
  nats: 'NATS_URL',
  mqtt: 'MQTT_URL',
};

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}
