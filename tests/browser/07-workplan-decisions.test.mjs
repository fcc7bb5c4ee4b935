// The RCP's decisions on the demo's submitted 2026 work plan, by clicking as a person would.
// These tests change the hub's state, so they run last (this file sorts last, and node:test
// runs the tests of a file in order): first the refusals, which leave the plan SUBMITTED, then
// the approval. They need a fresh demo hub (run.sh makes one).

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { launch, newContext, screenshotPath, signIn, watch } from './lib/hub.mjs';

const PLAN_TITLE = 'ROMT annual work plan 2026';

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/** Signs in as the RCP member (UNDP) and opens the 2026 plan from the list by clicking it. */
async function openPlanAsRcp(page) {
  await signIn(page, 'RCP', '/governance/workplans');
  assert.equal(new URL(page.url()).pathname, '/governance/workplans', 'the sign-in goes back to the list');
  const link = page.locator('main table a[href^="/governance/workplans/"]', { hasText: PLAN_TITLE });
  assert.equal(await link.count(), 1, `the list links "${PLAN_TITLE}" once`);
  await Promise.all([page.waitForURL(/\/governance\/workplans\/\d+$/), link.click()]);
  assert.equal((await page.locator('main h1').innerText()).trim(), PLAN_TITLE);
  return page.url();
}

/** The plan's status, from the facts on its page (the status badge's class). */
async function planStatus(page) {
  const badge = page.locator('main dl.facts span.status');
  assert.equal(await badge.count(), 1, 'the facts show one status');
  const cls = (await badge.getAttribute('class')) || '';
  return cls.replace(/\bstatus\b/, '').trim();
}

/** Chromium logs a document answered with an error status; expected for a documented refusal. */
function excuseStatus(watcher, status) {
  watcher.excuse((e) => e.kind === 'console' && new RegExp(`status of ${status}\\b`).test(e.text));
}

test('a return without a comment is refused by the browser and by the server; a stale version is a conflict', async () => {
  const context = await newContext(browser, { width: 1400 });
  const page = await context.newPage();
  const watcher = watch(page);
  try {
    const planUrl = await openPlanAsRcp(page);
    assert.equal(await planStatus(page), 'SUBMITTED', 'the demo plan awaits the RCP (run against a fresh demo hub)');

    // 1. The browser refuses: the comment is required.
    const comment = page.locator('textarea#return-comment');
    assert.equal(await comment.getAttribute('required'), '', 'the return comment is required');
    assert.equal(await comment.inputValue(), '');
    const posts = [];
    const onRequest = (request) => {
      if (request.method() === 'POST') posts.push(request.url());
    };
    page.on('request', onRequest);
    await page.locator('form[action$="/return"] button[type="submit"]').click();
    await page.waitForTimeout(500);
    page.off('request', onRequest);
    assert.deepEqual(posts, [], 'nothing was sent');
    assert.equal(page.url(), planUrl, 'the page stayed');
    assert.ok(await page.locator('textarea#return-comment:invalid').count(), 'the empty comment is :invalid');
    assert.ok((await comment.evaluate((el) => el.validationMessage)).length > 0, 'the browser explains why');
    assert.equal(await planStatus(page), 'SUBMITTED');

    // 2. The server refuses too, when the browser's check is taken away.
    await comment.evaluate((el) => el.removeAttribute('required'));
    const [response] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && /\/return$/.test(new URL(r.url()).pathname)),
      page.locator('form[action$="/return"] button[type="submit"]').click(),
    ]);
    await page.waitForLoadState('load');
    assert.equal(response.status(), 400, 'the server answers 400 to a return without a comment');
    excuseStatus(watcher, 400);
    const error = page.locator('main .notice.error');
    assert.equal(await error.count(), 1, 'the refusal is shown as a .notice.error');
    const message = (await error.innerText()).trim();
    assert.match(message, /comment/i, `the notice names the missing comment (got ${JSON.stringify(message)})`);
    assert.equal(await planStatus(page), 'SUBMITTED', 'the refusal page shows the plan still SUBMITTED');
    await page.screenshot({ path: screenshotPath('/governance/workplans/return-refused', 'rcp', 1400), fullPage: true });
    await page.goto(planUrl);
    assert.equal(await planStatus(page), 'SUBMITTED', 'the plan is still SUBMITTED');

    // 3. An action on a version the plan has moved past is a conflict, with a way to reload.
    const expected = page.locator('form[action$="/approve"] input[name="expected"]');
    const version = Number(await expected.inputValue());
    assert.ok(version > 1, `the plan has earlier versions (at ${version})`);
    await expected.evaluate((el, v) => {
      el.value = String(v);
    }, version - 1);
    const [stale] = await Promise.all([
      page.waitForResponse((r) => r.request().method() === 'POST' && /\/approve$/.test(new URL(r.url()).pathname)),
      page.locator('form[action$="/approve"] button[type="submit"]').click(),
    ]);
    await page.waitForLoadState('load');
    assert.equal(stale.status(), 409, 'a stale version answers 409');
    excuseStatus(watcher, 409);
    assert.equal(await page.locator('main .notice.error').count(), 1, 'the conflict is a .notice.error');
    const reload = page.locator('main .notice.error a.button');
    assert.equal(await reload.count(), 1, 'the conflict offers a reload link');
    await page.screenshot({ path: screenshotPath('/governance/workplans/conflict', 'rcp', 1400), fullPage: true });
    await Promise.all([page.waitForURL(planUrl), reload.click()]);
    assert.equal(await planStatus(page), 'SUBMITTED', 'the conflict changed nothing');
  } finally {
    await context.close();
  }
  assert.deepEqual(watcher.problems(), []);
});

