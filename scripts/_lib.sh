# Shared by scripts/demo and scripts/test (sourced, not run): find Python 3.12, make the venv.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

is_py312() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] < (3, 12))' 2>/dev/null; }

# Python 3.12 as pinned by .python-version: pyenv first (plain python3 may be older).
find_python() {
    local candidate
    if command -v pyenv >/dev/null 2>&1; then
        candidate="$(cd "$ROOT" && pyenv which python 2>/dev/null || true)"
        if [ -n "$candidate" ] && is_py312 "$candidate"; then PYTHON="$candidate"; return; fi
        for candidate in "$(pyenv root)"/versions/3.12*/bin/python; do
            if [ -x "$candidate" ] && is_py312 "$candidate"; then PYTHON="$candidate"; return; fi
        done
    fi
    for candidate in python3.12 python3 python; do
        if command -v "$candidate" >/dev/null 2>&1 && is_py312 "$candidate"; then
            PYTHON="$(command -v "$candidate")"; return
        fi
    done
    die "Python >= 3.12 not found (install it with pyenv: pyenv install 3.12)"
}

# ensure_venv ""      -> the project;  ensure_venv "dev" -> the project with [dev] tools.
# Reinstalls only when pyproject.toml changed (a stamp in .venv records what was installed).
ensure_venv() {
    local extras="$1" stamp="$ROOT/.venv/.gongdan-installed" key
    if [ -x "$ROOT/.venv/bin/python" ] && ! is_py312 "$ROOT/.venv/bin/python"; then
        say "Replacing .venv (not Python 3.12)"; rm -rf "$ROOT/.venv"
    fi
    if [ ! -x "$ROOT/.venv/bin/python" ]; then
        find_python
        say "Creating .venv with $("$PYTHON" --version) ($PYTHON)"
        "$PYTHON" -m venv "$ROOT/.venv"
    fi
    key="$(sha256sum "$ROOT/pyproject.toml" | cut -c1-16)"
    if grep -qx "$key dev" "$stamp" 2>/dev/null || grep -qx "$key $extras" "$stamp" 2>/dev/null; then
        return
    fi
    say "Installing gongdan${extras:+[$extras]} into .venv"
    "$ROOT/.venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        -e "$ROOT${extras:+[$extras]}"
    echo "$key $extras" > "$stamp"
}
