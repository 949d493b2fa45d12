// A real OpenID provider (panva's oidc-provider) on 127.0.0.1 for the Rust integration tests.
//
//   node server.mjs '{"clients":[...],"accounts":{...}}'
//
// It listens on a port the OS picks, prints exactly one line, `ISSUER http://127.0.0.1:<port>`,
// on stdout, and runs until its stdin closes (then exits 0). Everything else goes to stderr.
//
// There is no login form: the interaction (login, then consent) completes itself. Login is as
// the account named by the authorization request's `login_hint` (else the first account), and
// consent grants every scope and claim asked for. A client without JavaScript that keeps
// cookies and follows redirects goes from the authorization URL to
// `<redirect_uri>?code=...&state=...&iss=...` without filling anything in.
//
// See README.md for the configuration JSON and a curl walk-through.

import { generateKeyPairSync, randomBytes, randomUUID } from "node:crypto";
import { createServer } from "node:http";
import { once } from "node:events";

import Provider from "oidc-provider";

// oidc-provider prints its notices with console.info (stdout); stdout carries only the ISSUER
// line, so every console output that would go there goes to stderr instead.
// The in-memory adapter it warns about is what a throwaway test server wants: that warning is
// dropped.
for (const method of ["log", "info", "debug", "warn"]) {
  console[method] = (...args) => {
    if (String(args[0]).includes("in-memory adapter")) return;
    console.error(...args);
  };
}

function fail(message) {
  process.stderr.write(`oidc-provider test server: ${message}\n`);
  process.exit(2);
}

let config;
try {
  config = JSON.parse(process.argv[2] ?? "");
  if (typeof config !== "object" || config === null) throw new Error("not a JSON object");
} catch (error) {
  fail(`usage: node server.mjs '<json>' (${error.message})`);
}
const clients = config.clients ?? [];
const accounts = config.accounts ?? {};
const accountIds = Object.keys(accounts);
if (!Array.isArray(clients) || clients.length === 0) fail("the configuration has no clients");
if (accountIds.length === 0) fail("the configuration has no accounts");

// Signing keys made for this run: RSA (RS256, PS256), P-256 (ES256) and Ed25519 (EdDSA).
function signingKey(type, options) {
  const { privateKey } = generateKeyPairSync(type, options);
  return { ...privateKey.export({ format: "jwk" }), kid: randomUUID(), use: "sig" };
}
const jwks = {
  keys: [
    signingKey("rsa", { modulusLength: 2048 }),
    signingKey("ec", { namedCurve: "P-256" }),
    signingKey("ed25519"),
  ],
};

// The HTTP server comes first, on port 0, so the issuer can name the port the OS picked.
let provider;
let providerCallback;
const server = createServer((req, res) => {
  if (req.url.startsWith("/interaction/")) {
    autoInteraction(req, res).catch((error) => {
      process.stderr.write(`interaction failed: ${error.stack ?? error}\n`);
      if (!res.headersSent) {
        res.statusCode = 500;
        res.setHeader("Content-Type", "text/plain; charset=utf-8");
      }
      res.end(`interaction failed: ${error.message}\n`);
    });
    return;
  }
  if (req.method === "GET" && req.url.startsWith("/auth?")) {
    req.url = consentForOfflineAccess(req.url);
  }
  providerCallback(req, res);
});
server.listen(0, "127.0.0.1");
await once(server, "listening");
const issuer = `http://127.0.0.1:${server.address().port}`;

// oidc-provider drops offline_access from an authorization request whose prompt does not
// include consent (OpenID Connect Core 1.0, section 11). The tests ask for offline_access
// without prompt=consent, as NextAuth apps do with most providers, and the consent is given
// automatically anyway: add consent to the prompt of such a request (unless it is
// prompt=none, which cannot be combined).
function consentForOfflineAccess(path) {
  const url = new URL(path, "http://127.0.0.1");
  const scopes = (url.searchParams.get("scope") ?? "").split(" ");
  const prompts = (url.searchParams.get("prompt") ?? "").split(" ").filter(Boolean);
  if (!scopes.includes("offline_access")) return path;
  if (prompts.includes("consent") || prompts.includes("none")) return path;
  url.searchParams.set("prompt", [...prompts, "consent"].join(" "));
  return `${url.pathname}${url.search}`;
}

