#!/usr/bin/env bash
# Installs the real consumers that tests/render_consumers.rs hands blueprint's
# rendered outputs to:
#   - Graphviz `dot`            (Debian package graphviz)
#   - `xmllint`                 (Debian package libxml2-utils)
#   - Debian's /usr/bin/chromium (Debian package chromium)
#   - the Node checkers' packages (npm ci in each folder beside this script,
#     from the committed package-lock.json; no browser is ever downloaded)
#
# Idempotent: installs only what is missing, so a second run does nothing
# but check. Works on a fresh Debian 12 machine that reaches only the
# package registries. Fails loudly (non-zero, naming what failed) when
# something cannot be installed or does not run afterwards.
#
# Usage: bash tests/consumers/install.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

fail() {
    echo "install.sh: ERROR: $*" >&2
    exit 1
}
trap 'echo "install.sh: ERROR: command failed (exit $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

# Node folders with a package.json and a committed package-lock.json.
node_folders=(mermaid browser)
# Debian packages and the command each one must provide.
apt_packages=(graphviz libxml2-utils chromium neovim)
declare -A provides=(
    [graphviz]=dot
    [libxml2-utils]=xmllint
    [chromium]=/usr/bin/chromium
    [neovim]=nvim
)
# jsdom 29 needs node ^20.19 (or >= 22.13).
min_node_major=20
min_node_minor=19

# --- 1. Debian packages -------------------------------------------------

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q '^install ok installed$'
}

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

for package in "${apt_packages[@]}"; do
    installed "$package" || fail "Debian package $package is still not installed"
    command -v "${provides[$package]}" >/dev/null \
        || fail "$package is installed but ${provides[$package]} is not on PATH"
done

# --- 2. Node checkers ---------------------------------------------------

command -v node >/dev/null || fail "node not found (need node >= $min_node_major.$min_node_minor; Debian 12's nodejs is too old)"
command -v npm >/dev/null || fail "npm not found"
node_version="$(node -p 'process.versions.node')"
IFS=. read -r node_major node_minor _ <<<"$node_version"
if ((node_major < min_node_major || (node_major == min_node_major && node_minor < min_node_minor))); then
    fail "node $node_version is too old: the checkers need node >= $min_node_major.$min_node_minor"
fi

# Never download a browser: the checkers use Debian's /usr/bin/chromium.
export PUPPETEER_SKIP_DOWNLOAD=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false

for folder in "${node_folders[@]}"; do
    dir="$here/$folder"
    [[ -f $dir/package-lock.json ]] || fail "$dir/package-lock.json is missing"
    # A stamp holding the lock file's hash marks a finished `npm ci`, so an
    # unchanged lock file is not installed again.
    want="$(sha256sum "$dir/package-lock.json" | cut -d' ' -f1) node-$node_major"
    stamp="$dir/node_modules/.blueprint-install-stamp"
    # Every direct dependency must be there too (a half-deleted folder is
    # installed again).
    complete=yes
    for dependency in $(cd "$dir" && node -p 'Object.keys(require("./package.json").dependencies || {}).join(" ")'); do
        [[ -f $dir/node_modules/$dependency/package.json ]] || complete=no
    done
    if [[ $complete == yes && -f $stamp && "$(cat "$stamp")" == "$want" ]]; then
        echo "== $folder: node_modules up to date"
        continue
    fi
    echo "== npm ci in tests/consumers/$folder"
    # --ignore-scripts: none of these packages needs an install script, and
    # it rules out any download of a browser build.
    (cd "$dir" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) \
        || fail "npm ci failed in $dir"
    echo "$want" >"$stamp"
done

# --- 3. Check that every consumer runs ----------------------------------

echo "== installed versions"
dot -V 2>&1 || fail "dot does not run"
xmllint_version="$(xmllint --version 2>&1)" || fail "xmllint does not run"
echo "${xmllint_version%%$'\n'*}"
# Debian's wrapper may print a harmless "[: ...: unexpected operator" line.
chromium_version="$(/usr/bin/chromium --version 2>/dev/null)" || fail "/usr/bin/chromium does not run"
echo "$chromium_version"
echo "node $node_version, npm $(npm --version 2>/dev/null)"
(cd "$here/mermaid" && node --input-type=module -e '
    import { readFileSync } from "node:fs";
    for (const name of ["mermaid", "jsdom"]) {
        const meta = JSON.parse(readFileSync(`node_modules/${name}/package.json`, "utf8"));
        console.log(`${name} ${meta.version}`);
    }
    await import("jsdom");
') || fail "the mermaid checker's packages do not load"
(cd "$here/browser" && node --input-type=module -e '
    import { readFileSync } from "node:fs";
    const meta = JSON.parse(readFileSync("node_modules/playwright-core/package.json", "utf8"));
    console.log(`playwright-core ${meta.version}`);
    await import("playwright-core");
') || fail "the browser checker's packages do not load"

echo "== consumers installed"
