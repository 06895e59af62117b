#!/usr/bin/env bash
# Regenerates BENCHMARKS.md: end-to-end wall time and peak memory of `posture assess` over
# generated estates, the stage breakdown (POSTURE_TIMINGS), and --jobs 1 against --jobs 2.
#
#   bash benches/run.sh                 # 10,000 and 100,000 resources, 3 runs each
#   SIZES="10000 100000 1000000" bash benches/run.sh
#   RUNS=5 bash benches/run.sh
#
# Needs GNU time (/usr/bin/time) for peak memory. Estates go to $BENCH_DIR (default: a
# temporary folder, removed at the end). Medians of $RUNS runs; one run above 100,000.
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"10000 100000"}
RUNS=${RUNS:-3}
OUT=${OUT:-BENCHMARKS.md}
NOW=2026-11-26T00:00:00Z
WORK=${BENCH_DIR:-$(mktemp -d)}
[ -n "${BENCH_DIR:-}" ] || trap 'rm -rf "$WORK"' EXIT
[ -x /usr/bin/time ] || { echo "benches/run.sh needs GNU time at /usr/bin/time" >&2; exit 2; }

cargo build --release --quiet
BIN=target/release/posture

# run LABEL ARGS...: one timed run; prints "wall_s peak_kb user_s system_s timings-line".
run() {
    local log="$WORK/run.log"
    POSTURE_TIMINGS=1 /usr/bin/time -f "__time %e %M %U %S" "$BIN" "$@" >/dev/null 2>"$log" || {
        local code=$?
        # 1 is a failed gate (generated estates have unhealthy resources); 2 is an error.
        if [ "$code" -ne 1 ]; then cat "$log" >&2; exit "$code"; fi
    }
    local t m u s
    read -r _ t m u s < <(grep '^__time ' "$log")
    echo "$t $m $u $s $(grep '^timings: load' "$log" | sed 's/^timings: //')"
}

# median N values
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# stage NAME TIMINGS: the seconds of one stage in a timings line.
stage() { echo "$2" | awk -v s="$1" '{for (i = 1; i < NF; i++) if ($i == s) print $(i + 1)}'; }

# What first touches of memory cost here now (see benches/fresh_memory.rs): on a virtual
# machine whose host takes back freed guest memory, it explains much of the largest run.
fresh=$(cargo bench --quiet --bench fresh_memory -- 1024 5 | tail -1 | sed 's/^[^:]*: //')

rows=""
stages=""
jobs_rows=""
scaling=""
prev=""
for n in $SIZES; do
    dir="$WORK/e$n"
    machines=$((n / 100))
    [ -d "$dir" ] || "$BIN" bench generate --resources "$n" --machines "$machines" --seed 1 -o "$dir" >/dev/null
    size=$(du -sm "$dir" | cut -f1)
    runs=$RUNS
    [ "$n" -le 100000 ] || runs=1
    # The same estate as JSON documents ({"value": [...]}, as ARM list responses), up to
    # 100,000 resources.
    jdir="$WORK/j$n"
    variants="none full jobs1"
    if [ "$n" -le 100000 ]; then
        [ -d "$jdir" ] || "$BIN" bench generate --resources "$n" --machines "$machines" --seed 1 --shape json -o "$jdir" >/dev/null
        variants+=" jnone jfull"
    fi
    for variant in $variants; do
        target=$dir
        case $variant in
            none) extra=(--no-default-policies) ;;
            full) extra=() ;;
            jobs1) extra=(--jobs 1) ;;
            jnone) extra=(--no-default-policies); target=$jdir ;;
            jfull) extra=(); target=$jdir ;;
        esac
        walls=""; mems=""; users=""; syss=""; evals=""; last=""
        for _ in $(seq "$runs"); do
            r=$(run assess "$target" -f json -o "$WORK/out.json" --force --now "$NOW" "${extra[@]}")
            read -r w m u sy rest <<<"$r"
            walls+="$w"$'\n'; mems+="$m"$'\n'; users+="$u"$'\n'; syss+="$sy"$'\n'
            ev=$(awk -v a="$(stage shared "$rest")" -v b="$(stage evaluate "$rest")" 'BEGIN {printf "%.3f", a + b}')
            evals+="$ev"$'\n'; last=$rest
        done
        wall=$(printf '%s' "$walls" | median)
        mem=$(printf '%s' "$mems" | sort -g | tail -1)
        user=$(printf '%s' "$users" | median)
        sys=$(printf '%s' "$syss" | median)
        ev=$(printf '%s' "$evals" | median)
        declare "wall_$variant=$wall" "mem_$variant=$mem" "user_$variant=$user" "sys_$variant=$sys" \
            "eval_$variant=$ev" "stages_$variant=$last"
    done
    ratio=$(awk -v a="$wall_full" -v b="$wall_none" 'BEGIN {printf "%.2f", a / b}')
    speedup=$(awk -v a="$eval_jobs1" -v b="$eval_full" 'BEGIN {printf "%.2f", a / b}')
    fmt_mb() { awk -v k="$1" 'BEGIN {printf "%.0f MiB", k / 1024}'; }
    rows+="| $n ($size MiB) | \`--no-default-policies\` | $wall_none s | $user_none / $sys_none s | $(fmt_mb "$mem_none") | |"$'\n'
    rows+="| $n | bundled library (55 policies) | $wall_full s | $user_full / $sys_full s | $(fmt_mb "$mem_full") | ${ratio}x the line above |"$'\n'
    if [ "$n" -le 100000 ]; then
        jratio=$(awk -v a="$wall_jfull" -v b="$wall_jnone" 'BEGIN {printf "%.2f", a / b}')
        rows+="| $n as JSON documents | \`--no-default-policies\` | $wall_jnone s | $user_jnone / $sys_jnone s | $(fmt_mb "$mem_jnone") | |"$'\n'
        rows+="| $n as JSON documents | bundled library (55 policies) | $wall_jfull s | $user_jfull / $sys_jfull s | $(fmt_mb "$mem_jfull") | ${jratio}x the line above |"$'\n'
    fi
    if [ -n "$prev" ]; then
        read -r pn pw pu ps <<<"$prev"
        x() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.1fx", a / b}'; }
        scaling+="| $pn -> $n | $(x "$n" "$pn") | $(x "$wall_full" "$pw") | $(x "$user_full" "$pu") | $(x "$sys_full" "$ps") |"$'\n'
    fi
    prev="$n $wall_full $user_full $sys_full"
    stages+="| $n | $stages_full |"$'\n'
    [ "$n" -gt 100000 ] || stages+="| $n as JSON documents | $stages_jfull |"$'\n'
    jobs_rows+="| $n | $eval_jobs1 s | $eval_full s | ${speedup}x |"$'\n'