provider = new Provider(issuer, {
  clients: clients.map((client) => ({
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    id_token_signed_response_alg: "RS256",
    ...client,
  })),
  jwks,
  cookies: { keys: [randomBytes(32).toString("base64url")] },
  async findAccount(_ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return {
      accountId: id,
      async claims() {
        const claims = { sub: id };
        for (const claim of ["email", "email_verified", "name", "picture"]) {
          if (account[claim] !== undefined && account[claim] !== null) {
            claims[claim] = account[claim];
          }
        }
        return claims;
      },
    };
  },
  scopes: ["openid", "email", "profile", "offline_access"],
  claims: {
    openid: ["sub"],
    email: ["email", "email_verified"],
    profile: ["name", "picture"],
  },
  // Like most real providers, the ID token carries the claims of the scopes granted (not only
  // the userinfo response).
  conformIdTokenClaims: false,
  enabledJWA: {
    idTokenSigningAlgValues: ["RS256", "PS256", "ES256", "EdDSA", "HS256"],
  },
  pkce: { required: () => false, methods: ["S256"] },
  features: {
    devInteractions: { enabled: false },
    userinfo: { enabled: true },
  },
  // A refresh token whenever offline_access was granted (see consentForOfflineAccess: the
  // request needs no prompt=consent), rotated on every use.
  async issueRefreshToken(_ctx, client, code) {
    return client.grantTypeAllowed("refresh_token") && code.scopes.has("offline_access");
  },
  rotateRefreshToken: true,
  // oidc-provider's defaults, spelled out (it prints a notice whenever a default ttl is used).
  ttl: {
    AccessToken: 60 * 60,
    AuthorizationCode: 60,
    IdToken: 60 * 60,
    Interaction: 60 * 60,
    Grant: 14 * 24 * 60 * 60,
    RefreshToken: 14 * 24 * 60 * 60,
    Session: 14 * 24 * 60 * 60,
  },
  async renderError(ctx, out) {
    // Only what the client is told, on stderr (server errors are logged with their stack below).
    process.stderr.write(`oidc-provider test server: error page: ${JSON.stringify(out)}\n`);
    ctx.type = "text/plain; charset=utf-8";
    ctx.body = `${out.error}: ${out.error_description ?? ""}\n`;
  },
});
providerCallback = provider.callback();
provider.on("server_error", (_ctx, error) => {
  process.stderr.write(`server_error: ${error.stack ?? error}\n`);
});

// The interaction oidc-provider redirects to (`/interaction/<uid>`), answered at once: login,
// then (oidc-provider comes back with a consent prompt) a grant of everything missing.
async function autoInteraction(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt, params, session } = details;
  if (prompt.name === "login") {
    const accountId = params.login_hint ?? accountIds[0];
    if (!accounts[accountId]) {
      await provider.interactionFinished(
        req,
        res,
        { error: "access_denied", error_description: `no account ${accountId} (login_hint)` },
        { mergeWithLastSubmission: false },
      );
      return;
    }
    await provider.interactionFinished(
      req,
      res,
      { login: { accountId } },
      { mergeWithLastSubmission: false },
    );
    return;
  }
  if (prompt.name === "consent") {
    const grant = details.grantId
      ? await provider.Grant.find(details.grantId)
      : new provider.Grant({ accountId: session.accountId, clientId: params.client_id });
    const { missingOIDCScope, missingOIDCClaims, missingResourceScopes } = prompt.details;
    if (missingOIDCScope) grant.addOIDCScope(missingOIDCScope.join(" "));
    if (missingOIDCClaims) grant.addOIDCClaims(missingOIDCClaims);
    for (const [indicator, scopes] of Object.entries(missingResourceScopes ?? {})) {
      grant.addResourceScope(indicator, scopes.join(" "));
    }
    const grantId = await grant.save();
    await provider.interactionFinished(
      req,
      res,
      { consent: { grantId } },
      { mergeWithLastSubmission: true },
    );
    return;
  }
  throw new Error(`unexpected prompt ${prompt.name}`);
}

process.stdout.write(`ISSUER ${issuer}\n`);

// Until stdin closes (the test process dropped its handle or exited).
process.stdin.on("data", () => {});
process.stdin.on("end", () => {
  server.closeAllConnections?.();
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 1000).unref();
});
process.stdin.resume();
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
