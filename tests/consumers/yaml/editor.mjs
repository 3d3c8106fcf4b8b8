// Drives yaml-language-server over stdio as an editor does: opens a YAML
// file that names blueprint's schema in its modeline, waits for the
// diagnostics, and asks for completion at LINE:COLUMN (1-based) when given.
// Prints one JSON object: { diagnostics: [{line, column, message}],
// completions: [labels] }.
//
// Usage: node editor.mjs FILE.yaml [LINE:COLUMN]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const file = resolve(process.argv[2]);
const at = process.argv[3];
const uri = pathToFileURL(file).href;
const text = readFileSync(file, "utf8");

const server = spawn(
  process.execPath,
  [resolve(here, "node_modules/yaml-language-server/bin/yaml-language-server"), "--stdio"],
  { stdio: ["pipe", "pipe", "inherit"] },
);

let buffer = Buffer.alloc(0);
let nextId = 1;
const pending = new Map();
let onDiagnostics;

function send(message) {
  const body = Buffer.from(JSON.stringify({ jsonrpc: "2.0", ...message }));
  server.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  server.stdin.write(body);
}
function request(method, params) {
  const id = nextId++;
  send({ id, method, params });
  return new Promise((done) => pending.set(id, done));
}
function notify(method, params) {
  send({ method, params });
}

server.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const length = Number(/Content-Length: (\d+)/i.exec(buffer.slice(0, end).toString())[1]);
    if (buffer.length < end + 4 + length) return;
    const message = JSON.parse(buffer.slice(end + 4, end + 4 + length).toString());
    buffer = buffer.slice(end + 4 + length);
    if (message.id !== undefined && pending.has(message.id)) {
      pending.get(message.id)(message.result);
      pending.delete(message.id);
    } else if (message.id !== undefined && message.method) {
      // The server asks for settings: answer with the same ones.
      const items = message.params?.items ?? [];
      send({ id: message.id, result: items.map(() => settings.yaml) });
    } else if (message.method === "textDocument/publishDiagnostics" && message.params.uri === uri) {
      onDiagnostics?.(message.params.diagnostics);
    }
  }
});

const settings = {
  yaml: { validate: true, completion: true, hover: true, schemaStore: { enable: false } },
};
const failed = setTimeout(() => {
  console.error("editor.mjs: no diagnostics from yaml-language-server within 20 s");
  process.exit(2);
}, 20000);

await request("initialize", {
  processId: process.pid,
  rootUri: pathToFileURL(dirname(file)).href,
  capabilities: {
    textDocument: { completion: { completionItem: { snippetSupport: false } } },
    workspace: { configuration: true },
  },
});
notify("initialized", {});
notify("workspace/didChangeConfiguration", { settings });
const diagnostics = new Promise((done) => (onDiagnostics = done));
notify("textDocument/didOpen", { textDocument: { uri, languageId: "yaml", version: 1, text } });
const found = await diagnostics;
let completions = [];
if (at) {
  const [line, column] = at.split(":").map(Number);
  const result = await request("textDocument/completion", {
    textDocument: { uri },
    position: { line: line - 1, character: column - 1 },
  });
  completions = (Array.isArray(result) ? result : result?.items ?? []).map((item) => item.label);
}
clearTimeout(failed);
console.log(
  JSON.stringify({
    diagnostics: found.map((d) => ({
      line: d.range.start.line + 1,
      column: d.range.start.character + 1,
      message: d.message,
    })),
    completions,
  }),
);
server.kill();
process.exit(0);
