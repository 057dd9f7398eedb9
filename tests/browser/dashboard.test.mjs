// The dashboard in a real Chromium against a real `latchkey server` and real peers
// (docker-registry, moto). Started by tests/integration/test_dashboard.py, which creates the
// users and fixtures and passes them in LK_* environment variables.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { apiLogin, BASE, connectorNamed, secretsOf, env, launch, newSession, shot, signIn } from "./harness.mjs";

const ADMIN = [env("LK_ADMIN_USER"), env("LK_ADMIN_PASSWORD")];
const ALICE = [env("LK_USER"), env("LK_USER_PASSWORD")];
const BOB = [env("LK_OTHER"), env("LK_OTHER_PASSWORD")];
const XSS = "<img src=x onerror=window.__xss=1>";

let browser;
let alice; // a signed-in session reused by the tests that act as the connectors' owner

before(async () => {
  browser = await launch();
  alice = await newSession(browser);
  await signIn(alice.page, ...ALICE);
});

after(async () => {
  await browser?.close();
});

async function fillField(page, name, value) {
  await page.locator(`#field-${name}`).fill(value);
}

async function chooseConnectorForm(page, type, resourceTypes, authMethod) {
  await page.goto("/connectors/new");
  await page.locator(`input[name=connector_type][value="${type}"]`).check();
  for (const rt of resourceTypes) {
    const box = page.locator(`input[name=resource_types][value="${rt}"]`);
    if (!(await box.isChecked())) await box.check();
  }
  await page.locator("select[name=auth_method]").selectOption(authMethod);
}

test("sign in: wrong password refused, right one opens the connectors list, sign out", async () => {
  const s = await newSession(browser);
  await s.page.goto("/connectors");
  await s.page.locator("#signin-title").waitFor();
  await shot(s.page, "signin");
  await s.page.getByLabel("User name").fill(ALICE[0]);
  await s.page.getByLabel("Password").fill("not-the-password");
  await s.page.getByRole("button", { name: "Sign in" }).click();
  await s.page.locator(".alert-error").waitFor();
  await s.page.getByLabel("Password").fill(ALICE[1]);
  await s.page.getByRole("button", { name: "Sign in" }).click();
  await s.page.getByRole("heading", { name: "Connectors" }).waitFor();
  assert.equal(new URL(s.page.url()).pathname, "/connectors");
  // The session token never reaches JavaScript.
  assert.equal(await s.page.evaluate(() => document.cookie), "");
  assert.equal(await s.page.evaluate(() => localStorage.length + sessionStorage.length), 0);
  await s.page.getByRole("button", { name: "Sign out" }).click();
  await s.page.locator("#signin-title").waitFor();
  await s.page.goto("/secrets");
  await s.page.locator("#signin-title").waitFor();
  s.assertClean();
  await s.context.close();
});

test("connector types: cards and a type page with fields, ID formats and expiration bounds", async () => {
  const { page } = alice;
  await page.goto("/types");
  const docker = page.locator(".type-card", { hasText: "docker" }).first();
  await docker.waitFor();
  assert.ok((await page.locator(".type-card").count()) >= 3);
  await shot(page, "connector-types");
  await page.locator('a.type-card[href="/types/aws"]').click();
  await page.getByRole("heading", { name: "Auth methods" }).waitFor();
  const text = (await page.locator("main").innerText()).toLowerCase();
  for (const expected of ["s3-bucket", "iam-role", "aws_secret_access_key", "s3://{bucket-name}", "resource id formats", "expiration"]) {
    assert.ok(text.includes(expected), `type page lacks ${expected}`);
  }
  await shot(page, "connector-type-aws");
  alice.assertClean();
});

