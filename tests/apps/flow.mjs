// An app build as Apollo Client makes it: the persisted-query link with the manifest its
// generator wrote, so that only hashes go on the wire. Closes the account of PHONE through
// the closure flow; prints what it saw as one JSON line.
//   node flow.mjs URL MANIFEST SMS_FILE PHONE PASSWORD CAPTCHA_ANSWER
import { readFileSync } from "node:fs";
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from "@apollo/client";
import { PersistedQueryLink } from "@apollo/client/link/persisted-queries";
import { generatePersistedQueryIdsFromManifest } from "@apollo/persisted-query-lists";

const [url, manifest, smsFile, phone, password, captchaAnswer] = process.argv.slice(2);
const contract = readFileSync(new URL("../contract/mobile-operations.graphql", import.meta.url), "utf8");
const bodies = [];
let token = null;
const client = new ApolloClient({
  cache: new InMemoryCache(),
  link: ApolloLink.from([
    new PersistedQueryLink(
      generatePersistedQueryIdsFromManifest({
        loadManifest: async () => JSON.parse(readFileSync(manifest, "utf8")),
      }),
    ),
    new HttpLink({
      uri: url,
      fetch: async (input, init) => {
        bodies.push(JSON.parse(init.body));
        const headers = { ...init.headers, ...(token ? { authorization: `Bearer ${token}` } : {}) };
        return fetch(input, { ...init, headers });
      },
    }),
  ]),
});

// Each of the contract's operations, as the app's source would hold it.
const operation = (name) => {
  const start = contract.search(new RegExp(`^(query|mutation) ${name}\\b`, "m"));
  const rest = contract.slice(start);
  const end = rest.search(/^}/m);
  return gql(rest.slice(0, end + 1));
};
const mutate = async (name, variables) =>
  (await client.mutate({ mutation: operation(name), variables })).data;
const lastCode = () => {
  const lines = readFileSync(smsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l));
  return lines.filter((m) => m.purpose === "CLOSURE_CODE").at(-1).code;
};

const login = await mutate("LoginWithPassword", {
  input: { phone, password, deviceName: "apollo-client" },
});
token = login.loginWithPassword.token;
const me = (await client.query({ query: operation("Me") })).data.me;
const eligibility = (await client.query({ query: operation("ClosureEligibility") })).data;
const started = await mutate("StartClosure", {
  input: { reason: "NO_LONGER_USED", comment: "", idempotencyKey: "apollo-1" },
});
const requestId = started.startClosure.request.id;
const captcha = await mutate("CreateCaptcha", { purpose: "CLOSURE" });
const sent = await mutate("SendClosureCode", {
  input: { requestId, captchaId: captcha.createCaptcha.captchaId, captchaAnswer },
});
let code = null;
for (let i = 0; i < 100 && !code; i++) {
  try { code = lastCode(); } catch { await new Promise((r) => setTimeout(r, 100)); }
}
const verified = await mutate("VerifyClosureIdentity", { input: { requestId, code } });
const confirmed = await mutate("ConfirmClosureWithReceipt", {
  input: { requestId, acknowledgeIrreversible: true },
});
console.log(JSON.stringify({
  me,
  canClose: eligibility.closureEligibility.canClose,
  errors: [started.startClosure, sent.sendClosureCode, verified.verifyClosureIdentity,
           confirmed.confirmClosure].map((p) => p.errors),
  state: confirmed.confirmClosure.request?.state,
  receipt: Boolean(confirmed.confirmClosure.receipt?.secret),
  requests: bodies.length,
  queriesOnTheWire: bodies.filter((b) => "query" in b).length,
  hashes: bodies.map((b) => b.extensions?.persistedQuery?.sha256Hash ?? null),
}));
