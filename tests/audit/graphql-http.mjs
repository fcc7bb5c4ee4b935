// The graphql-http server audit (GraphQL over HTTP specification) against a running hub.
// Usage: HUB_URL=http://127.0.0.1:8080 node graphql-http.mjs
// Prints every audit that is not ok and a summary; exits 1 on any MUST failure.
import { auditServer } from 'graphql-http';

const base = process.env.HUB_URL;
if (!base) {
  console.error('set HUB_URL to the hub to audit, e.g. http://127.0.0.1:8080');
  process.exit(2);
}
const results = await auditServer({ url: `${base}/graphql` });

const counts = {};
for (const result of results) {
  const requirement = result.name.split(' ')[0];
  counts[requirement] ??= { ok: 0, failed: 0 };
  if (result.status === 'ok') {
    counts[requirement].ok += 1;
  } else {
    counts[requirement].failed += 1;
    console.log(`${result.status.toUpperCase()} ${result.id} ${result.name}: ${result.reason}`);
  }
}
const summary = ['MUST', 'SHOULD', 'MAY']
  .map((r) => `${r} ${counts[r]?.ok ?? 0} ok, ${counts[r]?.failed ?? 0} failed`)
  .join('; ');
console.log(`graphql-http audit: ${results.length} audits; ${summary}`);
process.exit((counts.MUST?.failed ?? 0) > 0 ? 1 : 0);
