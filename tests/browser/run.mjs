// The browser conformance suite: the real next-auth v3, v4 and v5 React clients (apps/, built
// by Vite into dist/) and the Leptos app of examples/leptos-app (authrs-leptos, in
// WebAssembly) against the real `authrs` server, in headless Chromium through playwright-core,
// with a real OpenID provider (tests/oidc-provider).
//
//   AUTHRS_BIN=target/debug/authrs node tests/browser/run.mjs
//   AUTHRS_BIN=target/debug/authrs LEPTOS_APP=target/leptos-app GENERATIONS=leptos node tests/browser/run.mjs
//
// Environment:
//   AUTHRS_BIN    the `authrs` binary (required)
//   CHROMIUM      the Chromium executable (default /usr/bin/chromium); never downloaded
//   SCREENSHOTS   where screenshots go (default <workspace>/target/browser-screenshots)
//   GENERATIONS   which clients to test, comma-separated (default v3,v4,v5): v3, v4, v5, leptos
//                 (the Leptos app beside the v4 app), leptos-v5 (beside the v5 app, a v5 server),
//                 pages (the built-in pages themselves: languages, light, dark, mobile width)
//   LEPTOS_APP    the built Leptos app (scripts/build-leptos-app), required for `leptos`
//
// Every client renders the same page (data-testid names), so one list of checks drives them
// all. The Leptos app is served at `/` with the v4 React app at `/react/` on the same origin,
// for the checks that a Leptos tab and a next-auth tab follow each other, and that a page the
// server seeded with the session renders it with no loading state.
//
// For each generation it starts one `authrs serve --bind 127.0.0.1:0` in a fresh temporary
// working directory (with one email-and-password account made by `authrs user add`), serving the
// built app at `/` (AUTHRS_STATIC_DIR), and runs the checks in the browser on
// http://localhost:<port>/ (localhost, as the URL authrs derives, so cookies match). It prints
// one line per check, PASS or FAIL, and exits 1 if any failed (2 if it could not run at all).
//
// Everything listens on 127.0.0.1; nothing goes elsewhere.

import { spawn, spawnSync } from "node:child_process";
import { createHmac, randomBytes } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { once } from "node:events";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const workspace = resolve(here, "../..");

function die(message) {
  process.stderr.write(`browser suite: ${message}\n`);
  process.exit(2);
}

// --- what the suite needs ----------------------------------------------------------------

const authrsBin = process.env.AUTHRS_BIN && resolve(process.env.AUTHRS_BIN);
if (!authrsBin) die("AUTHRS_BIN is not set (the path of the built `authrs` binary)");
if (!existsSync(authrsBin)) die(`AUTHRS_BIN=${authrsBin} does not exist`);
const chromiumPath = process.env.CHROMIUM || "/usr/bin/chromium";
if (!existsSync(chromiumPath)) {
  die(`no Chromium at ${chromiumPath} (install it: apt-get install chromium; or set CHROMIUM)`);
}
const screenshots = process.env.SCREENSHOTS
  ? resolve(process.env.SCREENSHOTS)
  : join(workspace, "target/browser-screenshots");
const generations = (process.env.GENERATIONS || "v3,v4,v5").split(",").filter(Boolean);
const leptosApp = process.env.LEPTOS_APP && resolve(process.env.LEPTOS_APP);
if (generations.some((g) => g.startsWith("leptos"))) {
  if (!leptosApp) die("LEPTOS_APP is not set (the folder scripts/build-leptos-app writes)");
  if (!existsSync(join(leptosApp, "index.html")) || !existsSync(join(leptosApp, "pkg"))) {
    die(`LEPTOS_APP=${leptosApp} has no index.html and pkg/; run scripts/build-leptos-app`);
  }
}

let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (error) {
  die(
    `the npm packages of tests/browser are missing (${error.message}); ` +
      "run: npm ci --prefix tests/browser && npm run build --prefix tests/browser",
  );
}
const oidcServer = join(workspace, "tests/oidc-provider/server.mjs");
if (!existsSync(join(workspace, "tests/oidc-provider/node_modules/oidc-provider"))) {
  die("the npm packages of tests/oidc-provider are missing; run: npm ci --prefix tests/oidc-provider");
}

// The apps: built here unless dist/ is newer than every source (a build takes about a second).
function newest(dir) {
  let time = 0;
  for (const entry of spawnSync("find", [dir, "-type", "f"], { encoding: "utf8" })
    .stdout.split("\n")
    .filter(Boolean)) {
    time = Math.max(time, statSync(entry).mtimeMs);
  }
  return time;
}
{
  const dists = generations
    .filter((g) => g !== "pages")
    .map((g) => ({ leptos: "v4-react", "leptos-v5": "v5-react" })[g] ?? g);
  const built = dists.every((d) => existsSync(join(here, "dist", d, "index.html")));
  if (!built || newest(join(here, "apps")) > newest(join(here, "dist"))) {
    const build = spawnSync(process.execPath, [join(here, "build.mjs")], {
      cwd: here,
      stdio: ["ignore", "inherit", "inherit"],
    });
    if (build.status !== 0) die("building the apps failed (node build.mjs)");
  }
}

// --- child processes ----------------------------------------------------------------------

const children = new Set();
function cleanup() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  }
}
process.on("exit", cleanup);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    cleanup();
    process.exit(130);
  });
}

/** Starts a child and resolves with the first match of `pattern` in its output. */
function startChild(command, args, options, stream, pattern, what) {
  const child = spawn(command, args, { ...options, stdio: ["pipe", "pipe", "pipe"] });
  children.add(child);
  child.on("exit", () => children.delete(child));
  const log = [];
  const matched = new Promise((resolvePromise, reject) => {
    let buffer = "";
    const timer = setTimeout(
      () => reject(new Error(`${what} did not start in 60 s:\n${log.join("")}`)),
      60_000,
    );
    const watch = (chunk) => {
      buffer += chunk;
      const match = buffer.replace(/\x1b\[[0-9;]*m/g, "").match(pattern);
      if (match) {
        clearTimeout(timer);
        resolvePromise(match);
      }
    };
    child.stdout.setEncoding("utf8");
    child.stderr.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      log.push(chunk);
      if (stream === "stdout") watch(chunk);
    });
    child.stderr.on("data", (chunk) => {
      log.push(chunk);
      if (stream === "stderr") watch(chunk);
    });
    child.on("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code ?? signal}) before starting:\n${log.join("")}`));
    });
  });
  return { child, matched, log };
}

async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await once(child, "exit");
  clearTimeout(timer);
}

// --- the OpenID provider ------------------------------------------------------------------

// One client for every generation. Each authrs instance listens on a port the OS picks, so the
// redirect URI cannot be known before the provider starts: the client is registered as a
// `native` application, for which oidc-provider (RFC 8252, section 7.3) accepts a loopback
// redirect URI on any port. Registered: http://localhost/api/auth/callback/oidc.
const oidcClient = {
  client_id: "authrs-browser",
  client_secret: randomBytes(24).toString("hex"),
  application_type: "native",
  redirect_uris: ["http://localhost/api/auth/callback/oidc"],
  token_endpoint_auth_method: "client_secret_basic",
};
const oidcAccount = {
  sub: "alice",
  email: "alice@example.com",
  email_verified: true,
  name: "Alice Example",
};

async function startOidcProvider() {
  const config = {
    clients: [oidcClient],
    accounts: {
      [oidcAccount.sub]: {
        email: oidcAccount.email,
        email_verified: oidcAccount.email_verified,
        name: oidcAccount.name,
      },
    },
  };
  const started = startChild(
    process.execPath,
    [oidcServer, JSON.stringify(config)],
    { cwd: join(workspace, "tests/oidc-provider") },
    "stdout",
    /^ISSUER (\S+)$/m,
    "the OpenID provider (tests/oidc-provider/server.mjs)",
  );
  const match = await started.matched;
  return { child: started.child, issuer: match[1], log: started.log };
}

