#!/usr/bin/env node
// Opens an HTML file in Debian's /usr/bin/chromium (headless, through
// playwright-core, fresh profile) and probes it for active or leaking content,
// the way a person opening blueprint's report would run it:
//   - every request other than the file itself and data: URLs is aborted
//     (so nothing leaves the machine) and recorded, as are WebSockets;
//   - console messages of type error/warning/log, page errors and dialogs
//     (alert/confirm/prompt, dismissed) are recorded;
//   - after load: <script> elements, on* attributes, javascript: URLs and
//     whether window.__pwned got set, in every frame;
//   - a full-page screenshot is written to SCREENSHOT.png;
//   - the title and visible text go into the summary, to check that hostile
//     text is shown as text.
// Prints a JSON summary on stdout. Exit 0 only when there were no requests,
// no <script>, no inline handlers, no javascript: URLs, no dialogs, no page
// errors, no console errors and window.__pwned is undefined; 1 otherwise;
// 2 on a usage error or when the browser could not run.
//
// Usage: node htmlcheck.mjs REPORT.html SCREENSHOT.png
import { stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { openBrowser, startWatchdog } from "./chromium.mjs";

// Attributes whose value a browser may follow as a URL (or, for SVG
// animations, set as one).
const URL_ATTRIBUTES = [
  "href", "xlink:href", "src", "action", "formaction", "data", "poster",
  "background", "cite", "codebase", "ping", "srcset", "longdesc", "usemap",
  "manifest", "icon", "lowsrc", "dynsrc", "to", "from", "values", "by",
];
const SETTLE_MS = 500;
const WATCHDOG_MS = 60_000;

const args = process.argv.slice(2);
if (args.length !== 2 || args.some((a) => a === "-h" || a === "--help")) {
  console.error("usage: node htmlcheck.mjs REPORT.html SCREENSHOT.png");
  process.exit(2);
}
const [htmlArg, screenshotArg] = args;
const htmlPath = path.resolve(htmlArg);
const screenshotPath = path.resolve(screenshotArg);
try {
  if (!(await stat(htmlPath)).isFile()) throw new Error("not a file");
} catch (error) {
  console.error(`htmlcheck: cannot open ${htmlArg}: ${error.message}`);
  process.exit(2);
}
const fileUrl = pathToFileURL(htmlPath).href;

const watchdog = startWatchdog("htmlcheck", WATCHDOG_MS);

const summary = {
  file: htmlPath,
  url: fileUrl,
  screenshot: screenshotPath,
  ok: false,
  title: "",
  text: "",
  requests: [],
  websockets: [],
  console: [],
  consoleErrors: 0,
  pageErrors: [],
  dialogs: [],
  scriptElements: 0,
  inlineHandlers: [],
  javascriptUrls: [],
  pwned: [],
  failures: [],
};

const withoutFragment = (url) => url.split("#")[0];
const allowed = (url) => url.startsWith("data:") || withoutFragment(url) === fileUrl;

// Runs in each frame: what in the DOM could run or leak.
function probeFrame(urlAttributes) {
  const roots = [document];
  for (const template of document.querySelectorAll("template")) roots.push(template.content);
  const describe = (el) => {
    let name = el.localName.toUpperCase();
    if (el.id) name += `#${el.id}`;
    return name;
  };
  let scripts = 0;
  const handlers = [];
  const jsUrls = [];
  for (const root of roots) {
    scripts += root.querySelectorAll("script").length;
    for (const el of root.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        const name = attr.name.toLowerCase();
        if (name.startsWith("on")) handlers.push(`${describe(el)}@${attr.name}`);
        // Browsers ignore ASCII whitespace and control characters in a scheme.
        const squeezed = attr.value.replace(/[\u0000-\u0020]/g, "").toLowerCase();
        const isUrl = urlAttributes.includes(name) || name.endsWith(":href");
        const isRefresh = name === "content" && el.localName === "meta"
          && (el.getAttribute("http-equiv") || "").toLowerCase() === "refresh";
        if ((isUrl || isRefresh) && squeezed.includes("javascript:")
          && (isRefresh || squeezed.startsWith("javascript:") || name === "srcset" || name === "values")) {
          jsUrls.push(`${describe(el)}@${attr.name}=${attr.value.slice(0, 120)}`);
        }
      }
    }
  }
  const pwnedType = typeof window.__pwned;
  let pwned = null;
  if (pwnedType !== "undefined") {
    try {
      pwned = `${pwnedType}: ${String(window.__pwned).slice(0, 120)}`;
    } catch {
      pwned = pwnedType;
    }
  }
  return { scripts, handlers, jsUrls, pwned };
}

