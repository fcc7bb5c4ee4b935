// The pages of the web app, and a walk through them as a person would reach them. Pages of one
// thing (a KPI, a submission, a work plan) are the first link of the list before them: ids and
// codes are never assumed.

export const PAGES = [
  { path: '/' },
  { path: '/kpis' },
  { first: 'main table a[href^="/kpis/"]', from: '/kpis' },
  { path: '/countries' },
  { path: '/countries/COL' },
  { path: '/submissions' },
  { first: 'main table a[href^="/submissions/"]', from: '/submissions' },
  { path: '/governance/workplans' },
  { first: 'main table a[href^="/governance/workplans/"]', from: '/governance/workplans' },
  { path: '/governance/taskforces' },
  { path: '/governance/meetings' },
  { path: '/sources' },
  { path: '/exports' },
  { path: '/login' },
  // The GraphiQL explorer renders into #graphiql once its scripts have run.
  { path: '/graphql', ready: '#graphiql .graphiql-container' },
];

/**
 * Opens every page in `page` in turn and yields `{ path, response }` once it is loaded (and, for
 * the explorer, rendered). A page whose link could not be found or that did not load is yielded
 * with `problem` set instead.
 */
export async function* eachPage(page) {
  const firstLinks = {};
  for (const spec of PAGES) {
    let path = spec.path;
    if (spec.first) {
      path = firstLinks[spec.from];
      if (!path) {
        yield { path: `${spec.from}/…`, problem: `${spec.from}: no link ${spec.first} to follow` };
        continue;
      }
    }
    const response = await page.goto(path, { waitUntil: 'load' });
    if (!response) {
      yield { path, problem: `${path}: no response` };
      continue;
    }
    let problem = null;
    if (spec.ready) {
      await page.waitForSelector(spec.ready, { timeout: 20000 }).catch(() => {
        problem = `${path}: ${spec.ready} did not appear within 20 s`;
      });
      // Let the explorer's first requests (schema introspection) finish.
      await page.waitForLoadState('networkidle', { timeout: 10000 }).catch(() => {});
    }
    for (const follow of PAGES.filter((p) => p.from === path)) {
      const href = await page.locator(follow.first).first().getAttribute('href', { timeout: 2000 }).catch(() => null);
      if (href) firstLinks[path] = href;
    }
    yield { path, response, problem };
  }
}
