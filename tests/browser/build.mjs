// Builds the three apps: apps/v3 -> dist/v3, apps/v4 -> dist/v4, apps/v5 -> dist/v5, and the v4
// app once more for /react/ (dist/v4-react), where it sits beside the Leptos app in the check
// that their tabs stay in sync.
//   npm run build --prefix tests/browser
import { build } from "vite";
import { config } from "./vite.config.mjs";

for (const [generation, base] of [
  ["v3", "/"],
  ["v4", "/"],
  ["v5", "/"],
  ["v4", "/react/"],
]) {
  const started = Date.now();
  const built = config(generation, base);
  await build(built);
  console.log(`built ${built.build.outDir} in ${Date.now() - started} ms`);
}