// --- authrs ---------------------------------------------------------------------------------

const PASSWORD = "correct horse battery staple";
const USER = "ada@example.com";
/** The accounts the account page's checks use (pages generation only). */
const ACCOUNT_USERS = ["sam@example.com", "max@example.com", "lin@example.com", "kim@example.com"];
/** The user who turns two-step sign-in on (every generation has one). */
const TWO_STEP_USER = "tess@example.com";

// --- TOTP (RFC 6238), as an authenticator app computes it -------------------------------------

/** The bytes of a base 32 secret (spaces ignored). */
function base32Bytes(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of text.replace(/[\s=]/g, "").toUpperCase()) {
    const value = alphabet.indexOf(c);
    if (value < 0) throw new Error(`not base 32: ${text}`);
    bits += value.toString(2).padStart(5, "0");
  }
  const bytes = [];
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2));
  return Buffer.from(bytes);
}

/** The six-digit code of `secret` for the 30-second step `offset` steps from now. */
function totp(secret, offset = 0) {
  const step = Math.floor(Date.now() / 1000 / 30) + offset;
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", base32Bytes(secret)).update(counter).digest();
  const at = mac[mac.length - 1] & 0xf;
  const value = (mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000;
  return String(value).padStart(6, "0");
}

/**
 * Turns two-step sign-in on for `email` through the account routes, as an app of its own
 * would (a browser context of its own, signed in, then signed out); returns the secret. The
 * code that confirmed it spent this step: sign-ins use the next one (one step of skew).
 */
async function enrolTwoStep(newContext, origin, email) {
  const context = await newContext();
  const api = context.request;
  const csrf = async () => (await (await api.get(`${origin}/api/auth/csrf`)).json()).csrfToken;
  const post = async (path, form) =>
    api.post(`${origin}/api/auth${path}`, { form: { csrfToken: await csrf(), json: "true", ...form } });
  const signedIn = await post("/callback/email-password", { email, password: PASSWORD });
  assert(signedIn.ok(), `password sign-in answered ${signedIn.status()}`);
  const offered = await (await post("/account/two-factor-setup", { password: PASSWORD })).json();
  assert(offered.secret && offered.offer, `setup answered ${JSON.stringify(offered)}`);
  const enabled = await post("/account/two-factor-enable", { offer: offered.offer, code: totp(offered.secret) });
  assert(enabled.ok(), `enable answered ${enabled.status()}: ${await enabled.text()}`);
  const codes = (await enabled.json()).recoveryCodes;
  assert(codes?.length === 10, `recovery codes: ${JSON.stringify(codes)}`);
  await context.close();
  return offered.secret;
}

/** The environment without any inherited AUTHRS_* variable (authrs refuses unknown ones). */
function baseEnv() {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith("AUTHRS_")) env[key] = value;
  }
  env.RUST_LOG = "info";
  return env;
}

function runAuthrs(dir, args, env, input) {
  const run = spawnSync(authrsBin, args, { cwd: dir, env, input, encoding: "utf8", timeout: 60_000 });
  if (run.error) die(`could not run ${authrsBin} ${args.join(" ")}: ${run.error.message}`);
  return run;
}

