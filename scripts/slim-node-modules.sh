#!/bin/sh
# Removes from a production node_modules what Node never reads at run time, for the image
# (Dockerfile) and for bench/footprint.ts, which measures and starts the result:
# - better-sqlite3 compiles in place: its addon stays, the SQLite sources, object files and
#   makefiles of the build go (about 15 MB);
# - TypeScript sources and declarations, and source maps (the service runs without
#   --enable-source-maps): jira.js alone ships 16 MB of .ts sources beside its JavaScript.
set -eu
dir="${1:-node_modules}"
test -d "$dir" || { echo "slim-node-modules: no directory $dir" >&2; exit 1; }

bs="$dir/better-sqlite3"
if [ -f "$bs/build/Release/better_sqlite3.node" ]; then
  find "$bs/build" -mindepth 1 -not -path "$bs/build/Release" -not -path "$bs/build/Release/better_sqlite3.node" -delete
  rm -rf "$bs/deps" "$bs/src"
fi

find "$dir" -type f \( -name '*.ts' -o -name '*.mts' -o -name '*.cts' -o -name '*.map' -o -name '*.tsbuildinfo' \) -delete
