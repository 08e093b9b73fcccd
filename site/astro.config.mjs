import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
export default defineConfig({
  integrations: [starlight({ title: 'Try', sidebar: [{ label: 'Home', link: '/' }, { label: 'X', link: '/x/' }], components: { Head: './src/components/Head.astro' } })],
});
