#!/usr/bin/env python3
"""Models that reflection must refuse, each with the static_assert message that tells the user what
to do. Usage: compile_fail.py INCLUDE_DIR COMPILER [ARGS...]. Prints gtest-like lines and a summary."""
import subprocess
import sys
import tempfile

CASES = [
    ("not an aggregate", "struct T { T(int) {} int a; };", "the type is not an aggregate"),
    ("base class with members", "struct B { int q; }; struct T : B { int x; };", "base classes are not supported"),
    ("empty base class", "struct E {}; struct T : E { int x; int y; };", "base classes are not supported"),
    # Not listed: `struct T : B {}` (one base, no members of its own). g++ refuses it like the rest;
    # clang++ cannot tell it from a struct with B's members, and reflects it as if they were T's.
    ("C array member", "struct T { int a; int c[3]; };", "not a C array"),
    ("union", "union T { int a; float b; };", "not a union"),
    ("more than 128 members", "struct T { " + " ".join("int m%d;" % i for i in range(130)) + " };",
     "more members than json::max_members"),
    ("rename of a missing member",
     "struct T { int a; }; template <> struct tokenmint::json::meta<T> { "
     "static constexpr std::pair<std::string_view, std::string_view> rename[] = {{\"b\", \"B\"}}; };",
     "names a member that T does not have"),
    ("enum without enumerators", "enum class E { a }; struct T { E e; };", "an enum is read by name"),
    ("unsupported member type", "struct T { long double x; };", "unsupported member type"),
    # Not reflection, but the same kind of check: a type that does not model http_transport.
    ("transport without async_send", "struct T { void send(); };", "a transport needs a member function async_send"),
    ("transport with the wrong return type",
     "struct T { int async_send(tokenmint::http::request, tokenmint::request_options); };",
     "must return asio::awaitable<tokenmint::result<tokenmint::http::response>>"),
]

USE = {
    "enum without enumerators": "auto r = tokenmint::json::read<T>(\"{}\"); (void)r;",
    "unsupported member type": "auto r = tokenmint::json::read<T>(\"{}\"); (void)r;",
    "rename of a missing member": "return (int)tokenmint::json::member_keys<T>.size();",
    "transport without async_send": "static_assert(tokenmint::check_http_transport<T>());",
    "transport with the wrong return type": "static_assert(tokenmint::check_http_transport<T>());",
}
HEADER = {
    "transport without async_send": "tokenmint/transport/transport.hpp",
    "transport with the wrong return type": "tokenmint/transport/transport.hpp",
}


def main():
    include, compiler = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    for name, decl, expected in CASES:
        use = USE.get(name, "return (int)tokenmint::json::member_names<T>.size();")
        header = HEADER.get(name, "tokenmint/json/json.hpp")
        src = "#include <%s>\n%s\nint main() { %s }\n" % (header, decl, use)
        with tempfile.NamedTemporaryFile("w", suffix=".cpp") as f:
            f.write(src)
            f.flush()
            p = subprocess.run(compiler + ["-std=c++20", "-fsyntax-only", "-I", include, f.name],
                               capture_output=True, text=True)
        out = p.stdout + p.stderr
        ok = p.returncode != 0 and expected in out and "static assert" in out.replace("static_assert", "static assert")
        errors = [l for l in out.splitlines() if "error" in l]
        if ok:
            passed += 1
            print("[       OK ] %s: %s" % (name, expected))
        else:
            failed += 1
            print("[  FAILED  ] %s: expected a static_assert containing %r\n%s" % (name, expected, out[:2000]))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
