// next-auth 5 (Auth.js): `next-auth/react`, the same surface as v4, and `next-auth/webauthn`'s
// `signIn("passkey")` for the passkey checks (called from the test through `window`).
import * as client from "next-auth-v5/react";
import { signIn as passkeySignIn } from "next-auth-v5/webauthn";
import { renderApp } from "../react-app.jsx";

window.__passkeySignIn = passkeySignIn;
renderApp("v5", client);