async function startAuthrs(generation, issuer) {
  const dir = mkdtempSync(join(tmpdir(), `authrs-browser-${generation}-`));
  let dist = join(here, "dist", generation);
  if (generation.startsWith("leptos")) {
    // The Leptos app at `/`, next-auth's v4 (or, for leptos-v5, v5) app at `/react/`: one
    // origin, one localStorage, one set of broadcast channels.
    dist = join(dir, "site");
    cpSync(leptosApp, dist, { recursive: true });
    const react = generation === "leptos-v5" ? "v5-react" : "v4-react";
    cpSync(join(here, "dist", react), join(dist, "react"), { recursive: true });
  }
  if (generation === "pages") dist = null;
  const mailFile = join(dir, "mail.txt");
  // No AUTHRS_URL: authrs derives http://localhost:<port>/api/auth, and the browser uses
  // http://localhost:<port>/ so that cookies and origins match.
  const env = {
    ...baseEnv(),
    AUTHRS_SECRET: randomBytes(32).toString("hex"),
    // The app at `/`, index.html for unknown paths, beside the auth routes.
    AUTHRS_STATIC_DIR: dist,
    // One line per mail: purpose, recipient, link, code (tab-separated).
    AUTHRS_EMAIL_TRANSPORT: "file",
    AUTHRS_EMAIL_FILE: mailFile,
    AUTHRS_EMAIL_FILE_FORMAT: "link",
    AUTHRS_OIDC_CLIENT_ID: oidcClient.client_id,
    AUTHRS_OIDC_CLIENT_SECRET: oidcClient.client_secret,
    AUTHRS_OIDC_ISSUER: issuer,
  };
  if (generation === "v5" || generation === "leptos-v5") env.AUTHRS_COMPATIBILITY = "v5";
  if (dist === null) delete env.AUTHRS_STATIC_DIR;
  if (generation === "pages") env.AUTHRS_ACCOUNTS_SIGN_UP = "true";
  // Users choose: only the one who turns it on gets a second step.
  env.AUTHRS_TWO_FACTOR_MODE = "optional";
  env.AUTHRS_TWO_FACTOR_REMEMBER_DAYS = "30";
  // Passkeys where they are checked: next-auth v5's signIn("passkey"), and the built-in pages.
  if (["v5", "leptos-v5", "pages"].includes(generation)) env.AUTHRS_PASSKEY_ENABLED = "true";

  let started;
  try {
    const users = [[USER, "Ada Lovelace"], [TWO_STEP_USER, "Tess"]];
    // The account page's checks each change or delete an account of their own.
    if (generation === "pages") users.push(...ACCOUNT_USERS.map((email) => [email, "Test User"]));
    for (const [email, name] of users) {
      const add = runAuthrs(dir, ["user", "add", email, "--name", name], env, `${PASSWORD}\n`);
      if (add.status !== 0) {
        throw new Error(`authrs user add failed (${add.status}):\n${add.stdout}${add.stderr}`);
      }
    }
    started = startChild(
      authrsBin,
      ["serve", "--bind", "127.0.0.1:0"],
      { cwd: dir, env },
      "stderr",
      /listening on http:\/\/127\.0\.0\.1:(\d+)/,
      `authrs serve (${generation})`,
    );
    await started.matched;
  } catch (error) {
    if (started) await stopChild(started.child);
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const match = await started.matched;
  return {
    origin: `http://localhost:${match[1]}`,
    mailFile,
    log: started.log,
    async stop() {
      await stopChild(started.child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// --- passkeys ------------------------------------------------------------------------------

/**
 * A virtual platform authenticator (Chromium's DevTools protocol) for `page`'s tab: resident
 * keys, user verification, as a phone or laptop has. Returns a function that lists its
 * credentials.
 */
async function virtualAuthenticator(context, page) {
  const cdp = await context.newCDPSession(page);
  await cdp.send("WebAuthn.enable", { enableUI: false });
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      ctap2Version: "ctap2_1",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;
}

/**
 * A tab of the app at `app` with a virtual authenticator, signed in with the password (a
 * recent sign-in, which adding a passkey needs).
 */
async function passkeyTab(newContext, app, watchConsole) {
  const passkeyContext = await newContext();
  const tab = await passkeyContext.newPage();
  watchConsole(tab);
  const credentials = await virtualAuthenticator(passkeyContext, tab);
  await tab.goto(app);
  await waitForStatus(tab, "unauthenticated");
  await signInWithPassword(tab, PASSWORD);
  await waitForStatus(tab, "authenticated");
  return { passkeyContext, tab, credentials };
}

/** The newest sign-in link mailed to `to`, waiting for it. */
async function mailedLink(mailFile, to, count = 1) {
  const deadline = Date.now() + TIMEOUT;
  let links = [];
  while (links.length < count && Date.now() < deadline) {
    links = mailedLinks(mailFile, to);
    if (links.length < count) await new Promise((done) => setTimeout(done, 100));
  }
  assert(links.length >= count, `${links.length} sign-in links mailed to ${to}`);
  return links.at(-1);
}

// --- the mail file --------------------------------------------------------------------------

/** The sign-in links mailed to `to`, oldest first. */
function mailedLinks(mailFile, to) {
  if (!existsSync(mailFile)) return [];
  const text = readFileSync(mailFile, "utf8");
  return text
    .split("\n")
    .map((line) => line.split("\t"))
    .filter((fields) => fields[0] === "sign-in" && fields[1] === to)
    .map((fields) => fields[2]);
}

// --- checks ---------------------------------------------------------------------------------

let failures = 0;
let passes = 0;

async function check(generation, name, body) {
  const started = Date.now();
  try {
    const detail = await body();
    passes += 1;
    console.log(`PASS ${generation} ${name}${detail ? ` (${detail})` : ""} [${Date.now() - started} ms]`);
    return true;
  } catch (error) {
    failures += 1;
    const message = String(error?.message ?? error).split("\n").slice(0, 6).join("\n     ");
    console.log(`FAIL ${generation} ${name}: ${message}`);
    return false;
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

const TIMEOUT = 15_000;

async function text(page, testId) {
  return (await page.getByTestId(testId).textContent())?.trim() ?? "";
}

/** Waits until the page's `testId` text satisfies `predicate`; the last text on timeout. */
async function waitForText(page, testId, predicate, what) {
  const deadline = Date.now() + TIMEOUT;
  let last;
  while (Date.now() < deadline) {
    try {
      last = await text(page, testId);
      if (predicate(last)) return last;
    } catch (error) {
      last = `(${error.message.split("\n")[0]})`;
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${what}: data-testid=${testId} is ${JSON.stringify(last)}`);
}

const waitForStatus = (page, status) =>
  waitForText(page, "status", (value) => value === status, `status is not ${status}`);

/** The value a button's call returned, shown as `<name>: <json>` in data-testid=result. */
async function callResult(page, button, name) {
  await page.getByTestId(button).click();
  const shown = await waitForText(
    page,
    "result",
    (value) => value.startsWith(`${name}:`) || value.startsWith(`${name} threw`),
    `${name}() did not return`,
  );
  assert(!shown.startsWith(`${name} threw`), shown);
  const json = shown.slice(name.length + 1).trim();
  return json === "undefined" ? undefined : JSON.parse(json);
}

/**
 * Records each value the status element of `page` shows, from the first render of every
 * document the page loads (a change of value is one entry).
 */
async function recordStatuses(page) {
  const statuses = [];
  await page.exposeFunction("__status", (value) => {
    if (statuses.at(-1) !== value) statuses.push(value);
  });
  await page.addInitScript(() => {
    new MutationObserver(() => {
      const value = document.querySelector('[data-testid="status"]')?.textContent?.trim();
      if (value !== undefined) window.__status(value);
    }).observe(document, { subtree: true, childList: true, characterData: true });
  });
  return statuses;
}

/**
 * Opens `url` in a new page of `context`; the statuses it showed from the first render on, and
 * its own requests to /api/auth/session.
 */
async function firstRender(context, url, watchConsole) {
  const page = await context.newPage();
  watchConsole(page);
  const sessionRequests = [];
  page.on("request", (request) => {
    if (new URL(request.url()).pathname === "/api/auth/session") sessionRequests.push(request.method());
  });
  const statuses = await recordStatuses(page);
  await page.goto(url);
  await waitForText(page, "status", (v) => v === "authenticated" || v === "unauthenticated", "no status");
  // Long enough for a fetch on start to have come back and shown.
  await page.waitForTimeout(500);
  return { page, statuses: [...statuses], sessionRequests };
}

/** The server seeds the page: the first render is `expected`, with no request for it. */
async function checkSeeded(context, origin, expected, watchConsole) {
  const seeded = await firstRender(context, `${origin}/`, watchConsole);
  await seeded.page.close();
  assert(
    JSON.stringify(seeded.statuses) === JSON.stringify([expected]),
    `the seeded page showed ${JSON.stringify(seeded.statuses)}`,
  );
  assert(
    seeded.sessionRequests.length === 0,
    `the seeded page requested /session: ${seeded.sessionRequests.join(", ")}`,
  );
  // The same app from the file itself (no seed) shows loading first and fetches: the
  // recording above would have seen it.
  const plain = await firstRender(context, `${origin}/index.html`, watchConsole);
  await plain.page.close();
  assert(
    JSON.stringify(plain.statuses) === JSON.stringify(["loading", expected]),
    `without the seed the page showed ${JSON.stringify(plain.statuses)}`,
  );
  assert(plain.sessionRequests.length >= 1, "without the seed the page did not fetch /session");
  return `seeded ${JSON.stringify(seeded.statuses)}, unseeded ${JSON.stringify(plain.statuses)}`;
}

/** Signs out with a POST that no client sees, so no tab is told. */
async function signOutBehindTheTabsBack(page) {
  await page.evaluate(async () => {
    const { csrfToken } = await (await fetch("/api/auth/csrf")).json();
    const body = new URLSearchParams({ csrfToken, json: "true" });
    await fetch("/api/auth/signout", { method: "POST", body });
  });
}

/**
 * A Leptos tab (`page`, signed in) and a tab of next-auth `generation`'s React app (at
 * /react/ on the same origin) follow each other's sign-in and sign-out, both ways.
 */
async function checkTabsFollow(context, page, origin, generation, watchConsole) {
  const react = await context.newPage();
  watchConsole(react);
  await react.goto(`${origin}/react/`);
  await waitForText(react, "generation", (v) => v === generation, `/react/ is not the ${generation} app`);
  await waitForStatus(react, "authenticated");
  // Rust signs out: the React tab hears `signout`.
  await callResult(page, "signout", "signOut");
  await waitForStatus(page, "unauthenticated");
  await waitForStatus(react, "unauthenticated");
  // Rust signs in: the React tab hears `getSession`.
  await signInWithPassword(page, PASSWORD);
  await waitForStatus(page, "authenticated");
  await waitForStatus(react, "authenticated");
  // The React tab signs out: the Leptos tab follows.
  await callResult(react, "signout", "signOut");
  await waitForStatus(react, "unauthenticated");
  await waitForStatus(page, "unauthenticated");
  // The React tab signs in (which tells no tab) and calls getSession() (which does).
  await signInWithPassword(react, PASSWORD);
  await waitForStatus(react, "authenticated");
  await callResult(react, "get-session", "getSession");
  await waitForStatus(page, "authenticated");
  await react.close();
  return "signout and getSession, both ways";
}

async function signInWithPassword(page, password, email = USER) {
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill(password);
  return callResult(page, "signin-credentials", "signIn");
}

async function runGeneration(browser, generation, issuer) {
  const server = await startAuthrs(generation, issuer);
  const app = `${server.origin}/`;
  console.log(`---- next-auth ${generation} client, authrs at ${server.origin}`);
  const contexts = [];
  const newContext = async (options = {}) => {
    const context = await browser.newContext(options);
    context.setDefaultTimeout(TIMEOUT);
    contexts.push(context);
    return context;
  };
  const consoleErrors = [];
  const watchConsole = (page) => {
    page.on("pageerror", (error) => consoleErrors.push(`pageerror: ${error.message}`));
    page.on("console", (message) => {
      if (message.type() === "error") consoleErrors.push(`console: ${message.text()}`);
    });
  };
  try {
    const context = await newContext();
    const page = await context.newPage();
    watchConsole(page);
    const g = generation;

    await check(g, "initial state is unauthenticated", async () => {
      const response = await page.goto(app);
      assert(response.ok(), `GET / answered ${response.status()}`);
      const type = response.headers()["content-type"] ?? "";
      assert(type.startsWith("text/html"), `GET / is ${type}, not the app`);
      await waitForStatus(page, "unauthenticated");
      assert((await text(page, "user-email")) === "", "a user email is shown");
    });

    if (generation === "leptos-v5") {
      // The Leptos app against a server in v5 mode, beside next-auth v5's React app, which
      // talks on a broadcast channel instead of the storage key.
      await check(g, "credentials sign-in updates the session without reload", async () => {
        const result = await signInWithPassword(page, PASSWORD);
        assert(result && !result.error, `signIn returned ${JSON.stringify(result)}`);
        await waitForStatus(page, "authenticated");
      });
      await check(g, "a Leptos tab and a next-auth v5 tab follow each other", () =>
        checkTabsFollow(context, page, server.origin, "v5", watchConsole),
      );
      await check(g, "passkeys from Leptos: register_passkey, then sign_in_passkey with no address (CDP virtual authenticator)", async () => {
        const { passkeyContext, tab, credentials } = await passkeyTab(newContext, app, watchConsole);
        const registered = await callResult(tab, "register-passkey", "registerPasskey");
        assert(registered?.url?.startsWith(server.origin), `register_passkey gave ${JSON.stringify(registered)}`);
        assert((await credentials()).length === 1, "the authenticator holds no passkey");
        await tab.getByTestId("signout").click();
        await waitForStatus(tab, "unauthenticated");
        const signedIn = await callResult(tab, "signin-passkey", "signInPasskey");
        assert(signedIn?.url?.startsWith(server.origin), `sign_in_passkey gave ${JSON.stringify(signedIn)}`);
        await waitForStatus(tab, "authenticated");
        const email = await text(tab, "user-email");
        assert(email === USER, `user email is ${email}`);
        await passkeyContext.close();
        return `signed in as ${email}`;
      });
      await check(g, "no errors in the browser console", async () => {
        assert(consoleErrors.length === 0, consoleErrors.join("\n"));
      });
      return;
    }

    if (generation === "leptos") {
      await check(g, "signed out: the server-seeded page is known at once", () =>
        checkSeeded(context, server.origin, "unauthenticated", watchConsole),
      );
    }

    await check(g, "an unknown path serves the app (index.html)", async () => {
      const deep = await context.newPage();
      const response = await deep.goto(`${server.origin}/some/client/route?x=1`);
      assert(response.ok(), `GET /some/client/route answered ${response.status()}`);
      await waitForStatus(deep, "unauthenticated");
      await deep.close();
    });

    await check(g, "providers list has email-password, email, oidc", async () => {
      const providers = await waitForText(page, "providers", (v) => v !== "", "no providers");
      for (const id of ["email-password", "email", "oidc"]) {
        assert(providers.split(",").includes(id), `providers are ${providers}`);
      }
      return providers;
    });

    await check(g, "CSRF token present", async () => {
      const token = await waitForText(page, "csrf-token", (v) => v.length >= 16, "no CSRF token");
      return `${token.length} characters`;
    });

    await check(g, "wrong password gives CredentialsSignin", async () => {
      const result = await signInWithPassword(page, "not the password");
      assert(result?.error === "CredentialsSignin", `signIn returned ${JSON.stringify(result)}`);
      await waitForStatus(page, "unauthenticated");
      return JSON.stringify(result);
    });

    await check(g, "credentials sign-in updates the session without reload", async () => {
      await page.evaluate(() => {
        window.__notReloaded = true;
      });
      const result = await signInWithPassword(page, PASSWORD);
      assert(result && !result.error, `signIn returned ${JSON.stringify(result)}`);
      await waitForStatus(page, "authenticated");
      const email = await text(page, "user-email");
      assert(email === USER, `user email is ${email}`);
      assert(await page.evaluate(() => window.__notReloaded === true), "the page was reloaded");
      await page.screenshot({ path: join(screenshots, `${g}-app-signed-in.png`), fullPage: true });
      return JSON.stringify(result);
    });

    await check(g, "getSession() returns the user", async () => {
      const session = await callResult(page, "get-session", "getSession");
      assert(session?.user?.email === USER, `getSession() returned ${JSON.stringify(session)}`);
    });

    if (generation !== "v3") {
      await check(g, "update() refetches the session", async () => {
        const session = await callResult(page, "update", "update");
        assert(session?.user?.email === USER, `update() returned ${JSON.stringify(session)}`);
        await waitForText(page, "updates", (v) => v === "1", "update() did not complete");
        await waitForStatus(page, "authenticated");
      });
    }

    await check(g, "session survives reload", async () => {
      await page.reload();
      await waitForStatus(page, "authenticated");
      const email = await text(page, "user-email");
      assert(email === USER, `user email is ${email}`);
    });

    if (generation === "leptos") {
      await check(g, "signed in: the server-seeded page renders the user with no flicker", () =>
        checkSeeded(context, server.origin, "authenticated", watchConsole),
      );

      await check(g, "a Leptos tab and a next-auth v4 tab follow each other", () =>
        checkTabsFollow(context, page, server.origin, "v4", watchConsole),
      );

      await check(g, "use_required_session sends a signed-out visitor to sign in, and back", async () => {
        const visitor = await (await newContext()).newPage();
        watchConsole(visitor);
        const statuses = await recordStatuses(visitor);
        await Promise.all([
          visitor.waitForURL((url) => url.pathname === "/api/auth/signin"),
          visitor.goto(`${server.origin}/account`),
        ]);
        const url = new URL(visitor.url());
        assert(url.searchParams.get("error") === "SessionRequired", `landed on ${url}`);
        assert(
          url.searchParams.get("callbackUrl") === `${server.origin}/account`,
          `callbackUrl is ${url.searchParams.get("callbackUrl")}`,
        );
        assert(!statuses.includes("unauthenticated"), `/account showed ${statuses.join(", ")}`);
        // The built-in page signs in and comes back.
        const form = visitor.locator('form[action$="/callback/email-password"]');
        await form.locator('input[name="email"]').fill(USER);
        await form.locator('input[name="password"]').fill(PASSWORD);
        await Promise.all([
          visitor.waitForURL((back) => back.pathname === "/account"),
          form.locator("button").first().click(),
        ]);
        await waitForStatus(visitor, "authenticated");
        assert((await text(visitor, "user-email")) === USER, "no user on /account");
        return `/account showed ${JSON.stringify(statuses)}`;
      });

      await check(g, "the refetch interval (5 minutes) notices a session ended elsewhere", async () => {
        const timed = await (await newContext()).newPage();
        watchConsole(timed);
        await timed.clock.install();
        await timed.goto(app);
        await waitForStatus(timed, "unauthenticated");
        await signInWithPassword(timed, PASSWORD);
        await waitForStatus(timed, "authenticated");
        await signOutBehindTheTabsBack(timed);
        // The page's clock is Playwright's: no timer is due before 5 minutes, none fires.
        await timed.clock.fastForward("04:50");
        assert((await text(timed, "status")) === "authenticated", "refetched before the interval");
        await timed.clock.fastForward("00:20");
        await waitForStatus(timed, "unauthenticated");
      });

      await check(g, "becoming visible refetches the session", async () => {
        await signOutBehindTheTabsBack(page);
        await page.waitForTimeout(300);
        assert((await text(page, "status")) === "authenticated", "refetched with no trigger");
        await page.evaluate(() => document.dispatchEvent(new Event("visibilitychange")));
        await waitForStatus(page, "unauthenticated");
        await signInWithPassword(page, PASSWORD);
        await waitForStatus(page, "authenticated");
      });
    }

    await check(g, "sign-out in one tab updates the other tab", async () => {
      const other = await context.newPage();
      watchConsole(other);
      await other.goto(app);
      await waitForStatus(other, "authenticated");
      await callResult(page, "signout", "signOut");
      await waitForStatus(page, "unauthenticated");
      await waitForStatus(other, "unauthenticated");
      await other.close();
    });

    await check(g, "signIn() without a provider opens the built-in sign-in page", async () => {
      await page.goto(app);
      await waitForStatus(page, "unauthenticated");
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/api/auth/signin"),
        page.getByTestId("signin-default").click(),
      ]);
      await page.waitForLoadState("load");
      const url = new URL(page.url());
      const callbackUrl = url.searchParams.get("callbackUrl");
      assert(callbackUrl?.startsWith(server.origin), `callbackUrl is ${callbackUrl}`);
      await page.screenshot({ path: join(screenshots, `${g}-signin-page.png`), fullPage: true });
      return url.pathname + url.search;
    });

    await check(g, "built-in sign-in form works without JavaScript", async () => {
      const noJs = await newContext({ javaScriptEnabled: false });
      const plain = await noJs.newPage();
      await plain.goto(`${server.origin}/api/auth/signin?callbackUrl=${encodeURIComponent(app)}`);
      const form = plain.locator('form[action$="/callback/email-password"]');
      assert((await form.count()) === 1, "no form posting to /callback/email-password");
      await form.locator('input[name="email"]').fill(USER);
      await form.locator('input[name="password"]').fill(PASSWORD);
      await Promise.all([
        plain.waitForNavigation(),
        form.locator('button[type="submit"], button:not([type]), input[type="submit"]').first().click(),
      ]);
      const landed = plain.url();
      const session = await (await plain.goto(`${server.origin}/api/auth/session`)).json();
      assert(session?.user?.email === USER, `session is ${JSON.stringify(session)} (after ${landed})`);
      return `landed on ${new URL(landed).pathname}`;
    });

    await check(g, "email sign-in: verify-request, then the mailed link's confirm page", async () => {
      const mailContext = await newContext();
      const mailPage = await mailContext.newPage();
      watchConsole(mailPage);
      const to = "grace@example.com";
      await mailPage.goto(app);
      await waitForStatus(mailPage, "unauthenticated");
      await mailPage.getByTestId("email").fill(to);
      await Promise.all([
        mailPage.waitForURL((url) => url.pathname === "/api/auth/verify-request"),
        mailPage.getByTestId("signin-email").click(),
      ]);
      await mailPage.screenshot({ path: join(screenshots, `${g}-verify-request.png`) });
      let links = [];
      const deadline = Date.now() + TIMEOUT;
      while (links.length === 0 && Date.now() < deadline) {
        links = mailedLinks(server.mailFile, to);
        if (links.length === 0) await new Promise((done) => setTimeout(done, 100));
      }
      assert(links.length === 1, `${links.length} sign-in links mailed to ${to}`);
      await mailPage.goto(links[0]);
      const buttons = mailPage.locator("button, input[type=submit]");
      assert((await buttons.count()) === 1, `the confirm page has ${await buttons.count()} buttons`);
      await mailPage.screenshot({ path: join(screenshots, `${g}-email-confirm.png`) });
      const backAtApp = mailPage.waitForResponse((response) => {
        const url = new URL(response.url());
        return response.request().isNavigationRequest() && !url.pathname.startsWith("/api/auth/");
      });
      await buttons.first().click();
      assert((await backAtApp).ok(), "the app page did not load after the confirm button");
      await waitForStatus(mailPage, "authenticated");
      const email = await text(mailPage, "user-email");
      assert(email === to, `user email is ${email}`);
      return `back on ${new URL(mailPage.url()).pathname}`;
    });

    await check(g, "OAuth sign-in through the OpenID provider", async () => {
      const oauthContext = await newContext();
      const oauthPage = await oauthContext.newPage();
      watchConsole(oauthPage);
      await oauthPage.goto(app);
      await waitForStatus(oauthPage, "unauthenticated");
      // The provider answers with redirects only (its interaction completes by itself), so its
      // pages are never shown: the navigation requests say where the browser went.
      const visited = [];
      oauthPage.on("request", (request) => {
        if (request.isNavigationRequest()) visited.push(request.url());
      });
      // The last navigation: the callback's redirect back to the app (not under /api/auth/).
      const backAtApp = oauthPage.waitForResponse((response) => {
        const url = new URL(response.url());
        return (
          response.request().isNavigationRequest() &&
          url.origin === server.origin &&
          !url.pathname.startsWith("/api/auth/") &&
          visited.some((visit) => visit.startsWith(`${issuer}/`))
        );
      });
      await oauthPage.getByTestId("signin-oidc").click();
      const landed = await backAtApp;
      assert(landed.ok(), `the app page answered ${landed.status()}`);
      assert(
        visited.some((visit) => visit.startsWith(`${server.origin}/api/auth/callback/oidc?`)),
        `no callback to authrs among ${visited.join(", ")}`,
      );
      await waitForStatus(oauthPage, "authenticated");
      const email = await text(oauthPage, "user-email");
      assert(email === oidcAccount.email, `user email is ${email}`);
      await oauthPage.screenshot({ path: join(screenshots, `${g}-app-oauth.png`), fullPage: true });
      const path = visited.map((visit) => {
        const url = new URL(visit);
        return url.origin === issuer ? `provider ${url.pathname}` : url.pathname;
      });
      return path.join(" -> ");
    });

    if (["v3", "v4", "v5"].includes(generation)) await check(g, "two-step sign-in: signIn(redirect: false) gives TwoFactorRequired and no session; the code signs in", async () => {
      const secret = await enrolTwoStep(newContext, server.origin, TWO_STEP_USER);
      const twoStepContext = await newContext();
      const twoStep = await twoStepContext.newPage();
      watchConsole(twoStep);
      await twoStep.goto(app);
      await waitForStatus(twoStep, "unauthenticated");
      const result = await signInWithPassword(twoStep, PASSWORD, TWO_STEP_USER);
      assert(result?.error === "TwoFactorRequired", `signIn returned ${JSON.stringify(result)}`);
      assert(result.ok === false && result.status === 401, `signIn returned ${JSON.stringify(result)}`);
      await waitForStatus(twoStep, "unauthenticated");
      const session = await (await twoStep.request.get(`${server.origin}/api/auth/session`)).json();
      assert(!session?.user, `a session before the second step: ${JSON.stringify(session)}`);
      // The built-in second step, as the error's page: the code of the next step.
      await twoStep.goto(`${server.origin}/api/auth/two-factor`);
      await twoStep.locator("#two-factor-code").fill(totp(secret, 1));
      await Promise.all([
        twoStep.waitForURL((url) => !url.pathname.startsWith("/api/auth/")),
        twoStep.locator('form[action$="/two-factor"] button[type=submit]').click(),
      ]);
      await waitForStatus(twoStep, "authenticated");
      const email = await text(twoStep, "user-email");
      assert(email === TWO_STEP_USER, `user email is ${email}`);
      await twoStepContext.close();
      return JSON.stringify(result);
    });

    if (generation === "v5") await check(g, "passkeys: signIn(\"passkey\") from next-auth/webauthn registers, then signs in with no address", async () => {
      const { passkeyContext, tab, credentials } = await passkeyTab(newContext, app, watchConsole);
      // Registration: the signed-in user adds a passkey (Auth.js's `action: "register"`).
      const registered = await tab.evaluate(() =>
        window.__passkeySignIn("passkey", { action: "register", redirect: false }),
      );
      assert(registered?.ok === true && !registered.error, `register returned ${JSON.stringify(registered)}`);
      const held = await credentials();
      assert(held.length === 1 && held[0].isResidentCredential, `the authenticator holds ${JSON.stringify(held)}`);
      // Signed out, then authentication with no address: the authenticator finds the passkey.
      await Promise.all([
        waitForStatus(tab, "unauthenticated"),
        tab.getByTestId("signout").click(),
      ]);
      const signedIn = await tab.evaluate(() => window.__passkeySignIn("passkey", { redirect: false }));
      assert(signedIn?.ok === true && !signedIn.error, `authenticate returned ${JSON.stringify(signedIn)}`);
      await waitForStatus(tab, "authenticated");
      const email = await text(tab, "user-email");
      assert(email === USER, `user email is ${email}`);
      await passkeyContext.close();
      return `signed in as ${email}`;
    });

    await check(g, "no errors in the browser console", async () => {
      // Expected: the 401 of the wrong password, logged by Chromium as a failed resource.
      const unexpected = consoleErrors.filter(
        (line) => !/Failed to load resource: the server responded with a status of 401/.test(line),
      );
      assert(unexpected.length === 0, unexpected.join("\n"));
    });
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${generation} (suite stopped): ${error.stack ?? error}`);
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
    if (failures > 0) {
      const log = server.log.join("").split("\n").slice(-40).join("\n");
      console.log(`---- authrs (${generation}) log, last lines:\n${log}`);
    }
    await server.stop();
  }
}

// --- the built-in pages ----------------------------------------------------------------------

/** How a page lays out: its `lang` and `dir`, and whether anything is wider than the window. */
async function layout(page) {
  return page.evaluate(() => ({
    lang: document.documentElement.lang,
    dir: document.documentElement.dir,
    overflow: document.documentElement.scrollWidth > window.innerWidth,
    title: document.title,
  }));
}

/**
 * The built-in pages as users see them: each language the browser asks for, light and dark,
 * desktop and phone width, with a screenshot of each; the language a page's `?lang=` chose is
 * kept; and the sign-in page's one address field sends a link without JavaScript.
 */
async function runPages(browser, issuer) {
  const g = "pages";
  const server = await startAuthrs(g, issuer);
  const contexts = [];
  const newContext = async (options) => {
    const context = await browser.newContext(options);
    contexts.push(context);
    return context;
  };
  const languages = [
    { tag: "en", dir: "ltr", heading: "Sign in" },
    { tag: "de", dir: "ltr", heading: "Anmelden" },
    { tag: "ja", dir: "ltr", heading: "ログイン" },
    { tag: "ar", dir: "rtl", heading: "تسجيل الدخول" },
  ];
  const looks = [
    { name: "light", colorScheme: "light", viewport: { width: 1024, height: 900 } },
    { name: "dark", colorScheme: "dark", viewport: { width: 1024, height: 900 } },
    { name: "mobile", colorScheme: "light", viewport: { width: 375, height: 812 }, isMobile: true },
  ];
  const signIn = `${server.origin}/api/auth/signin?callbackUrl=${encodeURIComponent(`${server.origin}/`)}`;
  try {
    for (const language of languages) {
      for (const look of looks) {
        await check(g, `sign-in page in ${language.tag}, ${look.name}`, async () => {
          const context = await newContext({
            colorScheme: look.colorScheme,
            viewport: look.viewport,
            isMobile: look.isMobile ?? false,
            extraHTTPHeaders: { "Accept-Language": `${language.tag},en;q=0.5` },
          });
          const page = await context.newPage();
          await page.goto(signIn);
          const shown = await layout(page);
          assert(shown.lang === language.tag, `lang is ${shown.lang}`);
          assert(shown.dir === language.dir, `dir is ${shown.dir}`);
          assert(!shown.overflow, "the page is wider than the window");
          const heading = (await page.locator("h1").textContent()).trim();
          assert(heading === language.heading, `the heading is ${heading}`);
          // The details open, so the screenshot shows every form.
          await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
          await page.screenshot({
            path: join(screenshots, `pages-signin-${language.tag}-${look.name}.png`),
            fullPage: true,
          });
          await context.close();
        });
      }
      await check(g, `the other pages in ${language.tag}`, async () => {
        const context = await newContext({
          extraHTTPHeaders: { "Accept-Language": language.tag },
          viewport: { width: 1024, height: 700 },
        });
        const page = await context.newPage();
        const shots = [];
        for (const [name, path] of [
          ["signout", "/api/auth/signout"],
          ["error", "/api/auth/error?error=Verification"],
          ["verify-request", "/api/auth/verify-request?provider=email&type=email"],
        ]) {
          await page.goto(`${server.origin}${path}`);
          const shown = await layout(page);
          assert(shown.lang === language.tag && shown.dir === language.dir, `${name}: ${JSON.stringify(shown)}`);
          await page.screenshot({ path: join(screenshots, `pages-${name}-${language.tag}.png`), fullPage: true });
          shots.push(name);
        }
        await context.close();
        return shots.join(", ");
      });
    }

    await check(g, "a language chosen with ?lang= is kept on the next page", async () => {
      const context = await newContext({ extraHTTPHeaders: { "Accept-Language": "de" } });
      const page = await context.newPage();
      await page.goto(`${signIn}&lang=ar`);
      assert((await layout(page)).dir === "rtl", "not right to left");
      await page.goto(`${server.origin}/api/auth/signout`);
      const shown = await layout(page);
      assert(shown.lang === "ar" && shown.dir === "rtl", JSON.stringify(shown));
      await context.close();
    });

    /** A new browser (JavaScript off: the pages need none) signed in as `email`. */
    /** Signs `page` in as `email` with the password on the built-in page; lands on the account page. */
    const passwordOnPage = async (page, email) => {
      await page.goto(`${server.origin}/api/auth/signin?callbackUrl=${encodeURIComponent(`${server.origin}/api/auth/account`)}`);
      await page.locator("#signin-email").fill(email);
      await page.locator("#signin-password").fill(PASSWORD);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/api/auth/account"),
        page.locator('form[action$="/callback/email-password"] button:not([formaction])').click(),
      ]);
    };
    const signedIn = async (email, options = {}) => {
      const context = await newContext({ javaScriptEnabled: false, ...options });
      const page = await context.newPage();
      await passwordOnPage(page, email);
      return { context, page };
    };
    const sessionOf = async (page) => (await page.request.get(`${server.origin}/api/auth/session`)).json();

    await check(g, "account page: light, dark, phone width and Arabic", async () => {
      // A wrong password first, from another browser: the activity list shows it failed.
      const guesser = await newContext({ javaScriptEnabled: false, userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1" });
      const guess = await guesser.newPage();
      await guess.goto(`${server.origin}/api/auth/signin`);
      await guess.locator("#signin-email").fill("sam@example.com");
      await guess.locator("#signin-password").fill("not the password");
      await Promise.all([
        guess.waitForURL((url) => url.searchParams.get("error") === "CredentialsSignin"),
        guess.locator('form[action$="/callback/email-password"] button:not([formaction])').click(),
      ]);
      await guesser.close();
      const shots = [];
      for (const look of [...looks, { name: "ar", colorScheme: "light", viewport: { width: 1024, height: 900 }, lang: "ar" }]) {
        const { context, page } = await signedIn("sam@example.com", {
          colorScheme: look.colorScheme,
          viewport: look.viewport,
          isMobile: look.isMobile ?? false,
          extraHTTPHeaders: { "Accept-Language": look.lang ?? "en" },
        });
        await page.goto(`${server.origin}/api/auth/account`);
        const shown = await layout(page);
        assert(!shown.overflow, `${look.name}: the page is wider than the window`);
        assert(shown.lang === (look.lang ?? "en"), `${look.name}: lang is ${shown.lang}`);
        const sessions = await page.locator("ul.sessions li").count();
        assert(sessions >= 1, `${look.name}: no session listed`);
        // The server writes a failure's event in the background, after the answer.
        await page.locator("ul.events li.failed").first().waitFor({ timeout: TIMEOUT });
        const failed = await page.locator("ul.events li.failed").count();
        assert(failed === 1, `${look.name}: ${failed} failed attempts listed`);
        await page.screenshot({ path: join(screenshots, `pages-account-${look.name}.png`), fullPage: true });
        shots.push(look.name);
        await context.close();
      }
      return shots.join(", ");
    });

    await check(g, "account page: signing out another session signs that browser out", async () => {
      const laptop = await signedIn("sam@example.com", { userAgent: "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0" });
      const phone = await signedIn("sam@example.com", { userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1" });
      assert((await sessionOf(phone.page))?.user?.email === "sam@example.com", "the phone is not signed in");
      await laptop.page.goto(`${server.origin}/api/auth/account`);
      const phoneRow = laptop.page.locator("ul.sessions li", { hasText: "Safari on iOS" }).first();
      await Promise.all([
        laptop.page.waitForURL((url) => url.searchParams.get("notice") === "SessionRevoked"),
        phoneRow.locator("button").click(),
      ]);
      const after = await sessionOf(phone.page);
      assert(!after?.user, `the phone still has a session: ${JSON.stringify(after)}`);
      assert((await sessionOf(laptop.page))?.user?.email === "sam@example.com", "the laptop was signed out too");
      await laptop.page.screenshot({ path: join(screenshots, "pages-account-after-revoke.png"), fullPage: true });
    });

    await check(g, "account page: changing the password", async () => {
      const { page } = await signedIn("max@example.com");
      await page.locator("#current-password").fill(PASSWORD);
      await page.locator("#new-password").fill("a brand new password");
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/api/auth/signin"),
        page.locator('form[action$="/account/change-password"] button').click(),
      ]);
      assert(page.url().includes("notice=PasswordChanged"), `landed on ${page.url()}`);
      assert(!(await sessionOf(page))?.user, "still signed in after the change");
      await page.locator("#signin-email").fill("max@example.com");
      await page.locator("#signin-password").fill("a brand new password");
      await Promise.all([
        page.waitForURL((url) => !url.pathname.startsWith("/api/auth/signin")),
        page.locator('form[action$="/callback/email-password"] button:not([formaction])').click(),
      ]);
      assert((await sessionOf(page))?.user?.email === "max@example.com", "the new password does not sign in");
    });

    await check(g, "account page: linking and unlinking an OpenID account", async () => {
      const { context, page } = await signedIn("kim@example.com");
      const visited = [];
      page.on("request", (request) => {
        if (request.isNavigationRequest()) visited.push(request.url());
      });
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/api/auth/account" && visited.some((v) => v.startsWith(issuer)), { timeout: TIMEOUT }),
        page.locator('form[action$="/signin/oidc"] button').click(),
      ]);
      await page.goto(`${server.origin}/api/auth/account`);
      const linked = page.locator('form[action$="/account/unlink"]');
      assert((await linked.count()) === 1, "the OpenID account is not listed as linked");
      await page.screenshot({ path: join(screenshots, "pages-account-linked.png"), fullPage: true });
      // The session the OAuth sign-in started knows its network, as a password one does.
      const listed = await (await page.request.get(`${server.origin}/api/auth/account/sessions`)).json();
      const current = listed.sessions.find((session) => session.current);
      assert(current?.network === "127.0.0.0/24", `the session is ${JSON.stringify(current)}`);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/api/auth/account" && !url.search.includes("error")),
        linked.locator("button").click(),
      ]);
      assert((await page.locator('form[action$="/account/unlink"]').count()) === 0, "still linked");
      assert((await page.locator('form[action$="/signin/oidc"]').count()) === 1, "no way to link it again");
      // Both are security events, with the provider's name, the latest first.
      const events = await page.locator("ul.events li strong").allTextContents();
      assert(events[0] === "Account unlinked" && events.includes("Account linked"), `events: ${JSON.stringify(events)}`);
      const stored = await (await page.request.get(`${server.origin}/api/auth/account/events`)).json();
      const kinds = stored.events.map((event) => `${event.kind}:${event.provider ?? ""}`);
      assert(kinds[0] === "account_unlinked:oidc" && kinds.includes("account_linked:oidc"), `events: ${JSON.stringify(kinds)}`);
      await context.close();
    });

    await check(g, "two-step sign-in: set up from the account page, then asked at sign-in (light, dark, phone, Arabic)", async () => {
      const { context, page } = await signedIn(TWO_STEP_USER);
      await page.locator("#two-factor-setup-password").fill(PASSWORD);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/api/auth/account/two-factor-setup"),
        page.locator('form[action$="/account/two-factor-setup"] button').click(),
      ]);
      assert((await page.locator(".qr svg").count()) === 1, "no QR code");
      await page.screenshot({ path: join(screenshots, "pages-two-factor-setup.png"), fullPage: true });
      const secret = (await page.locator("code.secret").textContent()).trim();
      await page.locator("#two-factor-code").fill(totp(secret));
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/api/auth/account/two-factor-enable"),
        page.locator('form[action$="/account/two-factor-enable"] button').click(),
      ]);
      const codes = await page.locator("ol.codes li").allTextContents();
      assert(codes.length === 10, `${codes.length} recovery codes shown`);
      await page.screenshot({ path: join(screenshots, "pages-two-factor-codes.png"), fullPage: true });
      await page.goto(`${server.origin}/api/auth/account`);
      await page.screenshot({ path: join(screenshots, "pages-account-two-factor.png"), fullPage: true });
      await context.close();

      // Signing in again asks for the second step, in each look; a recovery code passes it.
      const shots = [];
      let codeIndex = 0;
      for (const look of [...looks, { name: "ar", colorScheme: "light", viewport: { width: 1024, height: 900 }, lang: "ar" }]) {
        const again = await newContext({
          javaScriptEnabled: false,
          colorScheme: look.colorScheme,
          viewport: look.viewport,
          isMobile: look.isMobile ?? false,
          extraHTTPHeaders: { "Accept-Language": look.lang ?? "en" },
        });
        const step = await again.newPage();
        await step.goto(`${server.origin}/api/auth/signin?callbackUrl=${encodeURIComponent(`${server.origin}/api/auth/account`)}`);
        await step.locator("#signin-email").fill(TWO_STEP_USER);
        await step.locator("#signin-password").fill(PASSWORD);
        await Promise.all([
          step.waitForURL((url) => url.pathname === "/api/auth/two-factor"),
          step.locator('form[action$="/callback/email-password"] button:not([formaction])').click(),
        ]);
        assert(!(await sessionOf(step))?.user, "a session before the second step");
        const shown = await layout(step);
        assert(!shown.overflow, `${look.name}: the page is wider than the window`);
        await step.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
        await step.screenshot({ path: join(screenshots, `pages-two-factor-${look.name}.png`), fullPage: true });
        await step.locator("#two-factor-recovery").fill(codes[codeIndex]);
        codeIndex += 1;
        await Promise.all([
          step.waitForURL((url) => url.pathname === "/api/auth/account"),
          step.locator('form[action$="/two-factor"] button[type=submit]').click(),
        ]);
        assert((await sessionOf(step))?.user?.email === TWO_STEP_USER, `${look.name}: not signed in`);
        shots.push(look.name);
        await again.close();
      }
      return shots.join(", ");
    });

    await check(g, "passkeys: a new account with a passkey, then a sign-in with no address (CDP virtual authenticator)", async () => {
      const to = "pat@example.com";
      const context = await newContext({ viewport: { width: 1024, height: 900 } });
      const page = await context.newPage();
      const credentials = await virtualAuthenticator(context, page);
      await page.goto(signIn);
      await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
      assert(await page.locator('button[data-passkey="authenticate"]').isVisible(), "no passkey button");
      await page.screenshot({ path: join(screenshots, "pages-passkey-signin.png"), fullPage: true });
      await page.locator("#passkey-name").fill("Pat");
      await page.locator("#passkey-email").fill(to);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/api/auth/verify-request"),
        page.locator('form[data-passkey="sign-up"] button[type=submit]').click(),
      ]);
      assert((await credentials()).length === 1, "the authenticator holds no passkey");
      assert(!(await sessionOf(page))?.user, "a session before the address is proven");
      // The mailed link, in this browser: the account is created with its passkey.
      await page.goto(await mailedLink(server.mailFile, to));
      await Promise.all([
        page.waitForURL((url) => !url.pathname.startsWith("/api/auth/")),
        page.locator("form button[type=submit]").first().click(),
      ]);
      assert((await sessionOf(page))?.user?.email === to, "not signed in after the link");
      await page.goto(`${server.origin}/api/auth/account`);
      assert((await page.locator('input[name="credentialId"]').count()) >= 1, "the account page lists no passkey");
      await page.screenshot({ path: join(screenshots, "pages-account-passkeys.png"), fullPage: true });
      // Signed out, then "Sign in with a passkey": no address typed.
      await page.goto(`${server.origin}/api/auth/signout`);
      await Promise.all([
        page.waitForURL((url) => !url.pathname.startsWith("/api/auth/signout")),
        page.locator("form button[type=submit]").click(),
      ]);
      assert(!(await sessionOf(page))?.user, "still signed in after signing out");
      await page.goto(`${server.origin}/api/auth/signin?callbackUrl=${encodeURIComponent(`${server.origin}/api/auth/account`)}`);
      // The browser's autofill (conditional UI) may sign in as the page loads; the button
      // does otherwise.
      let how = "the autofill (conditional UI)";
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/api/auth/account"),
        page
          .locator('button[data-passkey="authenticate"]')
          .click({ timeout: 3_000 })
          .then(() => (how = "the button"), () => {}),
      ]);
      assert((await sessionOf(page))?.user?.email === to, "the passkey did not sign in");
      await context.close();

      // A password user adds a passkey with the account page's button (another device: one
      // authenticator holds one passkey per account, so the browser refuses a second there).
      const laptop = await newContext({ viewport: { width: 1024, height: 900 } });
      const tab = await laptop.newPage();
      const held = await virtualAuthenticator(laptop, tab);
      await passwordOnPage(tab, USER);
      await Promise.all([
        tab.waitForURL((url) => url.searchParams.get("notice") === "PasskeyAdded"),
        tab.locator('button[data-passkey="register"]').click(),
      ]);
      assert((await held()).length === 1, "the passkey was not made");
      assert((await tab.locator('input[name="credentialId"]').count()) === 1, "the page lists no passkey");
      await tab.screenshot({ path: join(screenshots, "pages-account-passkeys-added.png"), fullPage: true });
      // Signed out, in a browser without the autofill: "Sign in with a passkey" does it.
      await tab.goto(`${server.origin}/api/auth/signout`);
      await Promise.all([
        tab.waitForURL((url) => !url.pathname.startsWith("/api/auth/signout")),
        tab.locator("form button[type=submit]").click(),
      ]);
      await tab.addInitScript(() => {
        PublicKeyCredential.isConditionalMediationAvailable = async () => false;
      });
      await tab.goto(`${server.origin}/api/auth/signin?callbackUrl=${encodeURIComponent(`${server.origin}/api/auth/account`)}`);
      assert(!(await sessionOf(tab))?.user, "signed in before the button");
      await Promise.all([
        tab.waitForURL((url) => url.pathname === "/api/auth/account"),
        tab.locator('button[data-passkey="authenticate"]').click(),
      ]);
      assert((await sessionOf(tab))?.user?.email === USER, "the button's passkey did not sign in");
      await laptop.close();
      return `signed up, signed in with ${how}; a password user added one and signed in with the button`;
    });

    await check(g, "passkeys: the sign-in and account pages in dark, phone width and Arabic", async () => {
      const shots = [];
      for (const look of [looks[1], looks[2], { name: "ar", colorScheme: "light", viewport: { width: 1024, height: 900 }, lang: "ar" }]) {
        const context = await newContext({
          colorScheme: look.colorScheme,
          viewport: look.viewport,
          isMobile: look.isMobile ?? false,
          extraHTTPHeaders: { "Accept-Language": look.lang ?? "en" },
        });
        const page = await context.newPage();
        await virtualAuthenticator(context, page);
        await page.goto(signIn);
        await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
        const shown = await layout(page);
        assert(!shown.overflow, `${look.name}: the page is wider than the window`);
        assert(await page.locator('button[data-passkey="authenticate"]').isVisible(), `${look.name}: no passkey button`);
        await page.screenshot({ path: join(screenshots, `pages-passkey-signin-${look.name}.png`), fullPage: true });
        await context.close();
        shots.push(look.name);
      }
      return shots.join(", ");
    });

    await check(g, "account page: deleting the account", async () => {
      const { page } = await signedIn("lin@example.com");
      await page.locator("#delete-password").fill(PASSWORD);
      await Promise.all([
        page.waitForURL((url) => !url.pathname.startsWith("/api/auth/account")),
        page.locator('form[action$="/account/delete"] button').click(),
      ]);
      assert(!(await sessionOf(page))?.user, "still signed in");
      await page.goto(signIn);
      await page.locator("#signin-email").fill("lin@example.com");
      await page.locator("#signin-password").fill(PASSWORD);
      await Promise.all([
        page.waitForURL((url) => url.pathname.startsWith("/api/auth/")),
        page.locator('form[action$="/callback/email-password"] button:not([formaction])').click(),
      ]);
      assert(!(await sessionOf(page))?.user, "the deleted account signs in");
    });

    await check(g, "one address field: 'Email me a link' without JavaScript", async () => {
      const context = await newContext({ javaScriptEnabled: false });
      const page = await context.newPage();
      await page.goto(signIn);
      const to = "lin@example.com";
      // Visible ones: the passkey part is hidden without JavaScript.
      const emailFields = page.locator('.provider input[type="email"]:visible');
      assert((await emailFields.count()) === 1, `${await emailFields.count()} address fields`);
      await emailFields.fill(to);
      await Promise.all([
        page.waitForURL((url) => url.pathname === "/api/auth/verify-request"),
        page.locator("button[formaction]").click(),
      ]);
      let links = [];
      const deadline = Date.now() + TIMEOUT;
      while (links.length === 0 && Date.now() < deadline) {
        links = mailedLinks(server.mailFile, to);
        if (links.length === 0) await new Promise((done) => setTimeout(done, 100));
      }
      assert(links.length === 1, `${links.length} links mailed to ${to}`);
      await context.close();
    });
  } catch (error) {
    failures += 1;
    console.log(`FAIL ${g} (suite stopped): ${error.stack ?? error}`);
  } finally {
    for (const context of contexts) await context.close().catch(() => {});
    if (failures > 0) {
      const log = server.log.join("").split("\n").slice(-40).join("\n");
      console.log(`---- authrs (${g}) log, last lines:\n${log}`);
    }
    await server.stop();
  }
}

