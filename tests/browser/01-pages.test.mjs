// Every page renders for every role at a wide and a narrow width: a status below 400 (except
// the documented refusals of /sources), no console or page errors, no request to another
// origin, no horizontal scrolling on a phone, and a screenshot of each for people to look at.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';

import {
  HUB_URL,
  WIDTHS,
  horizontalOverflow,
  launch,
  newContext,
  htmlPath,
  screenshotPath,
  signIn,
  watch,
} from './lib/hub.mjs';
import { eachPage } from './lib/pages.mjs';

// Who looks, and in which languages: everyone in English; anonymous readers and the RCP (whose
// pages carry the decision forms) in Spanish too, whose longer words are the likelier to overflow.
const VIEWERS = [
  { who: 'anonymous', langs: ['en', 'es'] },
  { who: 'ANALYST', langs: ['en'] },
  { who: 'COUNTRY', langs: ['en'] },
  { who: 'ROMT', langs: ['en'] },
  { who: 'RCP', langs: ['en', 'es'] },
  { who: 'ADMIN', langs: ['en'] },
];

/** What `/sources` must answer `who`: ADMIN sees it, the others are refused. */
async function checkSources(page, who, response, problems, watcher) {
  if (who === 'ADMIN') {
    if (response.status() !== 200) problems.push(`/sources: status ${response.status()} for ADMIN`);
    return;
  }
  if (who === 'anonymous') {
    const url = new URL(page.url());
    const first = response.request().redirectedFrom();
    if (url.pathname !== '/login' || url.searchParams.get('next') !== '/sources' || !first) {
      problems.push(`/sources: anonymous was not redirected to /login?next=/sources (ended on ${page.url()}, status ${response.status()})`);
    }
    return;
  }
  if (response.status() !== 403) {
    problems.push(`/sources: status ${response.status()} for ${who}, expected 403`);
    return;
  }
  // Chromium logs every document answered with an error status ("Failed to load resource: the
  // server responded with a status of 403"); for this documented refusal that line is expected.
  watcher.excuse(
    (e) => e.kind === 'console' && e.at === response.url() && /status of 403\b/.test(e.text),
  );
  if ((await page.locator('main .notice.error').count()) === 0) {
    problems.push(`/sources: the 403 page for ${who} shows no .notice.error`);
  }
}

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

test('every page renders for every role at 1400 and 400 px without errors, foreign requests or overflow', async (t) => {
  for (const { who, langs } of VIEWERS) {
    for (const lang of langs) {
      for (const width of WIDTHS) {
        await t.test(`${who} · ${width} px · ${lang}`, async () => {
          const context = await newContext(browser, { width, lang: lang === 'en' ? null : lang });
          const page = await context.newPage();
          const watcher = watch(page);
          const problems = [];
          try {
            if (who !== 'anonymous') await signIn(page, who);
            for await (const { path, response, problem } of eachPage(page)) {
              if (problem) problems.push(problem);
              if (!response) continue;
              if (path === '/sources') {
                await checkSources(page, who, response, problems, watcher);
              } else if (response.status() >= 400) {
                problems.push(`${path}: status ${response.status()}`);
              }
              const htmlLang = await page.locator('html').getAttribute('lang');
              if (htmlLang !== lang) problems.push(`${path}: <html lang="${htmlLang}">, expected "${lang}"`);
              if (width <= 400) {
                const overflow = await horizontalOverflow(page);
                if (overflow) {
                  problems.push(
                    `${path}: horizontal overflow at ${width} px: scrollWidth ${overflow.scrollWidth} > innerWidth ${overflow.innerWidth}; sticking out: ` +
                      overflow.culprits.join(', ') + (overflow.more ? ` and ${overflow.more} more` : ''),
                  );
                }
              }
              await page.screenshot({ path: screenshotPath(path, who, width, lang), fullPage: true });
              // The HTML as the hub sent it, for the validator CI runs over every page.
              if (width > 400) {
                const html = await response.text().catch(() => null);
                if (html) writeFileSync(htmlPath(path, who, lang), html);
              }
            }
          } finally {
            await context.close();
          }
          const all = [...problems, ...watcher.problems()];
          assert.deepEqual(all, [], `${who} at ${width} px (${lang}) against ${HUB_URL}:\n  ${all.join('\n  ')}`);
        });
      }
    }
  }
});
