#!/usr/bin/env node
// Opens SVG diagrams blueprint drew in Debian's /usr/bin/chromium (headless,
// through playwright-core) and checks, with the boxes the browser itself
// lays the text out in, that the drawing can be read:
//   - no two text boxes overlap (names, figures, edge labels, zone labels,
//     legend, title, badge letters);
//   - no text box is crossed by a node's outline (`.bp-shape` and the
//     `.bp-outline` lines of a cylinder's lid, a queue or a cache): every
//     point of a grid over the box (1 px apart) is tested with the
//     browser's own isPointInStroke; a badge letter sits on its own node's
//     corner by design and is only checked against the other nodes;
//   - a node's own lines lie inside its shape (isPointInFill at the corners)
//     and no other text lies inside a node.
// Prints a JSON summary per file on stdout; exit 0 when every file is
// clean, 1 when one is not, 2 on a usage error or when the browser fails.
//
// Usage: node overlap.mjs DIAGRAM.svg...
import { stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { openBrowser, startWatchdog } from "./chromium.mjs";

const WATCHDOG_MS = 120_000;

const files = process.argv.slice(2);
if (files.length === 0 || files.some((a) => a === "-h" || a === "--help")) {
  console.error("usage: node overlap.mjs DIAGRAM.svg...");
  process.exit(2);
}
for (const file of files) {
  try {
    if (!(await stat(file)).isFile()) throw new Error("not a file");
  } catch (error) {
    console.error(`overlap: cannot open ${file}: ${error.message}`);
    process.exit(2);
  }
}

const watchdog = startWatchdog("overlap", WATCHDOG_MS);

// Runs in the page: every problem found, as text.
function probe() {
  const problems = [];
  const describe = (el) => {
    const text = (el.textContent || "").trim().slice(0, 40);
    return `${el.getAttribute("class") || "text"} "${text}"`;
  };
  const boxOf = (el) => {
    const r = el.getBoundingClientRect();
    return { left: r.left, top: r.top, right: r.right, bottom: r.bottom };
  };
  const intersect = (a, b, slack) =>
    a.left < b.right - slack && b.left < a.right - slack && a.top < b.bottom - slack && b.top < a.bottom - slack;
  // A point of the page in an element's own user space.
  const local = (el, x, y) => {
    const matrix = el.getScreenCTM().inverse();
    return new DOMPoint(x, y).matrixTransform(matrix);
  };

  const texts = [...document.querySelectorAll("text")].filter((el) => (el.textContent || "").trim() !== "");
  const boxes = texts.map(boxOf);
  // Text boxes touch by design only within half a pixel (line spacing).
  for (let i = 0; i < texts.length; i++) {
    for (let j = i + 1; j < texts.length; j++) {
      if (intersect(boxes[i], boxes[j], 0.5)) {
        problems.push(`${describe(texts[i])} overlaps ${describe(texts[j])}`);
      }
    }
  }

  const nodes = [...document.querySelectorAll("g.bp-node")].map((group) => ({
    group,
    shape: group.querySelector(".bp-shape"),
    lines: [...group.querySelectorAll(".bp-shape, .bp-outline")],
    box: boxOf(group.querySelector(".bp-shape")),
    name: (group.querySelector(".bp-name")?.textContent || "").trim(),
  }));
  texts.forEach((text, index) => {
    const box = boxes[index];
    const owner = nodes.find((node) => node.group.contains(text));
    const badge = text.closest(".bp-badge") !== null;
    for (const node of nodes) {
      if (!intersect(box, node.box, 0)) continue;
      const own = node === owner;
      if (own && badge) continue;
      // The outline through the text?
      let crossed = false;
      for (let y = Math.ceil(box.top); y <= Math.floor(box.bottom) && !crossed; y++) {
        for (let x = Math.ceil(box.left); x <= Math.floor(box.right) && !crossed; x++) {
          crossed = node.lines.some((line) => line.isPointInStroke(local(line, x, y)));
        }
      }
      if (crossed) {
        problems.push(`the outline of node ${node.name} crosses ${describe(text)}`);
        continue;
      }
      const corners = [
        [box.left + 0.5, box.top + 0.5],
        [box.right - 0.5, box.top + 0.5],
        [box.left + 0.5, box.bottom - 0.5],
        [box.right - 0.5, box.bottom - 0.5],
      ];
      const inFill = corners.map(([x, y]) => node.shape.isPointInFill(local(node.shape, x, y)));
      if (own && inFill.some((inside) => !inside)) {
        problems.push(`${describe(text)} sticks out of the shape of node ${node.name}`);
      }
      if (!own && inFill.some((inside) => inside)) {
        problems.push(`${describe(text)} lies inside node ${node.name}`);
      }
    }
  });
  return { texts: texts.length, nodes: nodes.length, problems };
}

let browser;
let exitCode = 2;
const results = [];
try {
  browser = await openBrowser("overlap", {
    viewport: { width: 1600, height: 1200 },
  });
  const { context } = browser;
  // Nothing but the files themselves is loaded.
  await context.route("**/*", (route) =>
    route.request().url().startsWith("file:") ? route.continue() : route.abort("blockedbyclient"),
  );
  const page = context.pages()[0] ?? (await context.newPage());
  for (const file of files) {
    await page.goto(pathToFileURL(path.resolve(file)).href, { waitUntil: "load", timeout: 30_000 });
    const result = await page.evaluate(probe);
    results.push({ file, ok: result.problems.length === 0 && result.texts > 0, ...result });
  }
  exitCode = results.every((result) => result.ok) ? 0 : 1;
} catch (error) {
  console.error(`overlap: browser error: ${String(error?.message ?? error).split("\n")[0]}`);
  exitCode = 2;
} finally {
  await browser?.close();
  clearTimeout(watchdog);
}

console.log(JSON.stringify(results, null, 2));
for (const result of results) {
  console.error(result.ok ? `OK ${result.file}` : `FAIL ${result.file}: ${result.problems.join("; ") || "no text"}`);
}
process.exit(exitCode);
