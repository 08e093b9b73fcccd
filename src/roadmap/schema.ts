import { z } from 'zod';
import { CATEGORY_IDS, type CategoryId } from '../catalog/categories.ts';
import { SLUG } from '../catalog/schema.ts';

/**
 * The user's plans in /work/shared/seeds. Items cite them by file name so a reader can go back
 * to the plan; the closed list catches typos that would otherwise silently orphan a citation.
 */
export const PLAN_FILES = [
  'master-plan-1000-pocs.md',
  'pareto-roadmap-12-weeks.md',
  'week-2-plan.md',
  'week-3-production-critical-plan.md',
] as const;

export const ROADMAP_KINDS = ['poc', 'article', 'problem'] as const;
export type RoadmapKind = (typeof ROADMAP_KINDS)[number];

/** `<category>/<slug>`: the category prefix keeps ids unique across files without a registry. */
export const ROADMAP_ID = new RegExp(`^[a-z-]+/${SLUG.source.slice(1, -1)}$`);

const count = z.number().int().nonnegative();

export const RoadmapTargetsSchema = z
  .object({
    pocs: count,
    articles: count,
    problems: count,
    source: z.string().min(1).describe('Which plan, and where in it, each target number came from'),
  })
  .strict();

export const RoadmapItemSchema = z
  .object({
    id: z.string().regex(ROADMAP_ID, 'id must be "<category>/<slug>" with a lower-case hyphenated slug'),
    kind: z.enum(ROADMAP_KINDS),
    title: z.string().min(3),
    plan: z.number().int().positive().optional().describe("The plans' own POC or problem number"),
    sources: z
      .array(z.enum(PLAN_FILES))
      .min(1)
      .refine((s) => new Set(s).size === s.length, 'sources must not repeat a plan'),
  })
  .strict();

export const RoadmapFileSchema = z
  .object({
    category: z.enum(CATEGORY_IDS),
    targets: RoadmapTargetsSchema,
    items: z.array(RoadmapItemSchema),
  })
  .strict()
  .superRefine(
    (file, ctx) => {
      // Checked here rather than per item because the prefix depends on the file's category.
      // `when` below runs this even if other fields failed, so all problems surface in one pass;
      // the value may then be only partly valid, hence the defensive reads.
      const category: unknown = file.category;
      if (!(CATEGORY_IDS as readonly unknown[]).includes(category) || !Array.isArray(file.items)) return;
      const seen = new Set<string>();
      file.items.forEach((item: { id?: unknown } | undefined, i) => {
        const id = item?.id;
        if (typeof id !== 'string') return;
        if (!id.startsWith(`${category}/`)) {
          ctx.addIssue({
            code: 'custom',
            path: ['items', i, 'id'],
            message: `id "${id}" must start with "${category}/"`,
          });
        }
        if (seen.has(id))
          ctx.addIssue({ code: 'custom', path: ['items', i, 'id'], message: `duplicate id "${id}"` });
        seen.add(id);
      });
    },
    { when: () => true },
  );

export type RoadmapTargets = z.infer<typeof RoadmapTargetsSchema>;
export type RoadmapFile = z.infer<typeof RoadmapFileSchema>;

/** An item as loaded: the file's category is attached so consumers need not parse the id. */
export type RoadmapItem = z.infer<typeof RoadmapItemSchema> & { category: CategoryId };

export type RoadmapCategory = { category: CategoryId; targets: RoadmapTargets; items: RoadmapItem[] };

export type Roadmap = {
  /** In CATEGORIES order; only categories that have a file. */
  categories: RoadmapCategory[];
  /** Every item of every category, in the same order. */
  items: RoadmapItem[];
};