test("register a docker connector: wrong password shows the registry's refusal and saves nothing; the right one lists the registry", async () => {
  const { page } = alice;
  const api = await apiLogin(...ALICE);
  await chooseConnectorForm(page, "docker", [], "password");
  await fillField(page, "registry", env("LK_REGISTRY_URL"));
  await fillField(page, "username", env("LK_REGISTRY_USER"));
  await fillField(page, "password", "wrong-" + env("LK_REGISTRY_PASSWORD"));
  assert.equal(await page.locator("#field-password").getAttribute("type"), "password");
  await page.locator("input[name=name]").fill("ui-docker");
  await page.getByLabel("Description").fill("registered from the dashboard");
  await page.getByRole("button", { name: "Verify" }).click();
  const refusal = page.locator(".alert-error").first();
  await refusal.waitFor();
  const refusalText = await refusal.innerText();
  assert.match(refusalText, /401|unauthor|denied|credentials|password/i, refusalText);
  await shot(page, "register-docker-refused");
  await page.getByRole("button", { name: "Save" }).click();
  await page.locator(".alert-error").first().waitFor();
  assert.equal(new URL(page.url()).pathname, "/connectors/new");
  assert.equal(await connectorNamed(api, "ui-docker"), undefined, "a refused connector was saved");

  await fillField(page, "password", env("LK_REGISTRY_PASSWORD"));
  await page.getByRole("button", { name: "Verify" }).click();
  const table = page.locator(".resources-table");
  await table.waitFor();
  assert.ok((await table.innerText()).includes(env("LK_REGISTRY_HOSTPORT")));
  await shot(page, "register-docker-verified");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Connector registered and verified.").waitFor();
  const saved = await connectorNamed(api, "ui-docker");
  assert.ok(saved, "the connector was not saved");
  assert.equal(saved.secrets.password, "[HIDDEN]");
  alice.assertClean();
});

test("register an AWS iam-role connector against moto and see its buckets", async () => {
  const { page } = alice;
  await chooseConnectorForm(page, "aws", ["s3-bucket"], "iam-role");
  await fillField(page, "aws_access_key_id", env("LK_MOTO_KEY_ID"));
  await fillField(page, "aws_secret_access_key", env("LK_MOTO_SECRET"));
  await fillField(page, "role_arn", env("LK_MOTO_ROLE_ARN"));
  await fillField(page, "region", env("LK_MOTO_REGION"));
  await fillField(page, "endpoint_url", env("LK_MOTO_ENDPOINT"));
  await page.locator("input[name=name]").fill("ui-aws");
  await page.getByRole("button", { name: "Verify" }).click();
  await page.locator(".resources-table").waitFor();
  const text = await page.locator(".resources-table").innerText();
  for (const bucket of env("LK_MOTO_BUCKETS").split(",")) assert.ok(text.includes(`s3://${bucket}`), text);
  await shot(page, "register-aws-verified");
  await page.getByRole("button", { name: "Save" }).click();
  await page.getByText("Connector registered and verified.").waitFor();
  alice.assertClean();
});

test("connectors list: columns, search, sort and paging over hundreds of connectors", async () => {
  const { page } = alice;
  const prefix = env("LK_BULK_PREFIX");
  const count = Number(env("LK_BULK_COUNT"));
  await page.goto("/connectors");
  const table = page.locator(".connectors-table");
  await table.waitFor();
  const head = await table.locator("thead").innerText();
  for (const col of ["NAME", "TYPE", "RESOURCE TYPES", "RESOURCE NAME", "OWNER", "SHARED", "EXPIRES IN", "LABELS"]) assert.ok(head.includes(col), col);
  const total = Number(/(\d+) total/.exec(await page.locator(".pager").innerText())?.[1]);
  assert.ok(total >= count, `the list shows ${total} connectors, fewer than the ${count} fixtures`);
  await shot(page, "connectors-list");
  await page.getByLabel("Search connectors by name").fill(`${prefix}01`);
  await page.waitForURL(/q=/);
  await page.locator(".pager", { hasText: "10 total" }).waitFor();
  const names = await table.locator("tbody tr td:first-child").allInnerTexts();
  assert.equal(names.length, 10);
  for (const n of names) assert.ok(n.startsWith(`${prefix}01`), n);
  await shot(page, "connectors-search");
  // Paging (25 a page) and sorting, all done by the server.
  await page.goto(`/connectors?q=${prefix}`);
  await page.locator(".pager", { hasText: `${count} total` }).waitFor();
  const first = await table.locator("tbody tr td:first-child").first().innerText();
  await page.getByRole("button", { name: "Next ›" }).click();
  await page.locator(".pager", { hasText: "page 2 of" }).waitFor();
  assert.notEqual(await table.locator("tbody tr td:first-child").first().innerText(), first);
  await page.getByRole("button", { name: /NAME/ }).click(); // ascending
  await page.getByRole("button", { name: /NAME/ }).click(); // descending
  await page.waitForURL(/sort=desc%3Aname|sort=desc:name/);
  await page.locator(`tbody tr td:first-child`, { hasText: `${prefix}${String(count - 1).padStart(3, "0")}` }).first().waitFor();
  // An expired connector shows the badge.
  await page.goto("/connectors?type=docker");
  await page.locator("tr", { hasText: env("LK_EXPIRED_NAME") }).locator(".badge", { hasText: "Expired!" }).waitFor();
  alice.assertClean();
});

