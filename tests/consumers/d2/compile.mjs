#!/usr/bin/env node
// Compiles each D2 file given with D2's own compiler (the WASM build in
// @terrastruct/d2, the same Go code as the `d2` binary: parse, compile, lay
// out with dagre), then renders it to SVG.
//
// Usage: node compile.mjs FILE...
// Prints one JSON line per file:
//   {"file", "ok": true, "shapes": [{"id", "label"}], "connections": [{"src", "dst", "label"}], "svgBytes"}
//   {"file", "ok": false, "error": "..."}
// exits 0 when all compile, 1 when any fails, 2 on a usage error.
import { readFile } from "node:fs/promises";
import { D2 } from "@terrastruct/d2";

const files = process.argv.slice(2);
if (files.length === 0 || files.includes("--help") || files.includes("-h")) {
  console.error("usage: node compile.mjs FILE...");
  process.exit(2);
}

const d2 = new D2();
let failed = 0;
for (const file of files) {
  try {
    const text = await readFile(file, "utf8");
    const result = await d2.compile(text);
    const svg = await d2.render(result.diagram, result.renderOptions);
    const shapes = result.diagram.shapes.map((shape) => ({ id: shape.id, label: shape.label }));
    const connections = result.diagram.connections.map((connection) => ({
      src: connection.src,
      dst: connection.dst,
      label: connection.label,
    }));
    console.log(JSON.stringify({ file, ok: true, shapes, connections, svgBytes: svg.length }));
  } catch (error) {
    failed += 1;
    const message = typeof error === "string" ? error : (error?.message ?? JSON.stringify(error));
    console.log(JSON.stringify({ file, ok: false, error: String(message) }));
  }
}
// D2's web worker keeps the event loop alive.
process.exit(failed ? 1 : 0);
