#!/usr/bin/env node
// Parses each Mermaid file given with mermaid's own parser (`mermaid.parse`),
// the same code that mermaid-cli, GitHub and editors run before they draw.
// No browser: jsdom supplies `window` and `document`, which mermaid's
// DOMPurify needs when the module loads (without them it dies with
// "DOMPurify.addHook is not a function"). Syntax only, no layout.
//
// Usage: node parse.mjs FILE...
// Prints `OK FILE (diagramType=...)` or `FAIL FILE: message` per file;
// exits 0 when all parse, 1 when any fails, 2 on a usage error.
import { readFile } from "node:fs/promises";
import { JSDOM } from "jsdom";

const files = process.argv.slice(2);
if (files.length === 0 || files.includes("--help") || files.includes("-h")) {
  console.error("usage: node parse.mjs FILE...");
  process.exit(2);
}

const dom = new JSDOM("<!doctype html><html><body></body></html>", {
  pretendToBeVisual: true,
});
// Globals must exist before mermaid (and DOMPurify inside it) is imported.
globalThis.window = dom.window;
globalThis.document = dom.window.document;
for (const name of ["Element", "HTMLElement", "SVGElement", "Node", "DOMParser", "MutationObserver"]) {
  if (globalThis[name] === undefined && dom.window[name] !== undefined) {
    globalThis[name] = dom.window[name];
  }
}

const { default: mermaid } = await import("mermaid");
mermaid.initialize({ startOnLoad: false, securityLevel: "strict" });

let failed = 0;
for (const file of files) {
  let text;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    failed += 1;
    console.log(`FAIL ${file}: cannot read: ${error.message}`);
    continue;
  }
  try {
    const result = await mermaid.parse(text);
    if (!result || !result.diagramType) {
      failed += 1;
      console.log(`FAIL ${file}: mermaid.parse returned ${JSON.stringify(result)}`);
    } else {
      console.log(`OK ${file} (diagramType=${result.diagramType})`);
    }
  } catch (error) {
    failed += 1;
    const message = String(error?.message ?? error).trim().replace(/\n+/g, "\n    ");
    console.log(`FAIL ${file}: ${message}`);
  }
}
process.exit(failed ? 1 : 0);
