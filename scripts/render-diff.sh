#!/usr/bin/env bash
# The offline render's diff between a base commit and this checkout, as Markdown for a pull-request
# comment. Pull requests from forks get this instead of a preview: they run without credentials.
#
#   scripts/render-diff.sh BASE [OUTPUT.md]      (STACKS="dev prod" to limit; default every stack)
#
# Each side is rendered by its own code (the base in a temporary git worktree), so a change to the
# program shows as well as a change to vms/ or a stack file. Exit 0 whatever the diff says.
set -euo pipefail
cd "$(dirname "$0")/.."

base="${1:?usage: scripts/render-diff.sh BASE [OUTPUT.md]}"
output="${2:-render-diff.md}"
limit=64000
head_dir="$PWD"
work="$(mktemp -d)"
cleanup() {
  git -C "$head_dir" worktree remove --force "$work/base" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

git worktree add --quiet --detach "$work/base" "$base"
if [ -d node_modules ] && cmp -s package-lock.json "$work/base/package-lock.json"; then
  ln -s "$head_dir/node_modules" "$work/base/node_modules" # same lockfile, same dependencies
else
  (cd "$work/base" && npm ci --no-audit --no-fund --silent)
fi

if [ -z "${STACKS:-}" ]; then
  STACKS="$(find . -maxdepth 1 -name 'Pulumi.*.yaml' | sed -n 's|^\./Pulumi\.\(.*\)\.yaml$|\1|p' | sort | tr '\n' ' ')"
fi

# render DIR STACK SIDE: DIR's own render of STACK into $work/SIDE/STACK; a failed render leaves its report.
render() {
  local dir="$1" stack="$2" side="$3"
  mkdir -p "$work/$side"
  # The project's esbuild loader where the checkout has one; older checkouts ran the render with ts-node.
  local runner=(node_modules/.bin/ts-node --transpile-only)
  [ -f "$dir/loader/register.js" ] && runner=(node --require ./loader/register.js)
  if (cd "$dir" && "${runner[@]}" render/cli.ts "$stack" >/dev/null 2>"$work/$stack.$side.err"); then
    cp -r "$dir/out/$stack" "$work/$side/$stack"
  else
    mkdir -p "$work/$side/$stack"
    cp "$work/$stack.$side.err" "$work/$side/$stack/render-failed.txt"
  fi
}

read -ra stacks <<<"$STACKS"
# Base and head side by side: two separate checkouts and output folders, and each render spends
# most of its time in one process's startup and type loading.
for stack in "${stacks[@]}"; do
  render "$work/base" "$stack" a &
  render "$head_dir" "$stack" b &
  wait
done

# Without the timestamps diff puts on its file headers: two renders of one commit diff empty.
diff_text="$(cd "$work" && { diff -ruN a b || true; } | sed -E 's/^((---|\+\+\+) [^\t]+)\t.*$/\1/')"
{
  echo "<!-- homelab-render-diff -->"
  echo "### Offline render: \`$(git rev-parse --short "$base")\` → \`$(git rev-parse --short HEAD)\`"
  echo
  echo "Pull requests from forks run without credentials, so they get the offline render's diff instead of"
  echo "a \`pulumi preview\`: program evaluation with placeholder secrets, not a provider diff."
  echo
  if [ -z "$diff_text" ]; then
    echo "No change in the render of: ${stacks[*]}."
  else
    echo "Stacks rendered: ${stacks[*]}."
    echo
    echo '```diff'
    if [ "${#diff_text}" -gt "$limit" ]; then
      printf '%s\n' "${diff_text:0:$limit}"
      echo '```'
      echo
      echo "_The diff was trimmed to $limit characters; run \`npm run render-diff -- $(git rev-parse --short "$base")\` for all of it._"
    else
      printf '%s\n' "$diff_text"
      echo '```'
    fi
  fi
} >"$output"
echo "wrote $output"
