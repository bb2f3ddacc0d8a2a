// Browser tests of `moat serve`, as a new user would click through it:
// playwright-core drives the system's Chromium against a real server
// started on a copy of the bundled example. Screenshots of every page go to
// ui-tests/artifacts/. Usage: node ui-tests/run.mjs PATH/TO/moat
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdtempSync, copyFileSync, readFileSync, writeFileSync, mkdirSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const moat = process.argv[2] ?? join(root, "target/debug/moat");
const artifacts = join(here, "artifacts");
mkdirSync(artifacts, { recursive: true });

const chromiumPath = ["/usr/lib/chromium/chromium", "/usr/bin/chromium", "/usr/bin/chromium-browser"]
  .find((p) => existsSync(p));
assert.ok(chromiumPath, "Chromium is not installed (apt-get install chromium)");

// a copy of the bundled example, and a model whose names carry script
const work = mkdtempSync(join(tmpdir(), "moat-ui-"));
copyFileSync(join(root, "examples/s3/model.yaml"), join(work, "model.yaml"));
writeFileSync(
  join(work, "hostile.yaml"),
  `name: "Evil <script>window.__pwned = 1</script>"
elements:
  - id: bucket
    kind: datastore
    name: "Bucket <img src=x onerror=window.__pwned=2>"
    properties: {service: s3}
  - id: user
    kind: actor
    name: "User </td><script>window.__pwned=3</script>"
flows:
  - source: user
    sink: bucket
    name: "writes <svg onload=window.__pwned=4>"
`,
);

const server = spawn(moat, ["serve", work, "--port", "0", "--db", join(work, "ui.db")], {
  stdio: ["ignore", "pipe", "pipe"],
});
let stderr = "";
server.stderr.on("data", (d) => (stderr += d));
const url = await new Promise((resolve, reject) => {
  let out = "";
  const timer = setTimeout(() => reject(new Error(`the server printed no URL:\n${out}\n${stderr}`)), 120000);
  server.stdout.on("data", (d) => {
    out += d;
    const m = out.match(/Open (http:\/\/\S+)/);
    if (m) {
      clearTimeout(timer);
      resolve(m[1]);
    }
  });
  server.on("exit", (code) => reject(new Error(`the server exited (${code}):\n${stderr}`)));
});
const origin = new URL(url).origin;

const browser = await chromium.launch({ executablePath: chromiumPath, args: ["--no-sandbox"] });
const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
const problems = [];
page.on("dialog", (d) => {
  problems.push(`a dialog opened: ${d.message()}`);
  d.dismiss();
});
page.on("console", (m) => {
  if (m.type() === "error") problems.push(`console error on ${page.url()}: ${m.text()}`);
});
page.on("pageerror", (e) => problems.push(`page error on ${page.url()}: ${e.message}`));

const results = [];
async function step(name, body) {
  try {
    await body();
    results.push(`ok    ${name}`);
  } catch (e) {
    results.push(`FAIL  ${name}: ${e.message}`);
    await page.screenshot({ path: join(artifacts, `failed-${name.replace(/\W+/g, "-")}.png`), fullPage: true }).catch(() => {});
  }
}