test("connector page: owner reveals secrets, verifies and gets client credentials with a countdown", async () => {
  const { page } = alice;
  const api = await apiLogin(...ALICE);
  const aws = await connectorNamed(api, "ui-aws");
  await page.goto(`/connectors/${aws.id}`);
  await page.getByRole("heading", { name: "ui-aws" }).waitFor();
  assert.ok((await page.locator("main").innerText()).includes("[HIDDEN]"));
  await page.getByRole("button", { name: "Reveal secrets" }).click();
  await page.getByRole("button", { name: "Show" }).first().waitFor();
  await page.getByRole("button", { name: "Verify and list resources" }).click();
  await page.locator(".resources-table").waitFor();
  await page.getByLabel("Resource ID").fill(`s3://${env("LK_MOTO_BUCKETS").split(",")[0]}`);
  await page.getByRole("button", { name: "Get client credentials" }).click();
  const result = page.locator(".client-result");
  await result.waitFor();
  const countdown = result.locator(".countdown");
  await countdown.waitFor();
  const t1 = await countdown.innerText();
  await page.waitForTimeout(2100);
  assert.notEqual(await countdown.innerText(), t1, "the expiry does not count down");
  const resultText = await result.innerText();
  assert.ok(!resultText.includes(env("LK_MOTO_SECRET")), "a secret is shown before it is revealed");
  assert.ok(resultText.includes("••••"), resultText);
  await shot(page, "connector-page");
  alice.assertClean();
});

test("reveal rules: another user sees [HIDDEN] and the server's refusal; shared read-only refuses use", async () => {
  const bob = await newSession(browser);
  await signIn(bob.page, ...BOB);
  const api = await apiLogin(...ALICE);
  const shared = await connectorNamed(api, env("LK_SHARED_NAME"));
  await bob.page.goto(`/connectors/${shared.id}`);
  await bob.page.getByRole("heading", { name: shared.name }).waitFor();
  await bob.page.getByRole("button", { name: "Reveal secrets" }).click();
  const refusal = bob.page.locator(".alert-error", { hasText: "Secrets not revealed" });
  await refusal.waitFor();
  assert.ok(!(await bob.page.locator("main").innerText()).includes(env("LK_REGISTRY_PASSWORD")));
  assert.equal(await bob.page.locator("text=Danger zone").count(), 0, "delete offered to a non-owner");
  await shot(bob.page, "connector-reveal-refused");
  // A shared connector may be used by others...
  await bob.page.getByRole("button", { name: "Get client credentials" }).click();
  await bob.page.locator(".client-result").waitFor();
  // ...a shared read-only one may not.
  const ro = await connectorNamed(api, env("LK_SHARED_RO_NAME"));
  await bob.page.goto(`/connectors/${ro.id}`);
  await bob.page.getByRole("heading", { name: ro.name }).waitFor();
  await bob.page.getByRole("button", { name: "Get client credentials" }).click();
  await bob.page.locator(".alert-error", { hasText: "Refused" }).waitFor();
  await bob.page.getByRole("button", { name: "Reveal secrets" }).click();
  await bob.page.locator(".alert-error", { hasText: "Secrets not revealed" }).waitFor();
  bob.assertClean();
  await bob.context.close();
});

