// Keyboard use: the first Tab reaches the skip link, which shows itself and jumps to the
// content, and every element the keyboard focuses has a visible outline.

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

/** The focused element: a description, its outline, and whether it is on screen. */
function focused(page) {
  return page.evaluate(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    const cls = el.classList.length ? '.' + Array.from(el.classList).join('.') : '';
    return {
      what: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}${cls} "${(el.textContent || '').trim().slice(0, 30)}"`,
      tag: el.tagName.toLowerCase(),
      className: el.className,
      outlineStyle: style.outlineStyle,
      outlineWidth: parseFloat(style.outlineWidth),
      onScreen: box.width > 1 && box.height > 1 && box.bottom > 0 && box.right > 0 && box.left < window.innerWidth,
    };
  });
}

test('the first Tab focuses the skip link and every keyboard focus has a visible outline', async (t) => {
  const context = await newContext(browser, { width: 1400 });
  const page = await context.newPage();
  const watcher = watch(page);
  try {
    await page.goto('/');
    await page.keyboard.press('Tab');
    const first = await focused(page);
    assert.ok(first, 'Tab focuses something');
    assert.equal(first.tag, 'a');
    assert.match(first.className, /\bskip\b/, `the first Tab stop is the skip link (got ${first.what})`);
    assert.ok(first.onScreen, 'the focused skip link is shown on screen');

    const problems = [];
    const check = (f) => {
      if (f.outlineStyle === 'none' || !(f.outlineWidth > 0)) {
        problems.push(`${f.what}: outline-style ${f.outlineStyle}, outline-width ${f.outlineWidth}px`);
      }
    };
    check(first);

    // Enter on the skip link moves to the content. The fragment navigation may finish after the
    // key press returns, so wait for it (a failure still reads as the assertion below).
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.hash === '#main', null, { timeout: 5000 }).catch(() => {});
    assert.equal(await page.evaluate(() => location.hash), '#main');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'main', 'focus is on <main>');

    // Start over and walk the first Tab stops: header, navigation, then the content.
    await page.goto('/');
    const seen = [];
    for (let i = 0; i < 25; i += 1) {
      await page.keyboard.press('Tab');
      const f = await focused(page);
      if (!f) break;
      seen.push(f.what);
      check(f);
    }
    t.diagnostic(`Tab stops: ${seen.join(' → ')}`);
    assert.ok(seen.length >= 10, `at least ten Tab stops (got ${seen.length})`);
    assert.deepEqual(problems, [], 'every focused element has a visible outline');
  } finally {
    await context.close();
  }
  assert.deepEqual(watcher.problems(), []);
});
