#!/bin/sh
# Copies what the runtime image needs of each given workspace that was compiled (has dist/: the
# image's workspace and what it references) into <out>/<workspace>: package.json,
# the compiled dist/ (without declarations and source maps) and the data files next to them
# (schema.graphql, sample data). Sources, tests and build configs stay behind.
set -eu
out=$1
shift
for workspace in "$@"; do
  [ -d "$workspace/dist" ] || continue
  mkdir -p "$out/$workspace"
  (cd "$workspace" && tar -cf - --exclude=./src --exclude=./test --exclude=./migrations --exclude=./worker \
    --exclude=./scripts --exclude=./node_modules --exclude='./tsconfig*' --exclude='*.tsbuildinfo' \
    --exclude='*.d.ts' --exclude='*.map' --exclude=./Dockerfile --exclude=./bin .) | tar -xf - -C "$out/$workspace"
done
