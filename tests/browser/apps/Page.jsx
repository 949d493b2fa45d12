// The one page every app renders, whatever the next-auth generation: the session state with
// stable data-testids, and buttons that call the client's functions. Each app (v3/, v4/, v5/)
// passes its own client's functions and session state in; run.mjs drives the page.
import { useEffect, useState } from "react";
import "./style.css";

function show(value) {
  return value === undefined ? "undefined" : JSON.stringify(value);
}

export function Page({ generation, status, session, api }) {
  const [providers, setProviders] = useState(null);
  const [csrfToken, setCsrfToken] = useState(null);
  const [email, setEmail] = useState("ada@example.com");
  const [password, setPassword] = useState("");
  const [result, setResult] = useState(null);
  const [fetched, setFetched] = useState(null);
  const [updates, setUpdates] = useState(0);

  useEffect(() => {
    api.getProviders().then((value) => setProviders(value ?? {}));
    api.getCsrfToken().then((value) => setCsrfToken(value ?? ""));
  }, []);

  async function run(name, action) {
    setResult(null);
    try {
      setResult(`${name}: ${show(await action())}`);
    } catch (error) {
      setResult(`${name} threw: ${error?.message ?? error}`);
    }
  }

  return (
    <main>
      <h1>
        next-auth <span data-testid="generation">{generation}</span> client
      </h1>
      <dl>
        <dt>status</dt>
        <dd data-testid="status">{status}</dd>
        <dt>user email</dt>
        <dd data-testid="user-email">{session?.user?.email ?? ""}</dd>
        <dt>user name</dt>
        <dd data-testid="user-name">{session?.user?.name ?? ""}</dd>
        <dt>session expires</dt>
        <dd data-testid="session-expires">{session?.expires ?? ""}</dd>
        <dt>providers</dt>
        <dd data-testid="providers">
          {providers === null ? "" : Object.keys(providers).sort().join(",")}
        </dd>
        <dt>CSRF token</dt>
        <dd data-testid="csrf-token" style={{ wordBreak: "break-all" }}>
          {csrfToken ?? ""}
        </dd>
      </dl>
      <p>
        <input
          data-testid="email"
          aria-label="email"
          value={email}
          onChange={(event) => setEmail(event.target.value)}
        />{" "}
        <input
          data-testid="password"
          aria-label="password"
          type="password"
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </p>
      <p style={{ display: "flex", flexWrap: "wrap", gap: "0.5rem" }}>
        <button
          data-testid="signin-credentials"
          onClick={() =>
            run("signIn", () =>
              api.signIn("email-password", { redirect: false, email, password }),
            )
          }
        >
          Sign in with password
        </button>
        <button data-testid="signin-default" onClick={() => api.signIn()}>
          Sign in (built-in page)
        </button>
        <button data-testid="signin-email" onClick={() => api.signIn("email", { email })}>
          Sign in by email
        </button>
        <button data-testid="signin-oidc" onClick={() => api.signIn("oidc")}>
          Sign in with OpenID
        </button>
        <button
          data-testid="signout"
          onClick={() => run("signOut", () => api.signOut({ redirect: false }))}
        >
          Sign out
        </button>
        <button data-testid="get-session" onClick={() => run("getSession", () => api.getSession())}>
          getSession()
        </button>
        {api.update && (
          <button
            data-testid="update"
            onClick={() =>
              run("update", async () => {
                const value = await api.update();
                setUpdates((count) => count + 1);
                return value;
              })
            }
          >
            update()
          </button>
        )}
      </p>
      <pre data-testid="result" style={{ whiteSpace: "pre-wrap", wordBreak: "break-all" }}>
        {result ?? ""}
      </pre>
      {api.update && (
        <p>
          update() calls: <span data-testid="updates">{updates}</span>
        </p>
      )}
    </main>
  );
}
