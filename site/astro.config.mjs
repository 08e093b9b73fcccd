// The website's Astro project. Its pages are generated from the repository by src/site/generate.ts
// (run by `npm run site:build`, `npm start` and the site tests) into src/content/docs/ and
// src/generated/, both gitignored. Nothing here needs to change when a POC or an article is added.
import { readFileSync } from 'node:fs';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';

function generatedSidebar() {
  try {
    return JSON.parse(readFileSync(new URL('./src/generated/sidebar.json', import.meta.url), 'utf8'));
  } catch {
    throw new Error(
      'site/src/generated/sidebar.json is missing: the generate step has not run. Use `npm run site:build` or `npm run site:dev`.',
    );
  }
}

export default defineConfig({
  outDir: './dist',
  devToolbar: { enabled: false },
  integrations: [
    starlight({
      title: 'System Design Lab',
      description:
        'Learn production system design by running it: tested proofs of concept against real infrastructure, with measured results.',
      sidebar: generatedSidebar(),
      customCss: ['./src/styles/site.css'],
      components: { Head: './src/components/Head.astro' },
      tableOfContents: { minHeadingLevel: 2, maxHeadingLevel: 3 },
      pagination: false,
      favicon: '/favicon.svg',
    }),
  ],
});
