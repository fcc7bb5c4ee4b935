// Accessibility: axe-core scans every page, for an anonymous reader and an RCP member, at
// 1400 px, and the overview in both languages. A violation of impact "serious" or "critical"
// fails; lesser ones are printed as diagnostics. All results go to target/browser/axe.json.

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { OUT_DIR, launch, newContext, signIn } from './lib/hub.mjs';
import { eachPage } from './lib/pages.mjs';

const require = createRequire(import.meta.url);
const AXE = require.resolve('axe-core/axe.min.js');

const FAILING = new Set(['serious', 'critical']);

let browser;
const report = {};
before(async () => {
  browser = await launch();
});
after(async () => {
  await browser?.close();
  writeFileSync(join(OUT_DIR, 'axe.json'), JSON.stringify(report, null, 2) + '\n');
});

/** Runs axe on the page as it is and returns its violations, simplified. */
async function scan(page) {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async () => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      targets: v.nodes.map((n) => n.target.join(' ')),
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 300), summary: n.failureSummary })),
    }));
  });
  return result;
}

function describe(where, v) {
  const targets = v.targets.slice(0, 5).join(' | ') + (v.targets.length > 5 ? ` (+${v.targets.length - 5} more)` : '');
  // The first node's reason, on one line (for color-contrast it names the colours and ratio).
  const why = (v.nodes[0]?.summary || '').split('\n').slice(1, 2).join(' ').trim();
  return `${where}: [${v.impact}] ${v.id}: ${v.help} — ${targets}${why ? ` — e.g. ${why}` : ''}`;
}

// axe is injected as a script tag with inline content, which the pages' Content-Security-Policy
// (default-src 'self', no 'unsafe-inline') rightly blocks. Only these axe contexts bypass the
// CSP; every other test runs under the real policy, so a CSP violation there still fails.
const SCANS = [
  { who: 'anonymous', lang: 'en', all: true },
  { who: 'anonymous', lang: 'es', only: '/' },
  { who: 'RCP', lang: 'en', all: true },
  { who: 'RCP', lang: 'es', only: '/' },
];

test('no page has a serious or critical axe-core violation', async (t) => {
  for (const { who, lang, only } of SCANS) {
    await t.test(`${who} · 1400 px · ${lang}${only ? ` · ${only}` : ''}`, async (st) => {
      const context = await newContext(browser, { width: 1400, lang: lang === 'en' ? null : lang, bypassCSP: true });
      const page = await context.newPage();
      const failing = [];
      try {
        if (who !== 'anonymous') await signIn(page, who);
        const pages = only
          ? (async function* () {
              const response = await page.goto(only);
              yield { path: only, response };
            })()
          : eachPage(page);
        for await (const { path, response, problem } of pages) {
          if (problem) {
            failing.push(problem);
            continue;
          }
          if (!response) continue;
          const where = `${path} (${who}, ${lang})`;
          const violations = await scan(page);
          report[`${who} ${lang} ${path}`] = violations;
          for (const v of violations) {
            if (FAILING.has(v.impact)) failing.push(describe(where, v));
            else st.diagnostic(describe(where, v));
          }
        }
      } finally {
        await context.close();
      }
      assert.deepEqual(failing, [], `serious or critical axe violations:\n  ${failing.join('\n  ')}`);
    });
  }
});
