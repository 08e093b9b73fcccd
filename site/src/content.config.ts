import { defineCollection } from 'astro:content';
import { docsLoader } from '@astrojs/starlight/loaders';
import { docsSchema } from '@astrojs/starlight/schema';

// Pages are generated into src/content/docs/ by src/site/generate.ts before every build.
export const collections = { docs: defineCollection({ loader: docsLoader(), schema: docsSchema() }) };
