# Source this file: it puts a Node.js 22.12+ first on PATH, provisioning Node 24 when the
# system's is older. npm's own `#!/usr/bin/env node` then runs on that Node too.
_cdp_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
_cdp_node="$(node "$_cdp_root/scripts/ensure-node.mjs")" || return 1
export PATH="$(dirname "$_cdp_node"):$PATH"
unset _cdp_root _cdp_node
