#!/usr/bin/env bash
# Vendors the pinned GraphiQL explorer (see package.json / package-lock.json)
# into crates/hub-web/assets/graphiql/, so the hub serves it from its own
# origin under a strict Content-Security-Policy (default-src 'self', no
# 'unsafe-inline', no 'unsafe-eval', no data: sources).
#
#   ./vendor.sh          install (npm ci) and write the vendored files
#   ./vendor.sh --check  install and compare against the committed files;
#                        exit 1 on any drift (for CI)
#
# Produced files (everything else in assets/graphiql/ is ours and untouched):
#   react.min.js       <- react/umd/react.production.min.js
#   react-dom.min.js   <- react-dom/umd/react-dom.production.min.js
#   graphiql.min.js    <- graphiql/graphiql.min.js
#   graphiql.min.css   <- graphiql/graphiql.min.css, with its embedded
#                         data: fonts and images moved out to media/<sha>.<ext>
#                         (font-src/img-src 'self' then suffice)
#   media/*            the files extracted from graphiql.min.css
# The trailing sourceMappingURL comments are dropped (the .map files are not
# vendored, and a dangling reference only makes devtools request a 404).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
dest="$(cd "$here/../.." && pwd)/assets/graphiql"

check=0
case "${1:-}" in
  "") ;;
  --check) check=1 ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

command -v npm >/dev/null || { echo "vendor.sh: npm not found (need node 20 / npm)" >&2; exit 2; }

# Installed outside the repository: the packages' own docs (with links to their sites) never sit
# in the tree, only the files copied below.
build="$(mktemp -d)"
cp "$here/package.json" "$here/package-lock.json" "$build/"
(cd "$build" && npm ci --no-audit --no-fund)

nm="$build/node_modules"
for f in react/umd/react.production.min.js \
         react-dom/umd/react-dom.production.min.js \
         graphiql/graphiql.min.js \
         graphiql/graphiql.min.css; do
  [[ -f "$nm/$f" ]] || { echo "vendor.sh: missing $nm/$f" >&2; exit 2; }
done

out="$(mktemp -d)"
trap 'rm -rf "$out" "$build"' EXIT

cp "$nm/react/umd/react.production.min.js"         "$out/react.min.js"
cp "$nm/react-dom/umd/react-dom.production.min.js" "$out/react-dom.min.js"
# Drop a trailing "//# sourceMappingURL=..." line, if any.
sed -e '/^\/\/# sourceMappingURL=/d' "$nm/graphiql/graphiql.min.js" > "$out/graphiql.min.js"

# Move every url(data:...;base64,...) in the CSS out to media/<sha256/16>.<ext>
# and point the CSS at it (relative URL, so it resolves next to the CSS).
node - "$nm/graphiql/graphiql.min.css" "$out" <<'JS'
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const [src, out] = process.argv.slice(2);
const ext = {
  'font/woff2': 'woff2', 'font/woff': 'woff', 'font/ttf': 'ttf', 'font/otf': 'otf',
  'application/font-woff': 'woff', 'application/x-font-woff': 'woff',
  'image/png': 'png', 'image/gif': 'gif', 'image/jpeg': 'jpg', 'image/svg+xml': 'svg',
};
let css = fs.readFileSync(src, 'utf8');
css = css.replace(/\/\*# sourceMappingURL=[^*]*\*\/\s*$/, '');
fs.mkdirSync(path.join(out, 'media'), { recursive: true });
let n = 0;
css = css.replace(/url\(\s*(["']?)data:([a-z0-9.+\/-]+)(?:;charset=[^;,]+)?;base64,([A-Za-z0-9+\/=\s]+)\1\s*\)/gi,
  (whole, _q, mime, b64) => {
    const e = ext[mime.toLowerCase()];
    if (!e) throw new Error(`vendor.sh: unexpected data: type ${mime} in graphiql.min.css`);
    const buf = Buffer.from(b64.replace(/\s+/g, ''), 'base64');
    const name = `media/${crypto.createHash('sha256').update(buf).digest('hex').slice(0, 16)}.${e}`;
    fs.writeFileSync(path.join(out, name), buf);
    n++;
    return `url(${name})`;
  });
if (/data:/.test(css.replace(/\/\*[\s\S]*?\*\//g, ''))) {
  throw new Error('vendor.sh: graphiql.min.css still contains a data: URL that was not extracted');
}
fs.writeFileSync(path.join(out, 'graphiql.min.css'), css);
console.error(`vendor.sh: moved ${n} data: URLs out of graphiql.min.css`);
JS

# The vendored set, relative to assets/graphiql/ (sorted, stable).
list_vendored() {
  ( cd "$1" && { ls -1 react.min.js react-dom.min.js graphiql.min.js graphiql.min.css 2>/dev/null || true
                 [[ -d media ]] && find media -type f | LC_ALL=C sort; } )
}

if [[ "$check" == 1 ]]; then
  drift=0
  if [[ ! -d "$dest" ]]; then
    echo "vendor.sh --check: $dest does not exist" >&2
    exit 1
  fi
  while IFS= read -r f; do
    if [[ ! -f "$dest/$f" ]]; then
      echo "DRIFT: missing in committed assets: $f" >&2; drift=1
    elif ! cmp -s "$out/$f" "$dest/$f"; then
      echo "DRIFT: differs from a fresh vendor: $f" >&2; drift=1
    fi
  done < <(list_vendored "$out")
  while IFS= read -r f; do
    [[ -f "$out/$f" ]] || { echo "DRIFT: committed but no longer produced: $f" >&2; drift=1; }
  done < <(list_vendored "$dest")
  if [[ "$drift" == 1 ]]; then
    echo "vendor.sh --check: crates/hub-web/assets/graphiql is out of date with package-lock.json;" \
         "run crates/hub-web/assets-src/graphiql/vendor.sh and commit the result" >&2
    exit 1
  fi
  echo "vendor.sh --check: vendored GraphiQL assets are up to date"
  exit 0
fi

mkdir -p "$dest"
rm -rf "$dest/media"
cp -R "$out/media" "$dest/media"
for f in react.min.js react-dom.min.js graphiql.min.js graphiql.min.css; do
  cp "$out/$f" "$dest/$f"
done
echo "vendor.sh: wrote $(list_vendored "$dest" | wc -l) files to $dest"
