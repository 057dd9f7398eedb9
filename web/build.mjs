// Bundles the dashboard: `node web/build.mjs --outdir DIR` writes DIR/index.html,
// DIR/assets/app-<hash>.js, DIR/assets/app-<hash>.css and DIR/assets/favicon-<hash>.svg.
// Type errors fail the build (tsc --noEmit runs first unless --no-typecheck) because esbuild
// only strips types. The JS+CSS budget (200 KB before compression) is enforced here too.
import * as esbuild from "esbuild";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const outIndex = args.indexOf("--outdir");
if (outIndex < 0 || !args[outIndex + 1]) {
  console.error("usage: node web/build.mjs --outdir DIR [--no-typecheck]");
  process.exit(2);
}
const outdir = resolve(args[outIndex + 1]);
const BUDGET = 200 * 1024;

if (!args.includes("--no-typecheck")) {
  try {
    execFileSync(process.execPath, [join(here, "node_modules/typescript/bin/tsc"), "--noEmit", "-p", here],
                 { stdio: "inherit" });
  } catch {
    console.error("web: type check failed");
    process.exit(1);
  }
}

const result = await esbuild.build({
  entryPoints: { app: join(here, "src/main.tsx") },
  bundle: true,
  minify: true,
  format: "esm",
  target: ["es2020"],
  jsx: "automatic",
  jsxImportSource: "preact",
  write: false,
  outdir: join(outdir, "assets"),
  entryNames: "[name]-[hash]",
  legalComments: "none",
  logLevel: "warning",
  metafile: false,
});

rmSync(join(outdir, "assets"), { recursive: true, force: true });
mkdirSync(join(outdir, "assets"), { recursive: true });
let js = "", css = "", total = 0;
for (const f of result.outputFiles) {
  writeFileSync(f.path, f.contents);
  const name = "/assets/" + f.path.split("/").pop();
  if (f.path.endsWith(".js")) js = name;
  if (f.path.endsWith(".css")) css = name;
  total += f.contents.length;
  console.log(`web: ${name} ${(f.contents.length / 1024).toFixed(1)} KB`);
}
const favicon = readFileSync(join(here, "src/favicon.svg"));
const faviconName = `/assets/favicon-${createHash("sha256").update(favicon).digest("hex").slice(0, 8)}.svg`;
writeFileSync(join(outdir, faviconName), favicon);

const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Latchkey</title>
<link rel="icon" type="image/svg+xml" href="${faviconName}">
<link rel="stylesheet" href="${css}">
<script type="module" src="${js}"></script>
</head>
<body>
<div id="app"></div>
</body>
</html>
`;
writeFileSync(join(outdir, "index.html"), html);
console.log(`web: JS+CSS total ${(total / 1024).toFixed(1)} KB (budget ${BUDGET / 1024} KB)`);
if (!js || !css) {
  console.error("web: the bundle lacks a JS or CSS file");
  process.exit(1);
}
if (total > BUDGET) {
  console.error("web: over the size budget");
  process.exit(1);
}
