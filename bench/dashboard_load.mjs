// Driven by bench/dashboard_load.py: time from navigation to the connectors list being
// interactive (first rows rendered and the search box enabled) in Debian's Chromium, and the
// same page's API call alone as the baseline. Prints one JSON line.
//   node bench/dashboard_load.mjs URL USER PASSWORD RUNS
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const { chromium } = createRequire(join(here, "../web/package.json"))("playwright-core");
const [url, user, password, runsText] = process.argv.slice(2);
const runs = Number(runsText ?? "7");
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.LK_CHROMIUM ?? "/usr/bin/chromium", headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
try {
  const context = await browser.newContext({ baseURL: url, viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto("/signin");
  await page.getByLabel("User name").fill(user);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.locator(".connectors-table tbody tr").first().waitFor();
  const ui = [], apiOnly = [], walls = [];
  for (let i = 0; i < runs + 1; i++) {
    await page.goto("about:blank");
    const start = Date.now();
    await page.goto("/connectors");
    await page.locator(".connectors-table tbody tr").first().waitFor();
    await page.locator("#connector-search:enabled").waitFor();
    const wall = Date.now() - start;
    // The app marks the moment the rows are rendered; measured from the navigation's start.
    await page.waitForFunction(() => performance.getEntriesByName("lk:connectors-list-ready").length > 0);
    const t = await page.evaluate(() => performance.getEntriesByName("lk:connectors-list-ready")[0].startTime);
    walls.push(wall);
    const a = await page.evaluate(async () => {
      const s = performance.now();
      const r = await fetch("/api/v1/service_connectors?page=1&size=25", { credentials: "same-origin" });
      await r.json();
      return performance.now() - s;
    });
    if (i > 0) { ui.push(t); apiOnly.push(a); } // the first run warms caches
  }
  console.log(JSON.stringify({ ui_ms: median(ui), ui_min_ms: Math.min(...ui), api_ms: median(apiOnly),
                            driver_wall_ms: median(walls) }));
} finally {
  await browser.close();
}
