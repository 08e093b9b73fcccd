import { chromium } from 'playwright-core';
const [url, out, theme = 'dark', width = '1280', from = '', to = ''] = process.argv.slice(2);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu','--disable-quic','--no-first-run','--disable-background-networking','--disable-component-update','--disable-sync'] });
const ctx = await browser.newContext({ viewport: { width: Number(width), height: 900 }, colorScheme: theme as 'dark' });
const page = await ctx.newPage();
page.on('console', (m) => { if (m.type() === 'error') console.log('console error', m.text()); });
await page.goto(url!, { waitUntil: 'networkidle' });
await page.waitForTimeout(800);
let clip;
if (from) {
  const y1 = await page.evaluate((s) => document.querySelector(s)!.getBoundingClientRect().top + scrollY, from);
  const y2 = to ? await page.evaluate((s) => document.querySelector(s)!.getBoundingClientRect().top + scrollY, to) : y1 + 1400;
  clip = { x: 0, y: y1 - 20, width: Number(width), height: Math.min(3000, y2 - y1 + 20) };
}
await page.screenshot({ path: out!, fullPage: true, clip });
await browser.close();
