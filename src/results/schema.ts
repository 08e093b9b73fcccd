import { z } from 'zod';

/**
 * results/<id>-<slug>.json — written by `sdlab run`, read by the website and articles.
 * Every figure in it was measured by that run; nothing here is typed in by hand.
 */
export const ColumnSchema = z.object({
  key: z.string(),
  label: z.string(),
  unit: z.string().optional().describe('e.g. "ms", "ops/s", "%"'),
});

export const ChartSchema = z.object({
  type: z.enum(['bar', 'line']),
  x: z.string().describe('column key for the x axis / categories'),
  y: z.array(z.string()).min(1).describe('column keys plotted as series'),
  title: z.string().optional(),
});

export const ResultTableSchema = z.object({
  id: z.string(),
  title: z.string(),
  columns: z.array(ColumnSchema).min(1),
  rows: z.array(z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]))),
  chart: ChartSchema.optional(),
});

export const ComparisonSchema = z.object({
  id: z.string(),
  title: z.string(),
  unit: z.string(),
  better: z.enum(['higher', 'lower']),
  baseline: z.object({ label: z.string(), value: z.number() }),
  candidate: z.object({ label: z.string(), value: z.number() }),
  /** candidate / baseline */
  ratio: z.number(),
});

export const FigureSchema = z.object({
  key: z.string(),
  label: z.string(),
  value: z.union([z.number(), z.string(), z.boolean()]),
  unit: z.string().optional(),
});

export const MachineSchema = z.object({
  cpuModel: z.string(),
  cores: z.number(),
  memoryGiB: z.number(),
  os: z.string(),
  node: z.string(),
});

export const ResultFileSchema = z.object({
  schema: z.literal(1),
  poc: z.object({ id: z.number(), slug: z.string(), title: z.string(), category: z.string() }),
  date: z.string().describe('ISO 8601, when the run finished'),
  commit: z.string().nullable(),
  durationMs: z.number(),
  machine: MachineSchema,
  services: z.array(
    z.object({ name: z.string(), version: z.string(), source: z.enum(['env', 'local', 'ephemeral']) }),
  ),
  figures: z.array(FigureSchema),
  tables: z.array(ResultTableSchema),
  comparisons: z.array(ComparisonSchema),
  notes: z.array(z.string()),
});

export type ResultFile = z.infer<typeof ResultFileSchema>;
export type ResultTable = z.infer<typeof ResultTableSchema>;
export type Comparison = z.infer<typeof ComparisonSchema>;
export type Figure = z.infer<typeof FigureSchema>;
export type Column = z.infer<typeof ColumnSchema>;
export type Machine = z.infer<typeof MachineSchema>;
