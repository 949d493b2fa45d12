// Builds the three apps: apps/v3 -> dist/v3, apps/v4 -> dist/v4, apps/v5 -> dist/v5.
//   npm run build --prefix tests/browser
import { build } from "vite";
import { config } from "./vite.config.mjs";

for (const generation of ["v3", "v4", "v5"]) {
  const started = Date.now();
  await build(config(generation));
  console.log(`built dist/${generation} in ${Date.now() - started} ms`);
}
