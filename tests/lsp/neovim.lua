-- Drives Neovim's own LSP client against `blueprint lsp`, headless, for
-- tests/lsp.rs: opens a copy of a bundled design, waits for the findings,
-- asks for hover and completion, edits lines and waits for the findings to
-- change. Each thing seen is written as one line of a report that the Rust
-- test checks; the script itself only fails when the client does (a
-- timeout, an error from the server).
--
-- Runs on Neovim 0.7 (Debian 12's, with `vim.lsp.start_client`) and on
-- newer ones (`vim.lsp.start`, 0.8+).
--
-- Environment: BLUEPRINT_BIN (the binary), BLUEPRINT_DESIGN (the design to
-- open), BLUEPRINT_REPORT (where to write the report).

local bin = os.getenv('BLUEPRINT_BIN')
local design = os.getenv('BLUEPRINT_DESIGN')
local report_path = os.getenv('BLUEPRINT_REPORT')
local report = {}
local timeout = 60000

local function say(...)
  local fields = {}
  for _, value in ipairs({ ... }) do
    table.insert(fields, (tostring(value):gsub('\n', '\\n')))
  end
  table.insert(report, table.concat(fields, '\t'))
end

local function finish(code)
  vim.fn.writefile(report, report_path)
  if code == 0 then
    vim.cmd('qall!')
  else
    vim.cmd('cquit ' .. code)
  end
end

local function fail(message)
  say('error', message)
  finish(1)
end

vim.cmd('edit ' .. vim.fn.fnameescape(design))
local buf = vim.api.nvim_get_current_buf()
local config = {
  name = 'blueprint',
  cmd = { bin, 'lsp', '--today', '2026-01-01' },
  root_dir = vim.fn.fnamemodify(design, ':h'),
}
local client_id
if vim.lsp.start then
  client_id = vim.lsp.start(config)
else
  client_id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(buf, client_id)
end
if not client_id then
  fail('the client did not start')
end
say('version', tostring(vim.version().major) .. '.' .. tostring(vim.version().minor))

-- The findings of the buffer as Neovim holds them: code, line, and the text
-- the range covers (Neovim turns the server's UTF-16 columns into bytes).
local function findings()
  local seen = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local line = vim.api.nvim_buf_get_lines(buf, d.lnum, d.lnum + 1, false)[1] or ''
    local covered = line:sub(d.col + 1, d.end_lnum == d.lnum and d.end_col or #line)
    table.insert(seen, { code = d.code or '', lnum = d.lnum, text = covered })
  end
  table.sort(seen, function(a, b)
    if a.lnum ~= b.lnum then
      return a.lnum < b.lnum
    end
    return a.code < b.code
  end)
  return seen
end

local function has(code)
  for _, f in ipairs(findings()) do
    if f.code == code then
      return f
    end
  end
  return nil
end

local function wait_for(what, condition)
  if not vim.wait(timeout, condition, 20) then
    fail('timed out waiting for ' .. what)
  end
end

local function line_of(pattern)
  for index, line in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
    if line:find(pattern) then
      return index - 1, line
    end
  end
  fail('no line matches ' .. pattern)
end

local function request(method, line, character)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line, character = character },
  }
  local responses, err = vim.lsp.buf_request_sync(buf, method, params, timeout)
  if not responses then
    fail(method .. ': ' .. tostring(err))
  end
  local response = responses[client_id]
  if not response or response.err then
    fail(method .. ': ' .. vim.inspect(response and response.err))
  end
  return response.result
end

-- 1. The findings of the design as opened.
wait_for('the first findings', function()
  return #vim.diagnostic.get(buf) > 0
end)
for _, f in ipairs(findings()) do
  say('finding', f.code, f.lnum + 1, f.text)
end

-- 2. Hover on a component's name, on a quantity and on a rule code.
local gateway = line_of('^  api_gw:')
local hover = request('textDocument/hover', gateway, 4)
say('hover-component', hover and hover.contents.value or 'none')
local capacity_line, capacity_text = line_of('^    capacity: 5k/s')
hover = request('textDocument/hover', capacity_line, capacity_text:find('5k') + 1)
say('hover-quantity', hover and hover.contents.value or 'none')

-- 3. Completion of a kind, and of a component name in a call.
local kind_line, kind_text = line_of('^    kind: cache')
local completion = request('textDocument/completion', kind_line, #kind_text)
local labels = {}
for _, item in ipairs(completion.items or completion) do
  table.insert(labels, item.label)
end
say('complete-kind', table.concat(labels, ' '))
local call_line, call_text = line_of('{ to: cart_db, op: write')
completion = request('textDocument/completion', call_line, call_text:find('cart_db') + 2)
labels = {}
for _, item in ipairs(completion.items or completion) do
  table.insert(labels, item.label)
end
say('complete-to', table.concat(labels, ' '))

-- 4. Edit lines: a misspelt kind; then a component rewritten on one line
-- with text that is not ASCII before the bad value, so the finding's
-- columns must survive the trip through UTF-16.
vim.api.nvim_buf_set_lines(buf, kind_line, kind_line + 1, false, { '    kind: cahce' })
wait_for('the misspelt kind to be found', function()
  return has('BP003') ~= nil
end)
local misspelt = has('BP003')
say('after-edit', misspelt.code, misspelt.lnum + 1, misspelt.text)
vim.api.nvim_buf_set_lines(buf, kind_line, kind_line + 1, false, { kind_text })

local first = line_of('^  payment_provider:')
local last = first
local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
while lines[last + 2] and lines[last + 2] ~= '' do
  last = last + 1
end
local block = vim.api.nvim_buf_get_lines(buf, first, last + 1, false)
vim.api.nvim_buf_set_lines(buf, first, last + 1, false, {
  '  payment_provider: { kind: external, engine: "stripe-like PSP ☕ 🚀 café", capacity: 1k/s, latency: 250ms, availability: 99.95%, replicas: zéro }',
})
wait_for('the bad replica count to be found', function()
  local found = has('BP003')
  return found ~= nil and found.lnum == first
end)
local bad = has('BP003')
say('after-second-edit', bad.code, bad.lnum + 1, bad.text)

-- 5. Undo it: the findings are those of the design as opened.
vim.api.nvim_buf_set_lines(buf, first, first + 1, false, block)
wait_for('the findings of the design as opened', function()
  return has('BP003') == nil and has('BP101') ~= nil
end)
for _, f in ipairs(findings()) do
  say('restored', f.code, f.lnum + 1, f.text)
end

vim.lsp.stop_client(client_id)
vim.wait(5000, function()
  return vim.lsp.get_client_by_id(client_id) == nil
end, 20)
finish(0)