// --- main -----------------------------------------------------------------------------------

mkdirSync(screenshots, { recursive: true });
const provider = await startOidcProvider().catch((error) => die(error.message));
console.log(`OpenID provider at ${provider.issuer}`);
let browser;
try {
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    // Root in a container has no user namespaces for Chromium's sandbox.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking"],
  });
  console.log(`Chromium ${browser.version()} (${chromiumPath})`);
  for (const generation of generations) {
    const run =
      generation === "pages"
        ? runPages(browser, provider.issuer)
        : runGeneration(browser, generation, provider.issuer);
    await run.catch((error) => {
      failures += 1;
      console.log(`FAIL ${generation} could not start: ${error.message}`);
    });
  }
} catch (error) {
  failures += 1;
  console.log(`FAIL the suite could not run: ${error.stack ?? error}`);
} finally {
  await browser?.close().catch(() => {});
  // The provider exits when its stdin closes.
  provider.child.stdin.end();
  const exited = once(provider.child, "exit");
  const timeout = new Promise((done) => setTimeout(done, 5_000));
  if ((await Promise.race([exited.then(() => true), timeout])) !== true) {
    await stopChild(provider.child).catch(() => {});
  }
}
console.log(`${passes} passed, ${failures} failed; screenshots in ${screenshots}`);
process.exit(failures > 0 ? 1 : 0);
