// Page weight and time to first render, recorded (never asserted: speed varies with the
// machine). Each page is opened 5 times by an anonymous reader at 1400 px, every time in a new
// context (cold cache); the medians go to target/browser/metrics.json and to stdout as a table.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { HUB_URL, OUT_DIR, launch, median, newContext, watch } from './lib/hub.mjs';

const RUNS = 5;

let browser;
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

/**
 * One cold load of `path`: bytes, requests and timings. With `floor` (the page's HTML as the hub
 * sent it), the document comes from the test process instead of the hub (the same bytes, no
 * hub work: the floor the hub's own time is compared with); its assets still come from the hub.
 */
async function measure(path, floor = null) {
  const context = await newContext(browser, { width: 1400 });
  const page = await context.newPage();
  if (floor) {
    await page.route(new URL(path, HUB_URL).href, (route) =>
      route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: floor }),
    );
  }
  const watcher = watch(page);
  const requests = [];
  page.on('requestfinished', (request) => requests.push(request));
  page.on('requestfailed', (request) => requests.push(request));
  try {
    const response = await page.goto(path, { waitUntil: 'load' });
    assert.ok(response && response.status() < 400, `${path} answers ${response?.status()}`);
    await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
    await page
      .waitForFunction(() => performance.getEntriesByType('paint').some((e) => e.name === 'first-contentful-paint'), null, { timeout: 5000 })
      .catch(() => {});
    const timing = await page.evaluate(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      const entries = [nav, ...resources].filter(Boolean);
      const sum = (key) => entries.reduce((total, e) => total + (e[key] || 0), 0);
      const fcp = performance.getEntriesByType('paint').find((e) => e.name === 'first-contentful-paint');
      return {
        fcp: fcp ? fcp.startTime : null,
        domContentLoaded: nav ? nav.domContentLoadedEventEnd : null,
        load: nav ? nav.loadEventEnd : null,
        transferSize: sum('transferSize'),
        encodedBodySize: sum('encodedBodySize'),
        decodedBodySize: sum('decodedBodySize'),
        timedEntries: entries.length,
      };
    });
    // What went over the wire for every request the page made (headers and body as sent).
    let wire = 0;
    for (const request of requests) {
      const sizes = await request.sizes().catch(() => null);
      if (sizes) wire += sizes.responseHeadersSize + sizes.responseBodySize + sizes.requestHeadersSize + sizes.requestBodySize;
    }
    assert.deepEqual(watcher.problems(), [], `${path} loads without errors or foreign requests`);
    return { ...timing, requests: requests.length, wireBytes: wire };
  } finally {
    await context.close();
  }
}

const kb = (bytes) => (bytes / 1024).toFixed(1);
const ms = (value) => (value == null ? '–' : value.toFixed(0));

test('page weight and first contentful paint are recorded (median of 5 cold loads)', async () => {
  // The work plan page is the first one an anonymous reader finds in the list.
  const probe = await newContext(browser, { width: 1400 });
  const probePage = await probe.newPage();
  await probePage.goto('/governance/workplans');
  const plan = await probePage.locator('main table a[href^="/governance/workplans/"]').first().getAttribute('href');
  await probe.close();
  assert.ok(plan, 'the work plan list links a plan');

  const pages = ['/', plan, '/kpis'];
  const results = {};
  for (const path of pages) {
    const html = await (await fetch(new URL(path, HUB_URL))).text();
    const runs = [];
    const floors = [];
    // Interleaved, so both see the same machine.
    for (let i = 0; i < RUNS; i += 1) {
      runs.push(await measure(path));
      floors.push(await measure(path, html));
    }
    const keys = ['requests', 'transferSize', 'encodedBodySize', 'decodedBodySize', 'wireBytes', 'fcp', 'domContentLoaded', 'load'];
    const med = {};
    for (const key of keys) {
      const values = runs.map((r) => r[key]).filter((v) => v != null);
      med[key] = values.length ? median(values) : null;
    }
    const floorFcp = median(floors.map((r) => r.fcp).filter((v) => v != null));
    med.floorFcp = floorFcp;
    med.fcpRatio = med.fcp != null && floorFcp ? med.fcp / floorFcp : null;
    results[path] = { median: med, runs, floors };
  }

  const metrics = {
    hub: HUB_URL,
    generatedAt: new Date().toISOString(),
    browser: `Chromium ${browser.version()}`,
    viewport: '1400x900',
    runs: RUNS,
    notes:
      'Anonymous, cold cache (new context per run). transferSize/encodedBodySize/decodedBodySize: resource timing sums ' +
      '(navigation + resources, bytes); wireBytes: Playwright request.sizes() of every request (headers + bodies); ' +
      'fcp: first-contentful-paint startTime (ms); domContentLoaded, load: navigation timing event ends (ms); ' +
      'floorFcp: FCP of the same HTML bytes served by the test process (no hub work), interleaved; fcpRatio = fcp / floorFcp.',
    pages: results,
  };
  writeFileSync(join(OUT_DIR, 'metrics.json'), JSON.stringify(metrics, null, 2) + '\n');

  const lines = [
    '',
    `Page metrics, median of ${RUNS} cold loads (anonymous, 1400 px, ${metrics.browser}); written to target/browser/metrics.json`,
    '',
    '| page | requests | transferred (KiB) | encoded bodies (KiB) | decoded bodies (KiB) | FCP (ms) | FCP floor (ms) | FCP / floor | DOMContentLoaded (ms) | load (ms) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const [path, { median: m }] of Object.entries(results)) {
    lines.push(
      `| ${path} | ${m.requests} | ${kb(m.transferSize)} | ${kb(m.encodedBodySize)} | ${kb(m.decodedBodySize)} | ${ms(m.fcp)} | ${ms(m.floorFcp)} | ${m.fcpRatio == null ? '–' : m.fcpRatio.toFixed(2)} | ${ms(m.domContentLoaded)} | ${ms(m.load)} |`,
    );
  }
  console.log(lines.join('\n'));
  for (const [path, { median: m }] of Object.entries(results)) {
    assert.ok(m.requests > 0 && m.transferSize > 0, `${path}: something was measured`);
  }
});
