// Pages through `models` with Apollo Client and its real PersistedQueryLink (APQ).
// Usage: node pages.mjs URL PAGE_SIZE get|post  -> prints one JSON report on stdout.
import { createHash } from "node:crypto";
import { ApolloClient, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";

const [url, pageSize, mode] = process.argv.slice(2);
const requests = [];
async function recordingFetch(input, init) {
  const target = new URL(typeof input === "string" ? input : input.url);
  const body = init?.body ? JSON.parse(init.body) : null;
  const response = await fetch(input, init);
  const copy = await response.clone().json();
  requests.push({
    method: init?.method ?? "GET",
    sentQuery: Boolean(body?.query ?? target.searchParams.get("query")),
    sentHash: Boolean(body?.extensions?.persistedQuery ?? target.searchParams.get("extensions")),
    status: response.status,
    notFound: (copy.errors ?? []).some((e) => e.message === "PersistedQueryNotFound"),
  });
  return response;
}

const link = new PersistedQueryLink({
  sha256: (text) => createHash("sha256").update(text).digest("hex"),
  useGETForHashedQueries: mode === "get",
}).concat(new HttpLink({ uri: url, fetch: recordingFetch }));
const client = new ApolloClient({ link, cache: new InMemoryCache() });

const PAGE = gql`
  query CatalogPage($first: Int!, $after: String) {
    models(first: $first, after: $after) {
      totalCount
      nodes { canonicalName }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

const names = [];
let after = null;
let total = null;
let pages = 0;
for (;;) {
  const { data } = await client.query({
    query: PAGE,
    variables: { first: Number(pageSize), after },
    fetchPolicy: "network-only",
  });
  pages += 1;
  total = data.models.totalCount;
  names.push(...data.models.nodes.map((n) => n.canonicalName));
  if (!data.models.pageInfo.hasNextPage) break;
  after = data.models.pageInfo.endCursor;
}
console.log(JSON.stringify({ pages, total, names, requests }));
