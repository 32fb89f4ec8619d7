// A minimal static file server for the browser run of the runtime matrix: serves files under
// `root` (only the given URL prefixes), plus virtual files, on 127.0.0.1 with an OS-chosen port.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { extname, resolve, sep } from "node:path";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".map": "application/json; charset=utf-8",
};

/**
 * Starts the server. `prefixes` are URL path prefixes allowed from disk (e.g. ["/pkg/"]);
 * `virtual` maps URL paths to { body, type }. Resolves to { url, close(), requests }, where
 * `requests` lists "STATUS METHOD PATH" for each request (useful in failure messages).
 */
export async function startStaticServer({ root, prefixes, virtual = {} }) {
  const base = resolve(root);
  const requests = [];
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://127.0.0.1").pathname);
    const send = (status, body, type = "text/plain; charset=utf-8") => {
      requests.push(`${status} ${req.method} ${path}`);
      res.writeHead(status, { "content-type": type, "cache-control": "no-store" });
      res.end(req.method === "HEAD" ? undefined : body);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed");
    if (Object.hasOwn(virtual, path)) return send(200, virtual[path].body, virtual[path].type);
    if (path === "/favicon.ico") return send(404, "not found");
    const file = resolve(base, `.${path}`);
    if (!prefixes.some((p) => path.startsWith(p)) || !file.startsWith(base + sep)) {
      return send(404, "not found");
    }
    try {
      const body = await readFile(file);
      send(200, body, TYPES[extname(file)] ?? "application/octet-stream");
    } catch {
      send(404, "not found");
    }
  });
  server.keepAliveTimeout = 1000;
  await new Promise((ok, fail) => {
    server.once("error", fail);
    server.listen(0, "127.0.0.1", ok);
  });
  const { port } = server.address();
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections?.();
        server.close(() => ok());
      }),
  };
}