try {
  await step("without the token nothing is shown", async () => {
    const response = await page.goto(`${origin}/`);
    assert.equal(response.status(), 401);
  });

  await step("the printed URL opens the projects", async () => {
    await page.goto(url);
    assert.equal(new URL(page.url()).search, "", "the token is dropped from the address");
    await page.locator("#projects").waitFor();
    const rows = await page.locator("#projects tbody tr").count();
    assert.equal(rows, 2);
    await page.screenshot({ path: join(artifacts, "projects.png"), fullPage: true });
  });

  await step("catalog: search and filter", async () => {
    await page.click("text=Catalog");
    const all = await page.locator("#catalog-threats tbody tr").count();
    await page.fill("input[name=q]", "encryption");
    await page.selectOption("select[name=stride]", "information_disclosure");
    await page.click("#catalog-filters button[type=submit]");
    await page.locator("#catalog-threats").waitFor();
    const filtered = await page.locator("#catalog-threats tbody tr").count();
    assert.ok(filtered > 0 && filtered < all, `filtered ${filtered} of ${all}`);
    const strides = await page.locator("#catalog-threats tbody tr td:nth-child(2)").allTextContents();
    assert.ok(strides.every((s) => s === "information_disclosure"), strides.join(","));
    await page.screenshot({ path: join(artifacts, "catalog.png"), fullPage: true });
  });

  const project = `${origin}/projects/${encodeURIComponent(join(work, "model.yaml"))}`;
  let threatId, targetId;
  await step("a decision recorded from a threat row is kept after a reload", async () => {
    await page.goto(project);
    const row = page.locator("#threat-table tbody tr").first();
    threatId = await row.getAttribute("data-selector");
    targetId = await row.getAttribute("data-target");
    await row.locator("a.decide").click();
    assert.equal(await page.inputValue("#decision-form input[name=selector]"), threatId);
    assert.equal(await page.inputValue("#decision-form input[name=target]"), targetId);
    await page.selectOption("#decision-form select[name=status]", "accepted");
    await page.fill("#decision-form textarea[name=justification]", "Accepted in the browser test");
    await page.fill("#decision-form input[name=ticket]", "UI-1");
    await page.click("#decision-form button[type=submit]");
    await page.reload();
    const decisions = await page.locator("#decision-table tbody tr").allTextContents();
    assert.ok(decisions.some((d) => d.includes(threatId) && d.includes("Accepted in the browser test")), decisions.join("\n"));
    const status = await page
      .locator(`#threat-table tbody tr[data-selector="${threatId}"][data-target="${targetId}"] .status`)
      .textContent();
    assert.equal(status.trim(), "accepted");
    await page.screenshot({ path: join(artifacts, "project.png"), fullPage: true });
  });

  await step("the table filter narrows the threats", async () => {
    const all = await page.locator("#threat-table tbody tr:visible").count();
    await page.fill("input[data-table=threat-table]", threatId);
    const some = await page.locator("#threat-table tbody tr:visible").count();
    assert.ok(some >= 1 && some < all, `${some} of ${all}`);
  });

  await step("write back puts the decision in the YAML", async () => {
    await page.click("#writeback");
    await page.locator("#decisions").waitFor();
    const yaml = readFileSync(join(work, "model.yaml"), "utf8");
    assert.match(yaml, new RegExp(`- threat: ${threatId}\\n\\s+target: ${targetId}\\n\\s+status: accepted`));
    assert.match(yaml, /justification: Accepted in the browser test/);
    assert.match(yaml, /ticket: UI-1/);
  });

  await step("the run report opens and its diagram links to threats", async () => {
    await page.goto(project);
    await page.click("text=full report");
    await page.locator("svg").first().waitFor();
    await page.screenshot({ path: join(artifacts, "report.png"), fullPage: true });
    const element = page.locator("svg [id^='el-']").first();
    const id = (await element.getAttribute("data-id")) ?? "";
    assert.ok(id, "diagram elements carry data-id");
    await element.click();
    const shown = await page.locator("[data-target]:visible").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-target")));
    assert.ok(shown.length > 0 && shown.every((t) => t === id), `rows shown after the click: ${shown.slice(0, 5)}`);
    await page.screenshot({ path: join(artifacts, "report-element-selected.png"), fullPage: true });
  });

  await step("runs compare: the accepted threat is fixed", async () => {
    await page.goto(project);
    // the oldest comparison: the first analysis against the one after the decision
    const link = page.locator("#runs a[href*='/diff/']").last();
    await link.click();
    const fixed = await page.locator("#diff-threats table.fixed tbody tr").allTextContents();
    assert.ok(fixed.some((r) => r.includes(threatId)), fixed.join("\n"));
    await page.screenshot({ path: join(artifacts, "diff.png"), fullPage: true });
  });

  await step("names with markup and script stay inert", async () => {
    const hostile = `${origin}/projects/${encodeURIComponent(join(work, "hostile.yaml"))}`;
    await page.goto(hostile);
    await page.locator("#threat-table").waitFor();
    const body = await page.textContent("body");
    assert.ok(body.includes("<img src=x onerror=window.__pwned=2>"), "the name is shown as text");
    await page.goto(`${origin}/`);
    await page.click("#projects a[href*='hostile']");
    await page.click("text=full report");
    await page.waitForLoadState("load");
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    await page.screenshot({ path: join(artifacts, "hostile.png"), fullPage: true });
  });

  await step("a cross-origin write is refused", async () => {
    const status = await page.evaluate(async () => {
      const r = await fetch("/api/projects/x/decisions", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ selector: "T-GEN", status: "in-discussion" }),
      });
      return r.status;
    });
    assert.equal(status, 403, "a write without the CSRF token is refused even from the page's origin");
  });
} finally {
  await browser.close();
  server.kill("SIGTERM");
}

// the steps above ask for a 401 and a 403 on purpose
const allProblems = problems.filter((p) => !/status of (401|403)/.test(p));
for (const line of results) console.log(line);
for (const p of allProblems) console.log(`FAIL  ${p}`);
const failed = results.filter((r) => r.startsWith("FAIL")).length + allProblems.length;
console.log(`${results.length} steps, ${failed} failed; screenshots in ${artifacts}`);
process.exit(failed ? 1 : 0);
