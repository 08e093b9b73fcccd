import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PocMeta } from '../catalog/schema.ts';
import type { ServiceConnection } from '../lab/demo.ts';
import { currentCommit, describeMachine } from '../measure/machine.ts';
import type { ResultRecorder } from './ResultRecorder.ts';
import { type ResultFile, ResultFileSchema } from './schema.ts';

export function resultFileName(meta: Pick<PocMeta, 'id' | 'slug'>): string {
  return `${meta.id}-${meta.slug}.json`;
}

export async function buildResultFile(input: {
  meta: PocMeta;
  recorder: ResultRecorder;
  services: ServiceConnection[];
  durationMs: number;
  root: string;
}): Promise<ResultFile> {
  const { meta, recorder } = input;
  return ResultFileSchema.parse({
    schema: 1,
    poc: { id: meta.id, slug: meta.slug, title: meta.title, category: meta.category },
    date: new Date().toISOString(),
    commit: await currentCommit(input.root),
    durationMs: Math.round(input.durationMs),
    machine: describeMachine(),
    services: input.services.map((s) => ({ name: s.name, version: s.version, source: s.source })),
    figures: recorder.figures,
    tables: recorder.tables,
    comparisons: recorder.comparisons,
    notes: recorder.notes,
  });
}

/** Writes atomically (temp file + rename), so an interrupted run never leaves half a result file. */
export async function writeResultFile(dir: string, result: ResultFile): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, resultFileName({ id: result.poc.id, slug: result.poc.slug }));
  const temp = `${target}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(result, null, 2)}\n`);
  await rename(temp, target);
  return target;
}

/** The latest result of a POC, or null when it has never been run (or the file is unreadable). */
export async function readResultFile(
  dir: string,
  meta: Pick<PocMeta, 'id' | 'slug'>,
): Promise<ResultFile | null> {
  try {
    const text = await readFile(path.join(dir, resultFileName(meta)), 'utf8');
    return ResultFileSchema.parse(JSON.parse(text));
  } catch {
    return null;
  }
}
