// What the browser checks share: Debian's Chromium, headless through
// playwright-core, with a fresh profile that is removed afterwards, and a
// watchdog that gives up (exit 2) when the browser hangs.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium } from "playwright-core";

const CHROMIUM = process.env.BLUEPRINT_CHROMIUM || "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-dev-shm-usage",
];

// Exits with 2 after `ms` unless the returned timer is cleared.
export function startWatchdog(tool, ms) {
  return setTimeout(() => {
    console.error(`${tool}: gave up after ${ms} ms`);
    process.exit(2);
  }, ms);
}

// A browser context on a fresh profile, with playwright's `options`
// (viewport, colour scheme) on top of ours; `close` shuts it and removes
// the profile, and never throws.
export async function openBrowser(tool, options) {
  const userDataDir = await mkdtemp(path.join(tmpdir(), `${tool}-profile-`));
  let context;
  const close = async () => {
    await context?.close().catch(() => {});
    await rm(userDataDir, { recursive: true, force: true }).catch(() => {});
  };
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: FLAGS,
      chromiumSandbox: false,
      timeout: 30_000,
      ...options,
    });
  } catch (error) {
    await close();
    throw error;
  }
  return { context, close };
}
