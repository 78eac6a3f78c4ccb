#!/usr/bin/env bash
# Runs two builds of the CLI on the same fixture tree, in every output format, and diffs
# what they print (timing fields normalised; completion-ordered outputs and stderr compared sorted).
#   bash scripts/compare-outputs.sh OLD/dist/bundle/charcount.cjs NEW/dist/bundle/charcount.cjs
# Exit 0 when every output is identical. As root, both run without the capability that
# bypasses file permissions, so the unreadable fixture is an error for both.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 OLD_CLI NEW_CLI" >&2; exit 2; }
old=$(realpath "$1"); new=$(realpath "$2")
work=$(mktemp -d); trap 'chmod -R u+rwX "$work"; rm -rf "$work"' EXIT
tree="$work/tree"; mkdir -p "$tree"/{a/b,c,.hid}; cd "$tree"
printf 'x,y,z\n1,2,3,4\n' > a/one.csv; printf 'no commas here\n' > a/b/two.txt
printf 'a b,,,, c\n' > c/w.txt; printf 'bin\0,,,,' > c/bin.dat; printf ',,,,,,' > .hid/h.csv
: > empty.txt; mkfifo c/fifo; ln -s a/one.csv link.csv; ln -s nowhere dangling
printf ',,,\n,,,,,\n' > a/b/multi.csv; echo "secret,,,,," > a/noperm.csv; chmod 000 a/noperm.csv
printf ',,,,\n,\n' | gzip > c/z.csv.gz; printf 'caf\xe9,\xe9\xe9\n' > c/l1.txt; printf '\xff\xfe,\x00,\x00\n\x00' > c/u16.txt
for i in $(seq 1 300); do printf 'line %d,,%s\n' "$i" "$([ $((i % 7)) = 0 ] && echo ',,,,')" > "a/b/f$i.csv"; done
as_user() { if [ "$(id -u)" = 0 ]; then setpriv --bounding-set=-dac_override,-dac_read_search --inh-caps=-dac_override,-dac_read_search "$@"; else "$@"; fi; }
cases=(
  "text|-c , -m 3 ." "count|-c , -m 3 --count ." "json|-c , -m 3 --json ." "jsonl|-c , -m 3 --jsonl ."
  "space|-c , -m 2 -r space --count --json ." "none|-c , -m 5 -r none --json --hidden ."
  "follow|-c , -m 2 -L --json ." "binary|-c , -m 2 --binary --json c" "ignore|-c , -m 2 --ignore **/f1* --json ."
  "glob|-c , -m 2 --json a/**/*.csv c/w.txt missing.txt" "maxsize|-c , -m 1 --max-filesize 10 --json ."
  "stats|-c , -m 3 --stats a" "shard|-c , -m 3 --shard 2/3 --json ." "badchar|-c ab -m 3 ." "badmin|-c , -m -1 ."
  "threads|-c , -m 3 --json -j 1 a" "help|--help"
  "histogram|-c , --histogram ." "histogram-min|-c , -m 3 --histogram a" "histogram-json|-c , -m 2 --histogram --json ."
  "zip|-c , -m 2 -z --json ." "zip-text|-c , -m 4 -z ." "latin1|-c é -m 2 -E latin1 --json c" "utf16|-c , -m 2 --json c"
  "no-sniff|-c , -m 2 --no-encoding-sniff --json c" "enc-none|-c , -m 2 -E none --json c"
  "files|--files ." "files-sorted|--files --sort path --hidden ." "files-glob|--files -g *.txt ." "all-hits|-c , -m 2 --all-hits --sort path ."
)
status=0
for c in "${cases[@]}"; do
  name=${c%%|*}; read -r -a args <<< "${c#*|}"
  for side in old new; do
    cli=$old; [ $side = new ] && cli=$new
    set +e; as_user node "$cli" "${args[@]}" > "$work/$name.$side.out" 2> "$work/$name.$side.err"; echo $? > "$work/$name.$side.rc"; set -e
    sed -E -i 's/"(elapsedMs|bytesPerSecond|filesPerSecond)": ?[0-9.e+-]+/"\1": X/g; s/[0-9.]+ s \([^)]*\)/T/' "$work/$name.$side".*
    # Text and JSON-lines output come in completion order, which varies between runs.
    case $name in text | count | jsonl | stats | zip-text | files) sort -o "$work/$name.$side.out" "$work/$name.$side.out" ;; esac
    sort -o "$work/$name.$side.err" "$work/$name.$side.err"
  done
  for k in out err rc; do
    if ! diff -u "$work/$name.old.$k" "$work/$name.new.$k" > "$work/diff"; then echo "== $name ($k) differs:"; cat "$work/diff"; status=1; fi
  done
done
# merge: the shards' --json outputs of each build, joined by the same build.
for side in old new; do
  cli=$old; [ $side = new ] && cli=$new
  for k in 1 2 3; do as_user node "$cli" -c , -m 2 --histogram --shard $k/3 --json . > "$work/shard$k.$side.json" || true; done
  set +e; as_user node "$cli" merge "$work"/shard{1,2,3}.$side.json > "$work/merge.$side.out" 2> "$work/merge.$side.err"; echo $? > "$work/merge.$side.rc"
  as_user node "$cli" merge --json "$work"/shard{1,2,3}.$side.json > "$work/merge-json.$side.out" 2> "$work/merge-json.$side.err"; echo $? > "$work/merge-json.$side.rc"; set -e
  sed -E -i 's/"(elapsedMs|bytesPerSecond|filesPerSecond)": ?[0-9.e+-]+/"\1": X/g' "$work"/merge*.$side.*
done
for name in merge merge-json; do
  for k in out err rc; do
    if ! diff -u "$work/$name.old.$k" "$work/$name.new.$k" > "$work/diff"; then echo "== $name ($k) differs:"; cat "$work/diff"; status=1; fi
  done
done
[ $status = 0 ] && echo "identical: $((${#cases[@]} + 2)) invocations, stdout, stderr and exit status"
exit $status
