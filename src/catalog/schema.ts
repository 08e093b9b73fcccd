import { z } from 'zod';
import { SERVICE_NAMES } from '../services/names.ts';
import { CATEGORY_IDS } from './categories.ts';

/** Slugs are folder names: lower-case words joined by single hyphens. */
export const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Frontmatter of a POC's README.md. This is the single source of a POC's metadata:
 * the CLI, `sdlab check` and the website all read it through this schema.
 */
export const PocMetaSchema = z
  .object({
    id: z.number().int().positive().describe("Stable number: the plans' own (#46-#85) or the next free one"),
    slug: z.string().regex(SLUG, 'slug must be lower-case words joined by hyphens'),
    title: z.string().min(3),
    summary: z.string().min(10).max(200).describe('One sentence: what the POC shows'),
    category: z.enum(CATEGORY_IDS),
    services: z.array(z.enum(SERVICE_NAMES)).default([]),
    tags: z.array(z.string().regex(SLUG)).default([]),
    related: z
      .array(z.union([z.number().int(), z.string()]))
      .default([])
      .describe('Other POCs, by id or slug'),
    roadmap: z
      .array(z.string())
      .default([])
      .describe('Roadmap item ids (roadmap/*.yaml) this POC implements: its source plan items'),
    articles: z.array(z.string()).default([]).describe('Article slugs in content/articles'),
    problems: z.array(z.string()).default([]).describe('Problem slugs in content/problems'),
    expectedRunSeconds: z.number().positive().describe('How long `sdlab run` takes on a laptop'),
    failure: z
      .boolean()
      .default(false)
      .describe('Failure-centred: README adds What fails / Why / prevent / detect / recover'),
  })
  .strict();

export type PocMeta = z.infer<typeof PocMetaSchema>;

/** Sections every POC README has, in this order (as `## ` headings). */
export const REQUIRED_SECTIONS = [
  "What you'll build",
  'Why this matters',
  'Prerequisites',
  'Run it',
  'Expected output',
  'Test it',
  'Extend it',
  'How this fits larger systems',
  'Related POCs',
] as const;

/** Extra sections of a failure-centred POC (`failure: true`). */
export const FAILURE_SECTIONS = [
  'What fails',
  'Why',
  'How to prevent',
  'How to detect',
  'How to recover',
] as const;
