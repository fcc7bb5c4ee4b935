// Shared helpers of the browser suite: the hub under test (HUB_URL and one token per role from
// the environment), Debian's Chromium driven by playwright-core, a fresh context per role, the
// sign-in form, and a watcher that collects what a page must never do (console errors, page
// errors, requests to another origin).

import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const HUB_URL = (process.env.HUB_URL || '').replace(/\/+$/, '');
if (!HUB_URL) {
  throw new Error('HUB_URL is not set: run tests/browser/run.sh, or set HUB_URL and the *_TOKEN variables');
}
export const HUB_ORIGIN = new URL(HUB_URL).origin;

/** The roles the suite signs in as, with the header badge each one shows. */
export const ROLES = {
  ADMIN: { env: 'ADMIN_TOKEN', badge: { en: 'Administrator', es: 'Administración' }, scope: null },
  ANALYST: { env: 'ANALYST_TOKEN', badge: { en: 'Analyst', es: 'Analista' }, scope: null },
  COUNTRY: { env: 'COUNTRY_TOKEN', badge: { en: 'Country OMT', es: 'OMT de país' }, scope: 'COL' },
  ROMT: { env: 'ROMT_TOKEN', badge: { en: 'ROMT', es: 'ROMT' }, scope: 'RCO' },
  RCP: { env: 'RCP_TOKEN', badge: { en: 'RCP member', es: 'Miembro de la PCR' }, scope: 'UNDP' },
};

/** The token of `role`, from the environment. */
export function token(role) {
  const name = ROLES[role].env;
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set`);
  return value;
}

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (tests/browser/lib/../../..). */
export const ROOT = resolve(here, '..', '..', '..');
export const OUT_DIR = join(ROOT, 'target', 'browser');
export const SCREENSHOT_DIR = join(OUT_DIR, 'screenshots');
export const HTML_DIR = join(OUT_DIR, 'html');
mkdirSync(SCREENSHOT_DIR, { recursive: true });

export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/** Chromium, headless. */
export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

/** The widths every page is checked at. */
export const WIDTHS = [1400, 400];

/**
 * A fresh context (no cookies, no cache) at `width` px wide, English unless `lang` says otherwise
 * (the browser's Accept-Language is fixed so the hub's default does not depend on the machine).
 */
export async function newContext(browser, { width = 1400, lang = null, bypassCSP = false } = {}) {
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    locale: 'en-US',
    baseURL: HUB_URL,
    bypassCSP,
  });
  if (lang) {
    await context.addCookies([{ name: 'romt_lang', value: lang, url: HUB_URL }]);
  }
  return context;
}

/**
 * Signs in as `role` through the sign-in form, as a person would, and checks the header then
 * names the role; ends on `next`.
 */
export async function signIn(page, role, next = '/') {
  await page.goto(`/login?next=${encodeURIComponent(next)}`);
  await page.locator('input#token').fill(token(role));
  await page.locator('form[action="/login"] button[type="submit"]').click();
  await page.waitForURL((url) => url.pathname !== '/login', { timeout: 15000 }).catch(() => {});
  await page.waitForLoadState('load');
  const url = new URL(page.url());
  const badge = page.locator('.who .badge');
  if (url.pathname === '/login' || (await badge.count()) === 0) {
    const notice = await page.locator('.notice').allInnerTexts();
    throw new Error(`signing in as ${role} failed: still on ${page.url()} (${notice.join(' / ')})`);
  }
  const lang = (await page.locator('html').getAttribute('lang')) || 'en';
  const shown = (await badge.innerText()).trim();
  if (shown !== ROLES[role].badge[lang]) {
    throw new Error(`signed in as ${role}, but the header's badge says ${JSON.stringify(shown)} (page in ${lang})`);
  }
  const scope = ROLES[role].scope;
  const who = (await page.locator('.who .role').innerText()).trim();
  if (scope && !who.includes(` · ${scope}`)) {
    throw new Error(`signed in as ${role}, but the header says ${JSON.stringify(who)}, without " · ${scope}"`);
  }
}

