// The app of the next-auth v4 and v5 clients, whose React surface is the same
// (`SessionProvider`, `useSession()` as `{ data, status, update }`): each generation's main.jsx
// passes its own `next-auth/react` module.
import { createRoot } from "react-dom/client";
import { Page } from "./Page.jsx";

export function renderApp(generation, client) {
  const { SessionProvider, useSession, signIn, signOut, getSession, getProviders, getCsrfToken } =
    client;
  function App() {
    const { data, status, update } = useSession();
    const api = { signIn, signOut, getSession, getProviders, getCsrfToken, update };
    return <Page generation={generation} status={status} session={data} api={api} />;
  }
  createRoot(document.getElementById("root")).render(
    <SessionProvider>
      <App />
    </SessionProvider>,
  );
}
