// next-auth 3.29: `Provider`, `useSession()` as `[session, loading]`, `signin`/`signout`.
import { createRoot } from "react-dom/client";
import {
  Provider,
  getCsrfToken,
  getProviders,
  getSession,
  signin,
  signout,
  useSession,
} from "next-auth-v3/client";
import { Page } from "../Page.jsx";

const api = { signIn: signin, signOut: signout, getSession, getProviders, getCsrfToken };

function App() {
  const [session, loading] = useSession();
  const status = loading ? "loading" : session ? "authenticated" : "unauthenticated";
  return <Page generation="v3" status={status} session={session} api={api} />;
}

createRoot(document.getElementById("root")).render(
  <Provider session={undefined}>
    <App />
  </Provider>,
);