test("connector edit merges fields and labels; delete asks first", async () => {
  const { page } = alice;
  const api = await apiLogin(...ALICE);
  const c = await connectorNamed(api, "ui-docker");
  await page.goto(`/connectors/${c.id}`);
  await page.getByRole("button", { name: "Edit" }).click();
  await page.getByLabel("Description").fill("edited in the browser");
  await page.getByRole("button", { name: "+ Add label" }).click();
  await page.getByLabel("Label 1 key").fill("team");
  await page.getByLabel("Label 1 value").fill("web");
  await page.getByRole("button", { name: "Save changes" }).click();
  await page.locator(".chip", { hasText: "team=web" }).waitFor();
  const after = await connectorNamed(api, "ui-docker");
  assert.equal(after.description, "edited in the browser");
  assert.equal(after.labels.team, "web");
  assert.equal(after.secrets.password, "[HIDDEN]", "the stored secret was kept");
  await shot(page, "connector-edited");
  alice.assertClean();
});

test("resources explorer lists every connector's resources with error rows", async () => {
  const { page } = alice;
  await page.goto("/resources?connector_type=docker");
  await page.locator(".resources-table").waitFor({ timeout: 60000 });
  const text = await page.locator(".resources-table").innerText();
  assert.ok(text.includes(env("LK_REGISTRY_HOSTPORT")), text);
  assert.ok(text.includes("💥 error"), "no error row for the connector with a wrong password");
  await shot(page, "resources-explorer");
  alice.assertClean();
});

test("secrets: create, reveal, update (merge and remove keys), rename, delete", async () => {
  const { page } = alice;
  await page.goto("/secrets");
  await page.getByRole("button", { name: "New secret" }).click();
  await page.getByLabel("Name").fill("ui-secret");
  await page.getByLabel("Key 1", { exact: true }).fill("token");
  await page.getByLabel("Value 1", { exact: true }).fill("s3cr3t-value-1");
  await page.getByRole("button", { name: "+ Add key" }).click();
  await page.getByLabel("Key 2", { exact: true }).fill("extra");
  await page.getByLabel("Value 2", { exact: true }).fill("to-be-removed");
  await page.getByRole("button", { name: "Create secret" }).click();
  const card = page.locator(".card", { hasText: "ui-secret" });
  await card.waitFor();
  assert.ok(!(await card.innerText()).includes("s3cr3t-value-1"));
  await card.getByRole("button", { name: "Reveal" }).click();
  await card.locator("tr", { hasText: "token" }).getByRole("button", { name: "Show" }).click();
  await card.getByText("s3cr3t-value-1").waitFor();
  await shot(page, "secrets");
  await card.getByRole("button", { name: "Edit" }).click();
  await card.getByLabel("Name").fill("ui-secret-renamed");
  await card.getByRole("button", { name: "Remove key 1" }).click(); // "extra" sorts first
  await card.getByRole("button", { name: "+ Add key" }).click();
  await card.getByLabel("Key 2", { exact: true }).fill("added");
  await card.getByLabel("Value 2", { exact: true }).fill("new-value");
  await card.getByRole("button", { name: "Save secret" }).click();
  const renamed = page.locator(".card", { hasText: "ui-secret-renamed" });
  await renamed.waitFor();
  const api = await apiLogin(...ALICE);
  const list = await secretsOf(api);
  const s = list.find((x) => x.name === "ui-secret-renamed");
  assert.deepEqual(Object.keys(s.values).sort(), ["added", "token"]);
  const full = (await api.get(`/secrets/${s.id}?expand_secrets=true`)).body;
  assert.equal(full.values.token, "s3cr3t-value-1", "the untouched value was kept");
  await renamed.getByRole("button", { name: "Delete" }).click();
  await renamed.getByRole("button", { name: "Yes, delete" }).click();
  await page.locator(".card", { hasText: "ui-secret-renamed" }).waitFor({ state: "detached" });
  alice.assertClean();
});

