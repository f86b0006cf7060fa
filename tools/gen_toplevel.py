"""Print the explicit re-exports of ``quicksilver/__init__.py``.

SQLAlchemy's top-level names are the compatibility target; each one is looked
up in quicksilver's facades (engine, pool, sql, schema, types, inspection) and
re-exported from the first that has it.  Names quicksilver lacks are listed on
stderr.  Run: ``python tools/gen_toplevel.py > /tmp/init.txt`` (needs the oracle).
"""

from __future__ import annotations

import importlib
import sys

SOURCES = [
    "quicksilver.engine",
    "quicksilver.pool",
    "quicksilver.sql",
    "quicksilver.schema",
    "quicksilver.types",
    "quicksilver.sql.expression",
    "quicksilver.inspection",
]


def main() -> None:
    import sqlalchemy

    wanted = [n for n in dir(sqlalchemy) if not n.startswith("_")]
    modules = {m: importlib.import_module(m) for m in SOURCES}
    found: dict[str, list[str]] = {}
    missing = []
    for name in wanted:
        obj = getattr(sqlalchemy, name)
        if type(obj).__name__ == "module":
            continue
        for mod_name, mod in modules.items():
            if hasattr(mod, name):
                found.setdefault(mod_name, []).append(name)
                break
        else:
            missing.append(name)
    for mod_name, names in found.items():
        rel = "." + mod_name.split(".", 1)[1]
        for name in sorted(names):
            print(f"from {rel} import {name} as {name}")
    print("missing:", " ".join(missing), file=sys.stderr)


if __name__ == "__main__":
    main()