/**
 * Watches `page` for what no page may do: a console error, an uncaught page error, a request
 * or WebSocket to another origin. `problems()` lists them as text; `excuse(pred)` leaves out
 * the entries a test expects (e.g. Chromium's own log line for a documented 403); `clear()` starts
 * over.
 */
export function watch(page) {
  let list = [];
  let excused = [];
  page.on('console', (message) => {
    if (message.type() === 'error') {
      const where = message.location();
      list.push({ kind: 'console', text: message.text(), at: where?.url || '', page: page.url() });
    }
  });
  page.on('pageerror', (error) => {
    list.push({ kind: 'pageerror', text: error.message, at: '', page: page.url() });
  });
  page.on('request', (request) => {
    const url = request.url();
    // data: and blob: URLs never leave the browser; everything else must be the hub's.
    if (url.startsWith('data:') || url.startsWith('blob:')) return;
    if (!url.startsWith(HUB_URL + '/') && url !== HUB_URL) {
      list.push({ kind: 'foreign request', text: `${request.method()} ${url}`, at: url, page: page.url() });
    }
  });
  page.on('websocket', (socket) => {
    if (new URL(socket.url()).host !== new URL(HUB_URL).host) {
      list.push({ kind: 'foreign WebSocket', text: socket.url(), at: socket.url(), page: page.url() });
    }
  });
  return {
    problems: () =>
      list.filter((e) => !excused.some((pred) => pred(e))).map((e) => `${e.kind} on ${e.page}: ${e.text}${e.at && e.kind === 'console' ? ` (at ${e.at})` : ''}`),
    excuse: (pred) => {
      excused.push(pred);
    },
    clear: () => {
      list = [];
      excused = [];
    },
  };
}

/** A file name part for a path: `/governance/workplans/2` → `governance-workplans-2`. */
export function slug(path) {
  const clean = path.split('?')[0].replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  return clean || 'overview';
}

/** Where the screenshot of `path` for `who` at `width` in `lang` goes. */
export function screenshotPath(path, who, width, lang = 'en') {
  return join(SCREENSHOT_DIR, `${slug(path)}--${who.toLowerCase()}--${width}--${lang}.png`);
}

/** Where the HTML of `path` for `who` in `lang` goes (validated by CI with vnu). */
export function htmlPath(path, who, lang = 'en') {
  mkdirSync(HTML_DIR, { recursive: true });
  return join(HTML_DIR, `${slug(path)}--${who.toLowerCase()}--${lang}.html`);
}

/**
 * Whether the page is wider than the window (a horizontal scroll bar): null when it is not,
 * else the widths and the elements that stick out of the window without a scrolling box to
 * hold them (an absolutely positioned element escapes an `overflow: auto` box that is not its
 * containing block).
 */
export function horizontalOverflow(page) {
  return page.evaluate(() => {
    const doc = document.documentElement;
    if (doc.scrollWidth <= window.innerWidth) return null;
    const escapes = (el) => {
      let style = getComputedStyle(el);
      if (style.position === 'fixed') return true;
      let needPositioned = style.position === 'absolute';
      for (let a = el.parentElement; a && a !== doc; a = a.parentElement) {
        style = getComputedStyle(a);
        if (needPositioned && style.position === 'static') continue;
        if (style.overflowX !== 'visible') return false;
        if (style.position === 'fixed') return true;
        needPositioned = style.position === 'absolute';
      }
      return true;
    };
    const culprits = [];
    for (const el of document.body.querySelectorAll('*')) {
      const box = el.getBoundingClientRect();
      if (box.right > window.innerWidth + 1 && escapes(el)) {
        const id = el.id ? `#${el.id}` : '';
        const cls = el.classList.length ? '.' + Array.from(el.classList).join('.') : '';
        const text = (el.textContent || '').trim().replace(/\s+/g, ' ').slice(0, 30);
        culprits.push(`${el.tagName.toLowerCase()}${id}${cls} "${text}" (right ${Math.round(box.right)}, position ${getComputedStyle(el).position})`);
      }
    }
    return { scrollWidth: doc.scrollWidth, innerWidth: window.innerWidth, culprits: culprits.slice(0, 6), more: Math.max(0, culprits.length - 6) };
  });
}

/** The median of `values`. */
export function median(values) {
  const sorted = values.slice().sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
