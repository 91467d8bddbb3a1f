#!/usr/bin/env python3
"""Layer rules for src/, checked in CI (ctest runs it; see docs/architecture.md).

1. Beast and Asio appear only in src/net/.
2. SQL appears only in src/storage/sql/ (the statements every SQL backend runs) and the
   backends' folders (src/storage/sqlite/, src/storage/postgres/); a database client header
   only in its own backend's folder.
3. A lower layer never includes a higher one (the order is LAYERS below).
4. A capability includes another capability only through its public headers (PUBLIC).

Prints each breach as file:line: rule, and exits 1 when there is one."""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")

# Lowest first. A folder may include its own layer and the ones below it.
LAYERS = [
    {"util"},
    {"content", "i18n"},
    {"net", "http", "storage", "media"},
    {"events", "mail"},
    {"accounts", "newsroom", "chat", "live", "discussion", "site", "demo", "web"},
    {"app", "testing"},  # (test helpers may use anything)
]
CAPABILITIES = {"accounts", "newsroom", "chat", "live", "discussion", "site"}
# What a capability offers the others (and the composition root): its services and types,
# never its pages, routes or internals.
PUBLIC = {
    "accounts/service.hpp", "accounts/password.hpp",
    "newsroom/desk.hpp",
    "chat/chat.hpp",
    "live/hub.hpp", "live/bus.hpp", "live/newsfeed.hpp", "live/endpoint.hpp",
    "live/channel_router.hpp",
    "discussion/discussion.hpp",
    "site/site.hpp",
}
SQL = re.compile(r'\b(SELECT\s+.+\s+FROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b')
BACKEND_HEADERS = {"sqlite": re.compile(r'#include\s*[<"]sqlite3\.h'),
                   "postgres": re.compile(r'#include\s*[<"](libpq-fe\.h|postgresql/)')}
SQL_FOLDERS = ("sql", "sqlite", "postgres")
ASIO = re.compile(r'#include\s*[<"]boost/(asio|beast)')
INCLUDE = re.compile(r'#include\s*"([a-z_]+)/([^"]+)"')


def layer_of(folder):
    for i, names in enumerate(LAYERS):
        if folder in names:
            return i
    return None


def main():
    breaches = []
    for root, _, files in os.walk(SRC):
        for name in files:
            if not name.endswith((".cpp", ".hpp")):
                continue
            path = os.path.join(root, name)
            rel = os.path.relpath(path, SRC).replace(os.sep, "/")
            parts = rel.split("/")
            folder = parts[0]
            # Tests and their helpers (the contract suites' fixture) may use test helpers.
            test = name.endswith("_test.cpp") or rel.startswith("storage/contract/")
            backend = parts[1] if folder == "storage" and len(parts) > 2 else ""
            with open(path, encoding="utf-8") as f:
                lines = f.read().split("\n")
            for n, line in enumerate(lines, 1):
                where = f"src/{rel}:{n}"
                if ASIO.search(line) and folder != "net":
                    breaches.append(f"{where}: Beast/Asio outside src/net/")
                if SQL.search(line) and backend not in SQL_FOLDERS:
                    breaches.append(f"{where}: SQL outside src/storage/sql/ and the backends")
                for own, header in BACKEND_HEADERS.items():
                    if header.search(line) and backend != own:
                        breaches.append(f"{where}: a {own} header outside src/storage/{own}/")
                m = INCLUDE.search(line)
                if not m:
                    continue
                target, rest = m.group(1), m.group(2)
                inc = f"{target}/{rest}"
                mine, theirs = layer_of(folder), layer_of(target)
                if mine is not None and theirs is not None and theirs > mine and not test:
                    breaches.append(f"{where}: {folder}/ (lower) includes {inc} (higher)")
                if (target in CAPABILITIES and folder != target and inc not in PUBLIC
                        and folder != "app" and not test):
                    breaches.append(f"{where}: {folder}/ includes {inc}, an internal of {target}/")
                if target == "storage" and len(rest.split("/")) > 1 and not rest.startswith("contract/") \
                        and folder not in ("storage",) and not test:
                    breaches.append(f"{where}: {folder}/ includes a storage backend ({inc}); use storage/stores.hpp")
    for b in sorted(breaches):
        print(b)
    if breaches:
        print(f"{len(breaches)} layer rule breach(es); see docs/architecture.md", file=sys.stderr)
        return 1
    print("layer rules hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
