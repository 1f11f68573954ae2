#!/usr/bin/env bash
# tokenmint's one entry point. Each command installs what is missing on a Debian 12 machine
# (as root, through apt-get), configures, builds and runs.
#
#   ./run.sh demo              the sandbox, then UID2/EUID, HubSpot, Benchling and Alterian calls over HTTP
#   ./run.sh test              meson test's one list; ends with "N passed, N failed". With CI=true also
#                              clang++-16 -Werror under ASan+UBSan, ThreadSanitizer, the fuzz corpora
#   ./run.sh bench             Google Benchmark programs, compared side by side in one run
#   ./run.sh build             build the tokenmint CLI only (g++; the tests build with ./run.sh test)
#   ./run.sh fuzz NAME [SECS]  run one libFuzzer target (base64, request_envelope, response_envelope, json, http_response, decrypt_token, key_json,
#                            client_side_request)
set -euo pipefail
cd "$(dirname "$0")"
ROOT=$PWD
BUILD=$ROOT/build

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

# ---------------------------------------------------------------------------------------------
# Dependencies: (command or file to look for) -> Debian package.
need_pkgs() {
  local missing=() pair probe pkg
  for pair in "$@"; do
    probe=${pair%%=*}
    pkg=${pair#*=}
    if [[ $probe == /* ]]; then [[ -e $probe ]] || missing+=("$pkg")
    else command -v "$probe" >/dev/null 2>&1 || missing+=("$pkg"); fi
  done
  if ((${#missing[@]})); then
    log "installing: ${missing[*]}"
    if [[ $(id -u) -ne 0 ]]; then
      echo "run.sh: missing packages (${missing[*]}); run as root or install them" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    if [[ ! -f $BUILD/.apt-updated ]]; then
      apt-get update -qq
      mkdir -p "$BUILD" && touch "$BUILD/.apt-updated"
    fi
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

base_deps() {
  need_pkgs meson=meson ninja=ninja-build g++=g++ ccache=ccache pkg-config=pkg-config python3=python3 \
    /usr/include/asio.hpp=libasio-dev /usr/include/openssl/evp.h=libssl-dev openssl=openssl \
    /usr/include/CLI/CLI.hpp=libcli11-dev
}
test_deps() {
  base_deps
  need_pkgs /usr/include/gtest/gtest.h=libgtest-dev /usr/include/nlohmann/json.hpp=nlohmann-json3-dev cmake=cmake \
    nginx=nginx clang-format-16=clang-format-16
}
# Prism (the OpenAPI mock that validates every request) from npm, into the build tree.
PRISM_VERSION=5.14.2
PRISM=$BUILD/prism/node_modules/.bin/prism
prism_deps() {
  need_pkgs node=nodejs npm=npm
  if [[ ! -x $PRISM ]] || ! grep -q "\"version\": \"$PRISM_VERSION\"" "$BUILD/prism/node_modules/@stoplight/prism-cli/package.json" 2>/dev/null; then
    log "installing @stoplight/prism-cli@$PRISM_VERSION (npm)"
    mkdir -p "$BUILD/prism"
    npm install --prefix "$BUILD/prism" --no-audit --no-fund --loglevel=error "@stoplight/prism-cli@$PRISM_VERSION" >&2
  fi
}
clang_deps() {
  need_pkgs clang++-16=clang-16 /usr/lib/llvm-16/lib/clang/16/lib/linux/libclang_rt.asan-x86_64.a=libclang-rt-16-dev \
    /usr/lib/llvm-16/lib/clang/16/lib/linux/libclang_rt.fuzzer-x86_64.a=libclang-rt-16-dev
}
bench_deps() {
  base_deps
  need_pkgs /usr/include/benchmark/benchmark.h=libbenchmark-dev /usr/include/nlohmann/json.hpp=nlohmann-json3-dev \
    /usr/include/x86_64-linux-gnu/curl/curl.h=libcurl4-openssl-dev wrk=wrk nginx=nginx
}

# ---------------------------------------------------------------------------------------------
# Builds, -Werror in CI. Meson uses ccache by itself only when CXX is unset, so cxx() adds it.
werror() { [[ ${CI:-} == true ]] && echo true || echo false; }
cxx() { if command -v ccache >/dev/null; then echo "ccache $1"; else echo "$1"; fi; }

configure() {  # dir, extra meson args...
  local dir=$1; shift
  if [[ -f $dir/build.ninja ]]; then
    # An option added since the directory was set up needs a reconfigure before it can be set.
    meson configure "$dir" "$@" >/dev/null 2>&1 || meson setup --reconfigure "$dir" "$@" >/dev/null
  else
    meson setup "$dir" "$@" >/dev/null
  fi
}

build_gcc() {
  CXX="$(cxx g++)" configure "$BUILD/gcc" -Dtests=true -Dexamples=true -Dwerror="$(werror)" -Dprism="$PRISM"
  ninja -C "$BUILD/gcc" >&2
}

build_clang_asan() {
  # The CLI and every test program, sanitized. The numbered examples and the one-file-per-header
  # compile checks are built and run by the g++ build only: they add no code path of their own
  # under ASan (the examples call what the unit suites call), and leaving them out keeps CI well
  # under an hour.
  CXX="$(cxx clang++-16)" configure "$BUILD/clang-asan" -Dtests=true -Dexamples=true -Dwerror=true -Dprism="$PRISM" \
    -Dexample_programs=false -Dheader_checks=false \
    -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debugoptimized
  ninja -C "$BUILD/clang-asan" >&2
}

build_clang_tsan() {  # only what the `threads` suite runs
  CXX="$(cxx clang++-16)" configure "$BUILD/clang-tsan" -Dtests=true -Dexamples=false -Dwerror=true \
    -Db_sanitize=thread -Db_lundef=false -Dbuildtype=debugoptimized
  ninja -C "$BUILD/clang-tsan" tests/unit_crypto tests/unit_services tests/unit_uid2 >&2
}

build_fuzz() {
  CXX="$(cxx clang++-16)" configure "$BUILD/fuzz" -Dtests=false -Dexamples=false -Dfuzzers=true -Dwerror="$(werror)" \
    -Dbuildtype=debugoptimized
  ninja -C "$BUILD/fuzz" >&2
}

# ---------------------------------------------------------------------------------------------
# The suite. Each part adds to the totals; the last line is "N passed, N failed".
PASSED=0
FAILED=0
add_counts() {  # a "name: N passed, N failed" line
  local p f
  p=$(sed -nE 's/.*[: ]([0-9]+) passed, ([0-9]+) failed.*/\1/p' <<<"$1" | tail -1)
  f=$(sed -nE 's/.*[: ]([0-9]+) passed, ([0-9]+) failed.*/\2/p' <<<"$1" | tail -1)
  PASSED=$((PASSED + ${p:-0}))
  FAILED=$((FAILED + ${f:-1}))
}

run_suite() {  # build dir, label, meson test arguments...
  # Runs tests from Meson's own list (tests/meson.build) and counts their cases from its log.
  local dir=$1 label=$2 out
  shift 2
  meson test -C "$dir" --no-rebuild --print-errorlogs "$@" >&2 || true
  out=$(python3 "$ROOT/tools/test_counts.py" "$label" "$dir/meson-logs/testlog.json")
  echo "$out" >&2
  add_counts "$(tail -1 <<<"$out")"
}

cmd_test() {
  test_deps
  prism_deps
  log "g++ build"
  build_gcc
  log "the whole list (g++): unit, integration (nginx, Prism, the sandbox), checks"
  run_suite "$BUILD/gcc" gcc
  if [[ ${CI:-} == true ]]; then
    clang_deps
    log "clang++-16 -Werror, ASan+UBSan: unit and integration suites, compile-fail and layers with clang"
    build_clang_asan
    export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
    run_suite "$BUILD/clang-asan" clang-asan --suite unit --suite integration --timeout-multiplier 3
    run_suite "$BUILD/clang-asan" clang-asan json_compile_fail layers
    unset ASAN_OPTIONS UBSAN_OPTIONS
    log "clang++-16 ThreadSanitizer: the threaded tests"
    build_clang_tsan
    TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 run_suite "$BUILD/clang-tsan" clang-tsan --suite threads \
      --timeout-multiplier 5
    log "fuzz targets: replay seed corpora"
    build_fuzz
    run_suite "$BUILD/fuzz" fuzz --suite fuzz
  fi
  echo "$PASSED passed, $FAILED failed"
  [[ $FAILED -eq 0 ]]
}

cmd_build() {  # the library's CLI only; the tests build with `./run.sh test`
  base_deps
  CXX="$(cxx g++)" configure "$BUILD/demo" -Dtests=false -Dexamples=true
  ninja -C "$BUILD/demo" examples/tokenmint >&2
  log "built $BUILD/demo/examples/tokenmint"
}

cmd_demo() {
  base_deps
  CXX="$(cxx g++)" configure "$BUILD/demo" -Dtests=false -Dexamples=true
  ninja -C "$BUILD/demo" >&2
  TOKENMINT="$BUILD/demo/examples/tokenmint" EXAMPLES="$BUILD/demo/examples" bash "$ROOT/examples/demo.sh"
}

cmd_bench() {
  bench_deps
  # Branches kept inside 32-byte blocks: where a hot loop happens to land otherwise swings a case by
  # 15% between two builds of the same code (docs/benchmarks.md), for the baselines and tokenmint alike.
  CXX="$(cxx g++)" configure "$BUILD/bench" -Dtests=false -Dexamples=false -Dbenchmarks=true -Dbuildtype=release \
    -Dcpp_args=-Wa,-mbranches-within-32B-boundaries
  ninja -C "$BUILD/bench" >&2
  local suite out status=0
  for suite in envelope json tokens cstg map; do
    out=$BUILD/bench/bench_$suite.json
    log "benchmark: $suite"
    "$BUILD/bench/benchmarks/bench_$suite" --benchmark_out="$out" --benchmark_out_format=json \
      --benchmark_repetitions="${BENCH_REPETITIONS:-3}" --benchmark_report_aggregates_only=true
    python3 "$ROOT/benchmarks/compare.py" "$suite" "$out" || status=1
  done
  log "benchmark: transport (tokenmint vs libcurl, wrk as the ceiling; nginx on loopback)"
  python3 "$ROOT/tests/transport/servers.py" "$BUILD/bench/servers" -- python3 "$ROOT/benchmarks/transport.py" \
    "$BUILD/bench/benchmarks/bench_transport" "$BUILD/bench/bench_transport.json" "${BENCH_REPETITIONS:-3}" || status=1
  log "benchmark: uid2 generate against the sandbox vs raw POST to nginx"
  out=$BUILD/bench/bench_uid2.json
  python3 "$ROOT/tests/transport/servers.py" "$BUILD/bench/servers" -- "$BUILD/bench/benchmarks/bench_uid2" \
    --benchmark_out="$out" --benchmark_out_format=json --benchmark_repetitions="${BENCH_REPETITIONS:-3}" \
    --benchmark_report_aggregates_only=true --benchmark_min_time=2 || status=1
  python3 "$ROOT/benchmarks/compare.py" uid2 "$out" || status=1
  log "compile time: five models read and written, tokenmint vs nlohmann::json over a no-JSON baseline"
  python3 "$ROOT/benchmarks/compile_time.py" "$ROOT" || status=1
  return $status
}

cmd_fuzz() {
  local name=${1:-} secs=${2:-60}
  [[ -n $name ]] || { echo "usage: ./run.sh fuzz NAME [SECONDS]  (base64, request_envelope, response_envelope, json, http_response, decrypt_token, key_json, client_side_request)" >&2; exit 2; }
  base_deps
  clang_deps
  build_fuzz
  local exe=$BUILD/fuzz/tests/fuzz/fuzz_$name
  [[ -x $exe ]] || { echo "no fuzz target '$name'" >&2; exit 2; }
  local work=$BUILD/fuzz/corpus-$name
  mkdir -p "$work"
  # Crashes are written next to the working corpus (printed at the end), not into the checkout.
  "$exe" -max_total_time="$secs" -print_final_stats=1 -artifact_prefix="$work/" "$work" "$ROOT/tests/fuzz/corpus/$name"
}

case ${1:-} in
  demo) cmd_demo ;;
  test) cmd_test ;;
  bench) cmd_bench ;;
  build) cmd_build ;;
  fuzz) shift; cmd_fuzz "$@" ;;
  *) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