test("a component connected to a connector; stacks; delete refused while a component uses the connector", async () => {
  const { page } = alice;
  await page.goto("/components");
  await page.getByRole("button", { name: "Register a component" }).click();
  await page.getByLabel("Component type").selectOption("container_registry");
  await page.locator("select[name=flavor]").selectOption("default");
  await page.locator("input[name=component_name]").fill("ui-registry");
  await page.locator("#attr-uri").fill(env("LK_REGISTRY_URL"));
  await page.getByRole("button", { name: "Register component" }).click();
  const card = page.locator(".card", { hasText: "ui-registry" });
  await card.waitFor();
  await card.getByRole("button", { name: "Connect" }).click();
  const option = card.locator("label.radio", { hasText: "ui-docker" });
  await option.waitFor({ timeout: 60000 });
  await option.locator("input").check();
  await card.locator("form").getByRole("button", { name: "Connect" }).click();
  await card.locator(".connected, .alert-error").first().waitFor();
  assert.equal(await card.locator(".alert-error").count(), 0, await card.innerText());
  assert.ok((await card.innerText()).includes(env("LK_REGISTRY_HOSTPORT")));
  await shot(page, "components");
  // The connector cannot go while the component uses it: the server says why.
  const api = await apiLogin(...ALICE);
  const c = await connectorNamed(api, "ui-docker");
  await page.goto(`/connectors/${c.id}`);
  await page.getByRole("button", { name: "Delete" }).click();
  await page.getByRole("button", { name: "Yes, delete" }).click();
  await page.locator(".alert-error", { hasText: "Not deleted" }).waitFor();
  assert.ok(await connectorNamed(api, "ui-docker"), "the connector was deleted");
  // Stacks need an artifact store: register a local one through the API, then the stack here.
  const as = await api.post("/stack_components/artifact_store", { name: "ui-local-store", flavor: "local", configuration: {} });
  assert.ok(as.status === 201 || as.status === 200, JSON.stringify(as.body));
  await page.goto("/stacks");
  await page.getByRole("button", { name: "Register a stack" }).click();
  await page.locator("input[name=stack_name]").fill("ui-stack");
  await page.locator("select[name=artifact_store]").selectOption({ label: "ui-local-store (local)" });
  await page.locator("select[name=container_registry]").selectOption({ label: "ui-registry (default)" });
  await page.getByRole("button", { name: "Register stack" }).click();
  const row = page.locator("tr", { hasText: "ui-stack" });
  await row.waitFor();
  await row.getByRole("button", { name: "Set active" }).click();
  await row.locator(".badge", { hasText: "active" }).waitFor();
  await shot(page, "stacks");
  alice.assertClean();
});

test("administration: admins see users and tokens; a non-admin sees no admin screen and the API refuses", async () => {
  const admin = await newSession(browser);
  await signIn(admin.page, ...ADMIN);
  await admin.page.getByRole("link", { name: "Administration" }).click();
  await admin.page.locator(".users-table").waitFor();
  assert.ok((await admin.page.locator(".users-table").innerText()).includes(ALICE[0]));
  await admin.page.locator(".tokens-table").waitFor();
  await shot(admin.page, "administration");
  admin.assertClean();
  await admin.context.close();

  const { page } = alice;
  await page.goto("/connectors");
  await page.locator(".connectors-table").waitFor();
  assert.equal(await page.getByRole("link", { name: "Administration" }).count(), 0);
  await page.goto("/admin");
  await page.getByText("This page is for administrators.").waitFor();
  assert.equal(await page.locator(".users-table").count(), 0);
  const status = await page.evaluate(async () => (await fetch("/api/v1/users", { credentials: "same-origin" })).status);
  assert.equal(status, 403);
  alice.assertClean();
});

test("XSS: a description and a label value holding markup stay text", async () => {
  const { page } = alice;
  const api = await apiLogin(...ALICE);
  const c = await connectorNamed(api, env("LK_XSS_NAME"));
  assert.equal(c.description, XSS);
  await page.goto("/connectors?type=docker");
  const row = page.locator(".connectors-table tbody tr", { hasText: env("LK_XSS_NAME") });
  await row.waitFor();
  assert.ok((await row.innerText()).includes(XSS));
  await page.goto(`/connectors/${c.id}`);
  await page.getByRole("heading", { name: c.name }).waitFor();
  assert.ok((await page.locator("main").innerText()).includes(XSS));
  assert.equal(await page.locator("main img").count(), 0);
  await page.waitForTimeout(300);
  assert.equal(await page.evaluate(() => window.__xss), undefined);
  alice.assertClean();
});

