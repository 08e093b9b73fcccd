import { z } from 'zod';
import { CATEGORY_IDS } from '../catalog/categories.ts';
import { SLUG } from '../catalog/schema.ts';

/** A public source backing a real-world fact in an article or problem page. */
export const SourceSchema = z
  .object({
    title: z.string().min(3),
    url: z.url({ protocol: /^https?$/, error: 'sources need a public http(s) URL' }),
  })
  .strict();

/**
 * Frontmatter of `content/articles/<slug>.md` and `content/problems/<slug>.md`.
 * The slug is the file name; a `slug` field, when present, must equal it.
 */
export const ContentMetaSchema = z
  .object({
    title: z.string().min(3),
    description: z
      .string()
      .min(20)
      .max(220)
      .describe('One or two sentences: the page meta description and the line under the title'),
    category: z.enum(CATEGORY_IDS),
    slug: z.string().regex(SLUG, 'slug must be lower-case words joined by hyphens').optional(),
    roadmap: z
      .array(z.string().min(1))
      .default([])
      .describe('Roadmap item ids (roadmap/*.yaml) this page covers'),
    related: z
      .array(z.union([z.number().int().positive(), z.string().regex(SLUG)]))
      .default([])
      .describe('Related POCs, by id or slug'),
    sources: z
      .array(SourceSchema)
      .min(1, 'list at least one public source: every real-world fact needs one')
      .describe('Public sources for the real-world facts on the page'),
  })
  .strict();

/**
 * Sections of a problem-at-scale page (`## ` headings), in this order: the incident format every
 * problem follows. `sdlab check` enforces them.
 */
export const PROBLEM_SECTIONS = [
  'The incident',
  'Why it happens',
  'How to prevent it',
  'How to detect it',
  'How to recover',
  'Real-world examples',
  'Quick win',
] as const;

export type ContentMeta = z.infer<typeof ContentMetaSchema>;
export type ContentKind = 'article' | 'problem';

export interface ContentDoc {
  kind: ContentKind;
  slug: string;
  meta: ContentMeta;
  /** Markdown without frontmatter. */
  body: string;
  /** Repo-relative path, e.g. `content/articles/x.md`. */
  file: string;
}
