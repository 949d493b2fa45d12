// The real next-auth v4 server (NextAuth's API handler) on 127.0.0.1, for the authrs-client
// tests: a credentials provider that accepts alice / wonderland. A small shim gives the handler
// the Next.js-style req/res it expects. Prints `LISTENING http://127.0.0.1:<port>` and runs until
// its standard input closes.
import http from "node:http";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const NextAuth = require("next-auth").default;
const Credentials = require("next-auth/providers/credentials").default;

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  if (!url.pathname.startsWith("/api/auth/")) {
    res.statusCode = 404;
    return res.end("Not found");
  }
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const raw = Buffer.concat(chunks).toString();
  const type = req.headers["content-type"] ?? "";
  req.body = type.includes("application/json")
    ? JSON.parse(raw || "{}")
    : Object.fromEntries(new URLSearchParams(raw));
  req.query = Object.fromEntries(url.searchParams);
  req.query.nextauth = url.pathname.slice("/api/auth/".length).split("/").filter(Boolean);
  req.cookies = Object.fromEntries(
    (req.headers.cookie ?? "")
      .split(";")
      .map((c) => c.trim())
      .filter(Boolean)
      .map((c) => {
        const i = c.indexOf("=");
        return [c.slice(0, i), decodeURIComponent(c.slice(i + 1))];
      }),
  );
  res.status = (code) => {
    res.statusCode = code;
    return res;
  };
  res.json = (value) => {
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify(value));
  };
  res.send = (body) => {
    if (body !== null && typeof body === "object") return res.json(body);
    res.end(body ?? "");
  };
  try {
    await NextAuth(req, res, {
      secret: "0123456789abcdef0123456789abcdef",
      providers: [
        Credentials({
          credentials: { username: { label: "Username" }, password: { label: "Password", type: "password" } },
          authorize: async (c) =>
            c.username === "alice" && c.password === "wonderland"
              ? { id: "1", name: "Alice", email: "alice@example.com" }
              : null,
        }),
      ],
    });
  } catch (error) {
    console.error(error);
    res.statusCode = 500;
    res.end("shim error");
  }
});

server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  process.env.NEXTAUTH_URL = `http://127.0.0.1:${port}/api/auth`;
  console.log(`LISTENING http://127.0.0.1:${port}`);
});
process.stdin.on("end", () => process.exit(0));
process.stdin.resume();
