// Development only: serves a built dashboard (node build.mjs --outdir DIR) and forwards /api/
// to a running `latchkey server`, emulating the server's cookie session (POST/DELETE
// /api/v1/session -> /api/v1/login and /logout, token kept here, never sent to the browser)
// so the UI can be worked on against a server without the embedded assets.
//   node web/dev-server.mjs --dist DIR --api http://127.0.0.1:PORT [--port 5173]
import { createServer } from "node:http";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { extname, join, normalize } from "node:path";

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const dist = arg("--dist", "dist");
const api = arg("--api", "http://127.0.0.1:8080").replace(/\/$/, "");
const port = Number(arg("--port", "5173"));
const sessions = new Map();
const types = { ".html": "text/html; charset=utf-8", ".js": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml" };

const readBody = (req) => new Promise((resolve) => {
  const chunks = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => resolve(Buffer.concat(chunks)));
});

createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  if (url.pathname.startsWith("/api/")) {
    const sid = /(?:^|; )lk_dev=([^;]+)/.exec(req.headers.cookie ?? "")?.[1];
    const token = sid ? sessions.get(sid) : undefined;
    if (token && !req.headers.authorization && req.method !== "GET" && req.method !== "HEAD" && req.headers["x-latchkey-csrf"] !== "1") {
      res.writeHead(403, { "Content-Type": "application/json" });
      return res.end(JSON.stringify({ error: { code: "forbidden", message: "missing X-Latchkey-CSRF header" } }));
    }
    const body = await readBody(req);
    if (url.pathname === "/api/v1/session") {
      if (req.method === "POST") {
        const r = await fetch(api + "/api/v1/login", { method: "POST", headers: { "Content-Type": "application/json" }, body });
        const j = await r.json();
        if (!r.ok) { res.writeHead(r.status, { "Content-Type": "application/json" }); return res.end(JSON.stringify(j)); }
        const id = randomBytes(24).toString("hex");
        sessions.set(id, j.token);
        res.writeHead(200, { "Content-Type": "application/json", "Set-Cookie": `lk_dev=${id}; HttpOnly; SameSite=Strict; Path=/` });
        return res.end(JSON.stringify({ user: j.user, expires_at: j.expires_at }));
      }
      if (token) await fetch(api + "/api/v1/logout", { method: "POST", headers: { Authorization: "Bearer " + token } });
      sessions.delete(sid);
      res.writeHead(204, { "Set-Cookie": "lk_dev=; Max-Age=0; Path=/" });
      return res.end();
    }
    const headers = { "Content-Type": req.headers["content-type"] ?? "application/json" };
    if (req.headers.authorization) headers.Authorization = req.headers.authorization;
    else if (token) headers.Authorization = "Bearer " + token;
    const r = await fetch(api + url.pathname + url.search, { method: req.method, headers, body: body.length ? body : undefined });
    res.writeHead(r.status, { "Content-Type": r.headers.get("content-type") ?? "application/json" });
    return res.end(Buffer.from(await r.arrayBuffer()));
  }
  const path = normalize(url.pathname).replace(/^(\.\.[/\\])+/, "");
  let file = path.startsWith("/assets/") ? join(dist, path) : join(dist, "index.html");
  try {
    const data = await readFile(file);
    res.writeHead(200, { "Content-Type": types[extname(file)] ?? "application/octet-stream",
                         "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'" });
    res.end(data);
  } catch {
    res.writeHead(404);
    res.end("not found");
  }
}).listen(port, "127.0.0.1", () => console.log(`dashboard dev server on http://127.0.0.1:${port} -> ${api}`));
