/** What POCs import: one entry point for the lab's runtime, measurement and reporting. */

export { FaultProxy, type Faults } from '../faults/FaultProxy.ts';
export { LatencyRecorder, type LatencySummary } from '../measure/LatencyRecorder.ts';
export { type LoadOptions, type LoadResult, runLoad } from '../measure/runLoad.ts';
export { ResultRecorder, round } from '../results/ResultRecorder.ts';
export type { Comparison, ResultTable } from '../results/schema.ts';
export { EphemeralServer } from '../services/EphemeralServer.ts';
export { createPgSchema, deleteRedisKeys } from '../services/namespaces.ts';
export { SERVICES } from '../services/registry.ts';
export { type Demo, type DemoContext, defineDemo, type ServiceConnection } from './demo.ts';
export { type CommandDefinition, defineCommands, readCommands } from './redisCommands.ts';
export { seededRandom } from './seededRandom.ts';
export { waitUntil } from './waitUntil.ts';
