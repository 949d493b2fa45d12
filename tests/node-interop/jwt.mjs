// Encodes and decodes session tokens with the real npm packages, for authrs's interop tests
// (crates/authrs-core/tests/node_interop.rs).
//
// Input: one JSON request per line on stdin, for example
//   {"op":"encode","format":"v4","secret":"s3cret","salt":"","token":{"sub":"1"},"maxAge":60}
//   {"op":"decode","format":"v5","secret":["new","old"],"salt":"authjs.session-token","token":"<jwe>"}
// Output: one JSON line per request, in order:
//   {"ok":true,"token":"<jwe>"}      after an encode
//   {"ok":true,"claims":{...}}       after a decode (claims is whatever the library returned)
//   {"ok":false,"error":"<name>: <message>"}   when the library threw
//
// "v4" is next-auth@4's `next-auth/jwt`; "v5" is `@auth/core/jwt`. The request's fields are
// passed to the library unchanged, so a secret list or a missing salt behaves as it would there.

import { createInterface } from "node:readline";
import nextAuthJwt from "next-auth/jwt";
import * as authCoreJwt from "@auth/core/jwt";

const libraries = {
  v4: { encode: nextAuthJwt.encode, decode: nextAuthJwt.decode },
  v5: { encode: authCoreJwt.encode, decode: authCoreJwt.decode },
};

async function handle(line) {
  const request = JSON.parse(line);
  const library = libraries[request.format];
  if (!library) throw new Error(`unknown format ${JSON.stringify(request.format)}`);
  const params = { token: request.token, secret: request.secret };
  if ("salt" in request) params.salt = request.salt;
  switch (request.op) {
    case "encode":
      if ("maxAge" in request) params.maxAge = request.maxAge;
      return { ok: true, token: await library.encode(params) };
    case "decode":
      return { ok: true, claims: (await library.decode(params)) ?? null };
    default:
      throw new Error(`unknown op ${JSON.stringify(request.op)}`);
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (line.trim() === "") continue;
  let response;
  try {
    response = await handle(line);
  } catch (error) {
    const name = error?.code ?? error?.name ?? "Error";
    response = { ok: false, error: `${name}: ${error?.message ?? String(error)}` };
  }
  process.stdout.write(`${JSON.stringify(response)}\n`);
}
