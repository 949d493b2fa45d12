// Builds the three apps: apps/v3 -> dist/v3, apps/v4 -> dist/v4, apps/v5 -> dist/v5, and the v4
// and v5 apps once more for /react/ (dist/v4-react, dist/v5-react), where they sit beside the
// Leptos app in the checks that their tabs stay in sync.
//   npm run build --prefix tests/browser
import { build } from "vite";
import { config } from "./vite.config.mjs";

for (const [generation, base] of [
  ["v3", "/"],
  ["v4", "/"],
  ["v5", "/"],
  ["v4", "/react/"],
  ["v5", "/react/"],
]) {
  const started = Date.now();
  const built = config(generation, base);
  await build(built);
  console.log(`built ${built.build.outDir} in ${Date.now() - started} ms`);
}
