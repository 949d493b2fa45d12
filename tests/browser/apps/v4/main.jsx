// next-auth 4: `SessionProvider`, `useSession()` as `{ data, status, update }`.
import { createRoot } from "react-dom/client";
import {
  SessionProvider,
  getCsrfToken,
  getProviders,
  getSession,
  signIn,
  signOut,
  useSession,
} from "next-auth-v4/react";
import { Page } from "../Page.jsx";

function App() {
  const { data, status, update } = useSession();
  const api = { signIn, signOut, getSession, getProviders, getCsrfToken, update };
  return <Page generation="v4" status={status} session={data} api={api} />;
}

createRoot(document.getElementById("root")).render(
  <SessionProvider>
    <App />
  </SessionProvider>,
);