let browser;
let exitCode = 2;
try {
  browser = await openBrowser("htmlcheck", {
    viewport: { width: 1200, height: 800 },
    // BLUEPRINT_COLOR_SCHEME=dark shows the page as a dark-mode user sees it.
    colorScheme: process.env.BLUEPRINT_COLOR_SCHEME === "dark" ? "dark" : "light",
  });
  const { context } = browser;

  context.on("request", (request) => {
    const url = request.url();
    if (!allowed(url)) summary.requests.push(`${request.method()} ${url}`);
  });
  await context.route("**/*", (route) => {
    const url = route.request().url();
    return allowed(url) ? route.continue() : route.abort("blockedbyclient");
  });

  const page = context.pages()[0] ?? (await context.newPage());
  page.on("websocket", (ws) => summary.websockets.push(ws.url()));
  page.on("console", (message) => {
    const type = message.type();
    if (type === "error" || type === "warning" || type === "log") {
      summary.console.push(`${type}: ${message.text()}`);
      if (type === "error") summary.consoleErrors += 1;
    }
  });
  page.on("pageerror", (error) => summary.pageErrors.push(String(error?.message ?? error)));
  page.on("dialog", async (dialog) => {
    summary.dialogs.push(`${dialog.type()}: ${dialog.message()}`);
    await dialog.dismiss().catch(() => {});
  });

  const response = await page.goto(fileUrl, { waitUntil: "load", timeout: 30_000 });
  if (response && !response.ok() && response.status() !== 0) {
    summary.failures.push(`loading the file gave status ${response.status()}`);
  }
  // Let timers, lazy loads and late handlers fire.
  await page.waitForTimeout(SETTLE_MS);

  for (const frame of page.frames()) {
    let result;
    try {
      result = await frame.evaluate(probeFrame, URL_ATTRIBUTES);
    } catch (error) {
      summary.failures.push(`cannot probe frame ${frame.url()}: ${error.message}`);
      continue;
    }
    const where = frame === page.mainFrame() ? "" : ` (frame ${frame.url()})`;
    summary.scriptElements += result.scripts;
    summary.inlineHandlers.push(...result.handlers.map((h) => h + where));
    summary.javascriptUrls.push(...result.jsUrls.map((u) => u + where));
    if (result.pwned !== null) summary.pwned.push(`window.__pwned = ${result.pwned}${where}`);
  }

  // What a person reads: the title and the visible text (cut short).
  summary.title = await page.title().catch(() => "");
  summary.text = await page
    .evaluate(() => (document.body ? document.body.innerText : document.documentElement.textContent) || "")
    .then((text) => text.slice(0, 20_000))
    .catch(() => "");

  // Full page for HTML; an SVG (or other XML) document has no body, and
  // Chromium cannot measure it for a full-page shot: take the viewport.
  const hasBody = await page.evaluate(() => document.body !== null).catch(() => false);
  await page.screenshot({ path: screenshotPath, fullPage: hasBody, timeout: 20_000 });

  const checks = [
    [summary.requests.length, "network requests"],
    [summary.websockets.length, "WebSockets"],
    [summary.scriptElements, "<script> elements"],
    [summary.inlineHandlers.length, "inline on* handlers"],
    [summary.javascriptUrls.length, "javascript: URLs"],
    [summary.dialogs.length, "dialogs"],
    [summary.pageErrors.length, "page errors"],
    [summary.consoleErrors, "console errors"],
    [summary.pwned.length, "window.__pwned set"],
  ];
  for (const [count, what] of checks) {
    if (count) summary.failures.push(`${count} ${what}`);
  }
  summary.ok = summary.failures.length === 0;
  exitCode = summary.ok ? 0 : 1;
} catch (error) {
  summary.failures.push(`browser error: ${String(error?.message ?? error).split("\n")[0]}`);
  exitCode = 2;
} finally {
  await browser?.close();
  clearTimeout(watchdog);
}

console.log(JSON.stringify(summary, null, 2));
console.error(summary.ok ? `OK ${htmlArg}` : `FAIL ${htmlArg}: ${summary.failures.join("; ")}`);
process.exit(exitCode);