test('the RCP approves the submitted 2026 plan by clicking, and the history records it', async () => {
  const context = await newContext(browser, { width: 1400 });
  const page = await context.newPage();
  const watcher = watch(page);
  try {
    await openPlanAsRcp(page);
    assert.equal(await planStatus(page), 'SUBMITTED', 'the demo plan awaits the RCP (run against a fresh demo hub)');

    // The diff against the previous content version shows the added activity.
    const diff = page.locator('main section.panel', { has: page.locator('h2', { hasText: /^What changed$/ }) });
    assert.equal(await diff.count(), 1, 'a "What changed" section');
    const added = diff.locator('ins', { hasText: 'WP2026-LOG-01' });
    assert.ok((await added.count()) >= 1, 'the diff lists WP2026-LOG-01 as added (inside <ins>)');

    await Promise.all([
      page.waitForURL((url) => url.searchParams.get('done') === 'approve'),
      page.locator('form[action$="/approve"] button[type="submit"]').click(),
    ]);
    const ok = page.locator('main .notice.ok');
    assert.equal(await ok.count(), 1, 'a .notice.ok confirms');
    assert.equal((await ok.innerText()).trim(), 'Your approval was recorded.');
    assert.equal(await planStatus(page), 'APPROVED', 'the one approval needed makes the plan APPROVED');

    const history = page.locator('main section.panel', { has: page.locator('h2', { hasText: /^History$/ }) }).locator('table');
    assert.equal(await history.count(), 1, 'a History table');
    const headers = (await history.locator('thead th').allInnerTexts()).map((h) => h.trim());
    const action = headers.indexOf('Action');
    const agency = headers.indexOf('Agency');
    assert.ok(action >= 0 && agency >= 0, `History has Action and Agency columns (${headers.join(', ')})`);
    const rows = await history.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => Array.from(tr.cells, (c) => c.textContent.trim())));
    const approved = rows.filter((cells) => cells[action] === 'Approved' && cells[agency] === 'UNDP');
    assert.equal(approved.length, 1, `one History row "Approved" by UNDP, in: ${JSON.stringify(rows)}`);
    await page.screenshot({ path: screenshotPath('/governance/workplans/approved', 'rcp', 1400), fullPage: true });

    // The decision is no longer offered.
    assert.equal(await page.locator('form[action$="/approve"]').count(), 0, 'no approve form on an approved plan');
    assert.equal(await page.locator('form[action$="/return"]').count(), 0, 'no return form on an approved plan');
  } finally {
    await context.close();
  }
  assert.deepEqual(watcher.problems(), []);
});
