// INTERIM: points tests at the machine's local servers until the ephemeral runtime lands.
export default function setup(): void {
  process.env.REDIS_URL ??= 'redis://127.0.0.1:6379';
  process.env.DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/test';
}
