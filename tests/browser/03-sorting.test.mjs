// Sortable tables: the header buttons app.js adds sort the rows and say so in aria-sort.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch, newContext, watch } from './lib/hub.mjs';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** The sort keys of column `index` (data-sort, else the text), as app.js reads them. */
function columnKeys(table, index) {
  return table.locator('tbody tr').evaluateAll(
    (rows, i) =>
      rows.map((row) => {
        const cell = row.cells[i];
        return cell.dataset.sort !== undefined ? cell.dataset.sort : cell.textContent.trim();
      }),
    index,
  );
}

test('clicking a sortable header sorts the rows and sets aria-sort', async () => {
  const context = await newContext(browser, { width: 1400 });
  const page = await context.newPage();
  const watcher = watch(page);
  try {
    await page.goto('/');
    const table = page.locator('main table.sortable', {
      has: page.locator('caption', { hasText: /^Countries$/ }),
    });
    assert.equal(await table.count(), 1, 'one countries table on the overview');
    const headers = table.locator('thead th');
    const buttons = table.locator('thead th button.sort');
    assert.equal(await buttons.count(), await headers.count(), 'every header has a sort button');

    const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
    const rows = await table.locator('tbody tr').count();
    assert.ok(rows > 1, 'the countries table has rows to sort');

    // First column (country), ascending then descending.
    await buttons.first().click();
    assert.equal(await headers.first().getAttribute('aria-sort'), 'ascending');
    const ascending = await columnKeys(table, 0);
    assert.equal(ascending.length, rows, 'no row lost');
    assert.deepEqual(ascending, ascending.slice().sort(collator.compare), 'rows in ascending order of country');

    await buttons.first().click();
    assert.equal(await headers.first().getAttribute('aria-sort'), 'descending');
    const descending = await columnKeys(table, 0);
    assert.deepEqual(descending, ascending.slice().reverse(), 'a second click reverses the order');

    // A figure column sorts by the exact value, numerically, and countries without one go last.
    await buttons.nth(1).click();
    assert.equal(await headers.nth(1).getAttribute('aria-sort'), 'ascending');
    assert.equal(await headers.first().getAttribute('aria-sort'), null, 'only one column is marked sorted');
    const values = await columnKeys(table, 1);
    const present = values.filter((v) => v !== '');
    const numbers = present.map(Number);
    assert.ok(numbers.every((n) => Number.isFinite(n)), `numeric sort keys: ${present.join(', ')}`);
    assert.deepEqual(numbers, numbers.slice().sort((a, b) => a - b), 'cost avoidance in ascending numeric order');
    assert.deepEqual(values.slice(present.length), values.filter((v) => v === ''), 'empty values last');
  } finally {
    await context.close();
  }
  assert.deepEqual(watcher.problems(), []);
});