done

scaling_section=""
if [ -n "$scaling" ]; then
    scaling_section="Scaling of the bundled library run (medians above): how many times the resources, the
wall time, the user CPU time and the system CPU time (mostly first touches of memory).

| estates | resources | wall | user CPU | system CPU |
| --- | --- | --- | --- | --- |
$scaling"
fi

# Hand-written notes below this marker survive a regeneration.
MARK='<!-- notes: kept by benches/run.sh -->'
notes=""
if [ -f "$OUT" ] && grep -qF "$MARK" "$OUT"; then
    notes=$(awk -v m="$MARK" 'index($0, m) {f = 1} f' "$OUT")
fi

cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
rustc_v=$(rustc --version)
cat >"$OUT" <<EOF
# Benchmarks

Written by \`bash benches/run.sh\` (the whole file is regenerated; edit the script, not
this file). Stage benchmarks: \`cargo bench --bench stages\` (divan; 10,000 resources).

Machine: $(nproc) cores ($cpu), $mem, $rustc_v, release build. Runs: median of $RUNS
(one above 100,000 resources); peak memory is the largest peak RSS of those runs. First
touches of memory, measured before the runs (\`cargo bench --bench fresh_memory\`, 1 GiB):
$fresh.

Estates: \`posture bench generate --resources N --machines N/100 --seed 1 -o DIR\`
(NDJSON; the sample estate's resources copied unit by unit, NSGs padded to 5-50 rules,
about a third of resources unhealthy for something); up to 100,000 resources also with
\`--shape json\` (the same resources as \`{"value": [...]}\` documents of 50,000 each).

## End to end

\`posture assess DIR -f json -o out.json --force --now $NOW [--no-default-policies]\`

| resources | run | wall (median) | CPU user / system (medians) | peak memory | |
| --- | --- | --- | --- | --- | --- |
$rows
${scaling_section}
## Stages (bundled library, seconds, \`POSTURE_TIMINGS=1\`)

load = read, parse, schema-check; compile = policies loaded, inventory given to the engine
with its join indexes; shared = library tables computed once (NSG findings, role
summaries); evaluate = every policy; alerts = detections (with more than one job the score
is tallied beside them); score = what is left of scoring; report = build the report;
write = render and write it (with fsync).

| resources | stages |
| --- | --- |
$stages
## Threads

Evaluation (shared + evaluate stages), \`--jobs 1\` against the default (\`--jobs\` = cores).

| resources | --jobs 1 | default | speed-up |
| --- | --- | --- | --- |
$jobs_rows
${notes:-$MARK}
EOF
echo "wrote $OUT"
