import { randomBytes } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import type { Poc } from '../catalog/load.ts';
import { ResultRecorder } from '../results/ResultRecorder.ts';
import type { ServiceName } from '../services/names.ts';
import type { Demo, DemoContext, ServiceConnection } from './demo.ts';

export interface RunDemoOptions {
  poc: Poc;
  services: ServiceConnection[];
  quick: boolean;
  signal: AbortSignal;
  log?: (line: string) => void;
  progress?: (step: string, done?: number, total?: number) => void;
}

export interface DemoRun {
  recorder: ResultRecorder;
  durationMs: number;
}

/** Imports a POC's demo.ts and runs it in this process with a fresh context. */
export async function runDemo(options: RunDemoOptions): Promise<DemoRun> {
  const { poc } = options;
  if (!poc.demoPath) throw new Error(`${poc.relDir} has no demo.ts`);
  const module = (await import(pathToFileURL(poc.demoPath).href)) as { default?: Demo };
  const demo = module.default;
  if (!demo || typeof demo.run !== 'function') {
    throw new Error(`${poc.relDir}/demo.ts must \`export default defineDemo({ run(ctx) { ... } })\``);
  }
  const byName = new Map(options.services.map((s) => [s.name, s]));
  const recorder = new ResultRecorder();
  const ctx: DemoContext = {
    service(name: ServiceName) {
      const found = byName.get(name);
      if (!found) {
        throw new Error(
          `${poc.relDir}: the demo asked for ${name}, but README frontmatter does not list it in services`,
        );
      }
      return found;
    },
    namespace: `sdlab_${poc.meta.id}_${randomBytes(3).toString('hex')}`,
    signal: options.signal,
    quick: options.quick,
    log: options.log ?? ((line) => process.stdout.write(`${line}\n`)),
    progress: options.progress ?? (() => {}),
    record: recorder,
  };
  const start = performance.now();
  await demo.run(ctx);
  return { recorder, durationMs: performance.now() - start };
}