test("CSRF: a cross-origin form post rides the session cookie and is refused; nothing is created", async () => {
  const api = await apiLogin(...ALICE);
  const before = (await secretsOf(api)).length;
  const target = BASE() + "/api/v1/secrets";
  const evil = createServer((req, res) => {
    res.writeHead(200, { "Content-Type": "text/html" });
    res.end(`<!doctype html><form id="f" method="POST" action="${target}" enctype="text/plain">
<input name='{"name":"csrf-secret","values":{"a":"b"},"x":"' value='"}'></form>
<script>document.getElementById("f").submit()</script>`);
  });
  await new Promise((r) => evil.listen(0, "127.0.0.1", r));
  const evilUrl = `http://127.0.0.1:${evil.address().port}/`;
  const { page } = alice;
  const answered = page.waitForResponse((r) => r.url() === target);
  await page.goto(evilUrl);
  const response = await answered;
  assert.equal(response.status(), 403, await response.text());
  evil.close();
  const after = await secretsOf(api);
  assert.equal(after.length, before);
  assert.ok(!after.some((s) => s.name === "csrf-secret"));
  // The same request with the header, from the dashboard's own origin, is accepted.
  await page.goto("/secrets");
  const ok = await page.evaluate(async () => (await fetch("/api/v1/secrets", {
    method: "POST", credentials: "same-origin",
    headers: { "Content-Type": "application/json", "X-Latchkey-CSRF": "1" },
    body: JSON.stringify({ name: "csrf-control", values: { a: "b" } }),
  })).status);
  assert.equal(ok, 201);
  alice.assertClean();
});

test("narrow screens (390 px): list, connector page and the menu", async () => {
  const s = await newSession(browser, { width: 390, height: 844 });
  await signIn(s.page, ...ALICE);
  await s.page.goto("/connectors");
  await s.page.locator(".connectors-table").waitFor();
  await shot(s.page, "connectors-list-390", false);
  await s.page.getByRole("button", { name: "Menu" }).click();
  await s.page.getByRole("link", { name: "Secrets" }).click();
  await s.page.getByRole("heading", { name: "Secrets" }).waitFor();
  const api = await apiLogin(...ALICE);
  const c = await connectorNamed(api, "ui-aws");
  await s.page.goto(`/connectors/${c.id}`);
  await s.page.getByRole("heading", { name: "ui-aws" }).waitFor();
  await shot(s.page, "connector-page-390", false);
  // No horizontal scrolling of the page itself.
  assert.ok(await s.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1));
  s.assertClean();
  await s.context.close();
});

test("keyboard: skip link, navigation and forms work without a mouse, with visible focus", async () => {
  const s = await newSession(browser);
  await s.page.goto("/connectors");
  await s.page.locator("#signin-title").waitFor();
  // The user name field has focus; type, tab to the password, Enter submits.
  await s.page.keyboard.type(ALICE[0]);
  await s.page.keyboard.press("Tab");
  await s.page.keyboard.type(ALICE[1]);
  await s.page.keyboard.press("Enter");
  await s.page.locator(".connectors-table").waitFor();
  await s.page.keyboard.press("Tab");
  assert.equal(await s.page.evaluate(() => document.activeElement?.textContent), "Skip to content");
  await s.page.keyboard.press("Tab");
  await s.page.keyboard.press("Tab"); // Menu (hidden at this width) is skipped: first nav link
  const focused = await s.page.evaluate(() => document.activeElement?.textContent?.trim());
  assert.match(focused, /Connector/);
  const outline = await s.page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, "solid", "focused control has no visible outline");
  // Walk to "Secrets" and open it with Enter.
  for (let i = 0; i < 10; i++) {
    if ((await s.page.evaluate(() => document.activeElement?.textContent?.trim())).endsWith("Secrets")) break;
    await s.page.keyboard.press("Tab");
  }
  await s.page.keyboard.press("Enter");
  await s.page.getByRole("heading", { name: "Secrets" }).waitFor();
  s.assertClean();
  await s.context.close();
});
