// One Vite configuration for the three apps; build.mjs builds apps/<generation> into
// dist/<generation> (base "/": authrs serves each folder at the root of its own origin), and
// the v4 and v5 apps also into dist/v4-react and dist/v5-react (base "/react/", beside the
// Leptos app).
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";

const here = fileURLToPath(new URL(".", import.meta.url));

export function config(generation, base = "/") {
  return {
    configFile: false,
    root: `${here}apps/${generation}`,
    base,
    logLevel: "warn",
    plugins: [react()],
    // The clients read their configuration from `process.env` at import time, which a browser
    // does not have: each variable is replaced with `undefined`. With NEXTAUTH_URL unset, every
    // generation's parseUrl falls back to `http://localhost:3000/api/auth`, and in the browser
    // the clients use only its path: requests go to `/api/auth/...` on the page's own origin,
    // which is where authrs answers. (NODE_ENV is "production", set by `vite build`.) None of
    // the clients imports a `next/...` module, so Next.js needs no stubs.
    define: {
      "process.env.NEXTAUTH_URL": "undefined",
      "process.env.NEXTAUTH_URL_INTERNAL": "undefined",
      "process.env.VERCEL_URL": "undefined",
    },
    build: {
      outDir: base === "/" ? `${here}dist/${generation}` : `${here}dist/${generation}${base.replaceAll("/", "-").replace(/-$/, "")}`,
      emptyOutDir: true,
      // Readable stack traces in the browser console when a check fails.
      sourcemap: true,
    },
  };
}
