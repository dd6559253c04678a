// Runs the graphql-http server audits against URL (argv[2]) and prints one JSON document:
// {"total": N, "ok": N, "results": [{"id", "name", "status", "reason"?}]}.
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs http://127.0.0.1:PORT/graphql');
  process.exit(2);
}

const audits = serverAudits({ url, fetchFn: fetch });
const results = [];
for (const audit of audits) {
  const result = await audit.fn();
  const entry = { id: audit.id, name: audit.name, status: result.status };
  if (result.status !== 'ok') {
    entry.reason = result.reason;
    if (result.response) {
      entry.responseStatus = result.response.status;
      entry.responseBody = await result.response.text().catch(() => null);
    }
  }
  results.push(entry);
}
const ok = results.filter((r) => r.status === 'ok').length;
console.log(JSON.stringify({ total: results.length, ok, results }, null, 2));
