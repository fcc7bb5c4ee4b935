// The language switch: the header's Español link turns the page Spanish (lang attribute,
// wording, number format), and the choice is remembered for the next pages without ?lang.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { HUB_URL, launch, newContext, screenshotPath, watch } from './lib/hub.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('the Español switch turns pages Spanish, with Spanish number formats, and is remembered', async () => {
  const context = await newContext(browser, { width: 1400 });
  const page = await context.newPage();
  const watcher = watch(page);
  try {
    await page.goto('/');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the hub starts in English');

    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('lang') === 'es'),
      page.locator('.lang-switch a[hreflang="es"]').click(),
    ]);
    assert.equal(await page.locator('html').getAttribute('lang'), 'es', '<html lang> after the switch');
    const h1 = (await page.locator('main h1').innerText()).trim();
    assert.match(h1, /^Resumen regional/, `the h1 is Spanish (got ${JSON.stringify(h1)})`);
    const figures = await page.locator('main data').allInnerTexts();
    const usd = figures.filter((text) => /USD \d{1,3}(\.\d{3})+/.test(text));
    assert.ok(usd.length > 0, `a USD figure with "." as thousands separator, among: ${figures.slice(0, 8).join(' | ')}`);
    const english = figures.filter((text) => /USD \d{1,3}(,\d{3})+/.test(text));
    assert.deepEqual(english, [], 'no USD figure keeps the English thousands separator');
    const cookies = await context.cookies(HUB_URL);
    assert.equal(cookies.find((c) => c.name === 'romt_lang')?.value, 'es', 'the romt_lang cookie remembers Spanish');
    await page.screenshot({ path: screenshotPath('/', 'anonymous-switched', 1400, 'es'), fullPage: true });

    // A page opened without ?lang stays Spanish.
    await page.goto('/kpis');
    assert.equal(new URL(page.url()).searchParams.get('lang'), null);
    assert.equal(await page.locator('html').getAttribute('lang'), 'es', '/kpis without ?lang is still Spanish');
    assert.equal((await page.locator('main h1').innerText()).trim(), 'Indicadores');
    await page.screenshot({ path: screenshotPath('/kpis', 'anonymous-remembered', 1400, 'es'), fullPage: true });

    // And the switch goes back.
    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('lang') === 'en'),
      page.locator('.lang-switch a[hreflang="en"]').click(),
    ]);
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'the English switch turns the page back');
    await page.goto('/');
    assert.equal(await page.locator('html').getAttribute('lang'), 'en', 'English is remembered too');
  } finally {
    await context.close();
  }
  assert.deepEqual(watcher.problems(), []);
});
