#!/usr/bin/env bash
# Installs the PyTorch peer's dependencies: Debian's python3-torch (and python3-numpy).
# Idempotent: does nothing when /usr/bin/python3 can already import torch.
# Debian's packages go to /usr/lib/python3/dist-packages, so the peer runs under /usr/bin/python3
# (a python3 earlier on PATH, e.g. pyenv's, does not see them); compare.sh picks it the same way.
set -euo pipefail

PY=/usr/bin/python3
if [ -x "$PY" ] && "$PY" -c 'import torch' >/dev/null 2>&1; then
  echo "setup: python3-torch already installed: $("$PY" -c 'import torch; print(torch.__version__)')"
  exit 0
fi

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo "setup: need root or sudo to apt-get install python3-torch" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
PKGS=(python3 python3-torch python3-numpy)
if ! "${SUDO[@]}" apt-get install -y --no-install-recommends "${PKGS[@]}"; then
  echo "setup: install failed; running apt-get update and retrying" >&2
  "${SUDO[@]}" apt-get update
  "${SUDO[@]}" apt-get install -y --no-install-recommends "${PKGS[@]}"
fi

"$PY" -c 'import torch; print("setup: installed torch", torch.__version__)'
