# Put Node.js 24 LTS first on PATH when the system's Node is older. Source it: `. scripts/node24.sh`.
#
# Node comes from the npm registry's `node-linux-<arch>` package (the same binaries as nodejs.org, with
# bin/node and include/node), unpacked once into a cache folder outside the repository. Native modules
# (better-sqlite3) are then built against those headers: npm_config_nodedir points node-gyp at them,
# so nothing is downloaded from outside the registry.
#
# NODE24_VERSION (default below) picks the exact release; NODE24_CACHE the cache folder.
# shellcheck shell=bash

node24_version="${NODE24_VERSION:-24.22.3}"

node24_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

if [ "$(node24_major)" -lt 24 ]; then
  case "$(uname -m)" in
    x86_64 | amd64) node24_arch=x64 ;;
    aarch64 | arm64) node24_arch=arm64 ;;
    *)
      echo "node24.sh: no Node 24 package for $(uname -m)" >&2
      return 1 2>/dev/null || exit 1
      ;;
  esac
  node24_home="${NODE24_CACHE:-${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/payment-kiosk}/node-v${node24_version}-linux-${node24_arch}"
  if [ ! -x "$node24_home/bin/node" ] || [ ! -f "$node24_home/include/node/node.h" ]; then
    echo "node24.sh: installing Node ${node24_version} from the npm registry into ${node24_home}"
    node24_tmp="$(mktemp -d)"
    (cd "$node24_tmp" && npm pack "node-linux-${node24_arch}@${node24_version}" --silent --no-audit --no-fund >/dev/null)
    tar -xzf "$node24_tmp"/node-linux-"${node24_arch}"-*.tgz -C "$node24_tmp"
    mkdir -p "$(dirname "$node24_home")"
    rm -rf "$node24_home"
    mv "$node24_tmp/package" "$node24_home"
    rm -rf "$node24_tmp"
  fi
  export PATH="$node24_home/bin:$PATH"
  # node-gyp builds against these headers instead of downloading them (npm's own nodedir may point at
  # the system Node's headers, which would give the wrong ABI).
  export npm_config_nodedir="$node24_home"
  hash -r
fi
echo "node24.sh: using Node $(node --version) ($(command -v node)), npm $(npm --version)"
