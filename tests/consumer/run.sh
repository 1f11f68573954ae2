#!/usr/bin/env bash
# Install tokenmint into a temporary prefix, then build a small program against the installed
# headers twice: through the pkg-config files, and through CMake's find_package(tokenmint); each
# way builds the library's consumer, one of the testing component (tokenmint-testing,
# tokenmint::testing) and a two-translation-unit program under ASan.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
work=${1:?usage: run.sh WORKDIR}
prefix=$work/prefix
rm -rf "$prefix" "$work/cmake-build"
mkdir -p "$work"
if [[ -f $work/meson/build.ninja ]]; then
  meson configure "$work/meson" --prefix="$prefix" >/dev/null
else
  meson setup "$work/meson" "$root" --prefix="$prefix" -Dtests=false -Dexamples=false -Dbenchmarks=false >/dev/null
fi
meson install -C "$work/meson" --quiet >/dev/null

pcdir=$(dirname "$(find "$prefix" -name tokenmint.pc | head -1)")
# shellcheck disable=SC2046
${CXX:-g++} -std=c++20 "$here/consumer.cpp" -o "$work/consumer-pkgconfig" \
  $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs tokenmint)
"$work/consumer-pkgconfig"
# shellcheck disable=SC2046
${CXX:-g++} -std=c++20 "$here/consumer_testing.cpp" -o "$work/consumer-testing-pkgconfig" \
  $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs tokenmint-testing)
"$work/consumer-testing-pkgconfig"
# Two translation units, one including <asio.hpp> first, under ASan: the build interface's Asio
# configuration makes them agree (no alloc-dealloc-mismatch).
# shellcheck disable=SC2046
${CXX:-g++} -std=c++20 -fsanitize=address "$here/two_units_asio_first.cpp" "$here/two_units_main.cpp" \
  -o "$work/two-units-pkgconfig" $(PKG_CONFIG_PATH=$pcdir pkg-config --cflags --libs tokenmint-testing)
"$work/two-units-pkgconfig"
# Without the build interface's flags a tokenmint header stops the build and says what to add.
if ${CXX:-g++} -std=c++20 -fsyntax-only -I"$prefix/include" "$here/consumer.cpp" 2>"$work/no-flags.txt"; then
  echo "consumer.cpp compiled without -DASIO_DISABLE_STD_ALIGNED_ALLOC" >&2
  exit 1
fi
grep -q "compile every translation unit with -DASIO_DISABLE_STD_ALIGNED_ALLOC" "$work/no-flags.txt"

cmake -S "$here" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_STANDARD=20 >/dev/null
cmake --build "$work/cmake-build" >/dev/null
"$work/cmake-build/consumer"
"$work/cmake-build/consumer_testing"
"$work/cmake-build/two_units"
