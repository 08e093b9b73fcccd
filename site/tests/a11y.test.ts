/** axe-core on every page type, in both themes: no serious or critical violations. */
import { AxeBuilder } from '@axe-core/playwright';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { drawDiagrams, launchChromium, openPage } from './browser.ts';

const base = inject('siteUrl');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
});

describe('accessibility', () => {
  it('has no serious or critical axe violations on any page type', async () => {
    const set = inject('pages');
    const targets = [
      set.home,
      set.category,
      set.poc,
      set.article,
      set.problem,
      set.progress,
      '/pocs/',
      '/articles/',
    ].filter((t): t is string => t !== null);
    const found: string[] = [];
    for (const target of targets) {
      for (const theme of ['light', 'dark'] as const) {
        const { page, context } = await openPage(browser, new URL(target, base).href, { theme });
        try {
          // Draw the (lazily drawn) Mermaid diagrams so their SVG is checked too.
          await drawDiagrams(page);
          const results = await new AxeBuilder({ page })
            .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'])
            .analyze();
          for (const v of results.violations) {
            if (v.impact !== 'serious' && v.impact !== 'critical') continue;
            const where = v.nodes
              .slice(0, 3)
              .map((n) => n.target.join(' '))
              .join(' | ');
            found.push(`${target} (${theme}): ${v.id} [${v.impact}] ${v.help} — ${where}`);
          }
        } finally {
          await context.close();
        }
      }
    }
    expect(found, found.join('\n')).toEqual([]);
    // 8 page types × 2 themes of axe in one browser: about a minute on a quiet 2-core box, more on a busy one.
  }, 300_000);
});
