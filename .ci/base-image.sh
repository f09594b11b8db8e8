#!/usr/bin/env bash
# Make a local base image for the sandbox (no registry is reachable) from this machine's Debian python3:
# the interpreter, its standard library and exactly the shared libraries they link against, imported with
# "docker import"; then build the sandbox image on it with "codeassist sandbox build --base".
#   .ci/base-image.sh [BASE_TAG]        (default codeassist-sandbox-base:local; honours DOCKER_HOST)
# PYTHON: the interpreter with codeassist_env installed (default python3).
set -euo pipefail
tag="${1:-codeassist-sandbox-base:local}"
py="${CODEASSIST_SANDBOX_PYTHON:-/usr/bin/python3}"
[ -x "$py" ] || { echo "$py not found: apt-get install python3" >&2; exit 1; }
real_py="$(readlink -f "$py")"
stdlib="$("$py" -c 'import sysconfig; print(sysconfig.get_paths()["stdlib"])')"
version="$(basename "$stdlib")"   # e.g. python3.11

root="$(mktemp -d)"
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/usr/bin" "$root/usr/lib" "$root/usr/lib64" "$root/tmp" "$root/etc"
chmod 1777 "$root/tmp"
ln -s usr/bin "$root/bin"; ln -s usr/lib "$root/lib"; ln -s usr/lib64 "$root/lib64"

cp -L "$real_py" "$root/usr/bin/$version"
ln -s "$version" "$root/usr/bin/python3"
# The standard library without its test suite and GUI/packaging extras the sandbox never needs.
tar -C / --exclude="${stdlib#/}/test" --exclude="${stdlib#/}/idlelib" --exclude="${stdlib#/}/tkinter" \
    --exclude="${stdlib#/}/ensurepip" --exclude="${stdlib#/}/lib2to3" --exclude='*/__pycache__/*.opt-*.pyc' \
    -cf - "${stdlib#/}" | tar -C "$root" -xf -
[ -d "/etc/$version" ] && cp -a "/etc/$version" "$root/etc/"

# Every shared library the interpreter and its extension modules load, copied to the path the loader uses.
ldd "$real_py" "$stdlib"/lib-dynload/*.so 2>/dev/null \
  | awk '/=> \// {print $3} /^\t\/[^ ]*ld-linux/ {print $1}' | sort -u \
  | while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
cp -L /etc/ld.so.cache "$root/etc/" 2>/dev/null || true

tar -C "$root" -cf - . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' --change 'CMD ["python3"]' - "$tag" >/dev/null
docker run --rm --network none "$tag" python3 -c 'import json, resource, select; print("base image ok:", "'"$tag"'")'
"${PYTHON:-python3}" -m codeassist_env.cli sandbox build --base "$tag"
