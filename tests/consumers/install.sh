#!/usr/bin/env bash
# Installs the real programs the tests hand blueprint's outputs to
# (tests/render_consumers.rs and the other consumer tests):
#   - Debian packages: Graphviz `dot`, `xmllint`, Debian's /usr/bin/chromium,
#     Neovim (tests/lsp.rs drives its LSP client);
#   - Node packages, one folder beside this script per checker, installed
#     with `npm ci` from its committed package-lock.json: Mermaid's parser
#     (mermaid/), playwright-core driving Debian's Chromium (browser/),
#     D2's WASM build (d2/), the LikeC4 CLI (likec4/), yaml-language-server
#     (yaml/). No browser is ever downloaded.
#
# Adding a consumer:
#   - a Debian package: one line in `apt_consumers` below, "PACKAGE COMMAND
#     [ARGS]": the package, a command it must provide, and arguments with
#     which that command must exit 0 (a version flag);
#   - a Node checker: a folder tests/consumers/NAME with a package.json
#     (exact versions) and the package-lock.json that
#     `npm install --package-lock-only --ignore-scripts` writes in it, and
#     NAME added to `node_folders` below. Its direct dependencies must
#     import without error; that is checked after each `npm ci`.
#
# Idempotent and quick: it installs only what is missing (a Debian package
# not installed; a node_modules whose lock file changed or whose packages
# are gone), so a second run only checks (about a second). Works on a fresh
# Debian 12 machine that reaches only the package registries, as root or
# with passwordless sudo. Fails loudly (non-zero, naming what failed) when
# something cannot be installed or does not run afterwards.
#
# Usage: bash tests/consumers/install.sh   (tests/run calls it)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# ----- what to install ------------------------------------------------------

# "PACKAGE COMMAND [ARGS]": a Debian package, a command it provides, and
# arguments with which the command must exit 0.
apt_consumers=(
    "graphviz dot -V"
    "libxml2-utils xmllint --version"
    "chromium /usr/bin/chromium --version"
    "neovim nvim --version"
)
# Folders beside this script with a package.json and a package-lock.json.
node_folders=(mermaid browser d2 likec4 yaml)
# jsdom 29 (mermaid/) and likec4 1.46 need node ^20.19 (or >= 22.18).
min_node_major=20
min_node_minor=19

# -----------------------------------------------------------------------------

fail() {
    echo "install.sh: ERROR: $*" >&2
    exit 1
}
trap 'echo "install.sh: ERROR: command failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

# --- 1. Debian packages -------------------------------------------------

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

apt_packages=()
for entry in "${apt_consumers[@]}"; do
    read -r package _ <<<"$entry"
    apt_packages+=("$package")
done

missing=()
for package in "${apt_packages[@]}"; do
    if ! installed "$package"; then
        missing+=("$package")
    fi
done

if ((${#missing[@]})); then
    command -v apt-get >/dev/null || fail "apt-get not found: this script needs Debian (to install ${missing[*]})"
    sudo=()
    if [[ $(id -u) -ne 0 ]]; then
        command -v sudo >/dev/null || fail "not root and no sudo: cannot install ${missing[*]}"
        sudo=(sudo -n)
    fi
    echo "== apt-get update (to install: ${missing[*]})"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 -q update \
        || fail "apt-get update failed"
    echo "== apt-get install ${missing[*]}"
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get -o DPkg::Lock::Timeout=300 -q -y install "${missing[@]}" \
        || fail "apt-get install ${missing[*]} failed"
else
    echo "== Debian packages already installed: ${apt_packages[*]}"
fi

for entry in "${apt_consumers[@]}"; do
    read -r package command args <<<"$entry"
    installed "$package" || fail "Debian package $package is still not installed"
    command -v "$command" >/dev/null \
        || fail "$package is installed but $command is not on PATH"
    # Debian's chromium wrapper may print a harmless "[: ...: unexpected
    # operator" line on stderr, so only the exit status counts.
    # shellcheck disable=SC2086 # ARGS are words
    "$command" $args >/dev/null 2>&1 || fail "\`$command $args\` (from $package) does not run"
    dpkg-query -W -f='${Package} ${Version}\n' "$package"
done

# --- 2. Node checkers ---------------------------------------------------

command -v node >/dev/null || fail "node not found (need node >= $min_node_major.$min_node_minor; Debian 12's nodejs is too old)"
command -v npm >/dev/null || fail "npm not found"
node_version="$(node -p 'process.versions.node')"
IFS=. read -r node_major node_minor _ <<<"$node_version"
if ((node_major < min_node_major || (node_major == min_node_major && node_minor < min_node_minor))); then
    fail "node $node_version is too old: the checkers need node >= $min_node_major.$min_node_minor"
fi
echo "node $node_version, npm $(npm --version 2>/dev/null)"

# Never download a browser: the checkers use Debian's /usr/bin/chromium.
export PUPPETEER_SKIP_DOWNLOAD=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

for folder in "${node_folders[@]}"; do
    dir="$here/$folder"
    [[ -f $dir/package.json ]] || fail "$dir/package.json is missing"
    [[ -f $dir/package-lock.json ]] || fail "$dir/package-lock.json is missing"
    dependencies="$(cd "$dir" && node -p 'Object.keys(require("./package.json").dependencies || {}).join(" ")')"
    # A stamp holding the lock file's hash marks a finished `npm ci`, so an
    # unchanged lock file is not installed again; every direct dependency
    # must be there too (a half-deleted folder is installed again).
    want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1) node-$node_major"
    stamp="$dir/node_modules/.blueprint-install-stamp"
    complete=yes
    for dependency in $dependencies; do
        [[ -f $dir/node_modules/$dependency/package.json ]] || complete=no
    done
    if [[ $complete == yes && -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
        echo "== $folder: node_modules up to date ($dependencies)"
        continue
    fi
    echo "== npm ci in tests/consumers/$folder"
    # --ignore-scripts: none of these packages needs an install script, and
    # it rules out any download of a browser build.
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
        || fail "npm ci failed in $dir"
    # Each direct dependency must load before the stamp says it is there.
    (cd "$dir" && node --input-type=module -e '
        import { readFileSync } from "node:fs";
        for (const name of process.argv.slice(1)) {
            const meta = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8"));
            await import(name);
            console.log(`${name} ${meta.version}`);
        }
    ' $dependencies) || fail "the packages of tests/consumers/$folder do not load"
    echo "$want" >"$stamp"
done

echo "== consumers installed"
