// Shared set-up for the dashboard's browser tests: Debian's Chromium driven by playwright-core
// (from web/node_modules), a console/page error trap per page, REST fixtures over bearer
// tokens, and screenshots into $LK_SCREENSHOT_DIR.
import { createRequire } from "node:module";
import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, "../../web/package.json"));
const { chromium } = require("playwright-core");

export const env = (name) => {
  const v = process.env[name];
  if (v === undefined || v === "") throw new Error(`environment variable ${name} is not set`);
  return v;
};

export const BASE = () => env("LK_URL").replace(/\/$/, "");
const shotDir = () => env("LK_SCREENSHOT_DIR");

export async function launch() {
  // Playwright gives every launch a fresh temporary profile (it refuses --user-data-dir here).
  return chromium.launch({
    executablePath: process.env.LK_CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
           "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

// Chromium reports every HTTP error answer of a fetch as a console "Failed to load resource"
// line. The dashboard expects some (401 before sign-in, a refused reveal), so those network
// lines are kept apart; every other console error and every uncaught exception fails the test.
export function trackErrors(page) {
  const errors = [];
  const network = [];
  page.on("console", (msg) => {
    if (msg.type() !== "error") return;
    const text = msg.text();
    if (/^Failed to load resource: the server responded with a status of \d+/.test(text)) network.push(text);
    else errors.push(`console: ${text}`);
  });
  page.on("pageerror", (err) => errors.push(`pageerror: ${err.message}`));
  return { errors, network };
}

export async function newSession(browser, { width = 1280, height = 860 } = {}) {
  const context = await browser.newContext({ viewport: { width, height }, baseURL: BASE() });
  const page = await context.newPage();
  const trap = trackErrors(page);
  page.setDefaultTimeout(30000);
  return { context, page, trap, assertClean: () => assert.deepEqual(trap.errors, [], "page errors") };
}

export async function signIn(page, user, password) {
  await page.goto("/connectors");
  await page.locator("#signin-title").waitFor();
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".user-name").filter({ hasText: user }).waitFor({ state: "attached" });
}

export async function shot(page, name, fullPage = true) {
  mkdirSync(shotDir(), { recursive: true });
  // Spinners and countdowns settle before the picture is taken.
  await page.waitForLoadState("networkidle").catch(() => undefined);
  await page.screenshot({ path: join(shotDir(), `${name}.png`), fullPage });
}

// A REST client with a bearer token, for fixtures and for checking what the UI did.
export async function apiLogin(user, password) {
  const r = await fetch(BASE() + "/api/v1/login", {
    method: "POST", headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ username: user, password }),
  });
  assert.equal(r.status, 200, `login ${user}`);
  const { token } = await r.json();
  const call = async (method, path, body) => {
    const res = await fetch(BASE() + "/api/v1" + path, {
      method,
      headers: { Authorization: "Bearer " + token, ...(body ? { "Content-Type": "application/json" } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : null };
  };
  return {
    get: (p) => call("GET", p),
    post: (p, b) => call("POST", p, b ?? {}),
    put: (p, b) => call("PUT", p, b ?? {}),
    del: (p) => call("DELETE", p),
  };
}

// Secrets are listed as a page on servers with list filters, as an array before.
export async function secretsOf(api) {
  const r = await api.get("/secrets?size=1000");
  assert.equal(r.status, 200);
  return Array.isArray(r.body) ? r.body : r.body.items;
}

export async function connectorNamed(api, name) {
  const r = await api.get(`/service_connectors?name=${encodeURIComponent(name)}`);
  assert.equal(r.status, 200);
  return r.body.items.find((c) => c.name === name);
}
