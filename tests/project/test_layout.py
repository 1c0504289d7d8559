"""The app's rooms: imports point one way, from the pages down to the
helpers (views, editorial -> ingest, search, readers -> models -> lib), and
the pure modules import no Django."""

from __future__ import annotations

import ast

from ..conftest import ROOT

APP = ROOT / "articles"
# Higher layers may import lower ones, never the other way.
LAYERS = {
    "views": 3,
    "editorial": 3,
    "management": 3,
    "templatetags": 3,
    "ingest": 2,
    "search": 2,
    "readers": 2,
    "models": 1,
    "lib": 0,
    "data": 0,
}
# Among the middle rooms, who may use whom (the importer indexes what it writes).
SIDEWAYS = {("ingest", "search")}
PURE = ["lib/text.py", "lib/ids.py", "lib/links.py", "ingest/parsing.py", "ingest/formats",
        "ingest/alignment.py", "ingest/tagging.py", "ingest/dedupe.py", "ingest/review.py",
        "ingest/originals",
        "search/text.py", "readers/bookmark_files.py"]  # fmt: skip


def room(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "articles" else None


def imports_of(path) -> set[str]:
    package = "articles." + ".".join(path.relative_to(APP).with_suffix("").parts[:-1])
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: within its own package
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1])
                base = f"{base}.{node.module}" if node.module else base
            found.add(base)
            found |= {f"{base}.{alias.name}" for alias in node.names}
    return found


def test_every_module_lives_in_a_room():
    loose = {p.name for p in APP.glob("*.py")} - {"__init__.py", "apps.py"}
    assert loose == set()


def test_imports_point_one_way():
    wrong = []
    for path in APP.rglob("*.py"):
        mine = path.relative_to(APP).parts[0]
        if mine not in LAYERS:
            continue  # apps.py wires the rooms together; migrations stand apart
        for module in imports_of(path):
            theirs = room(module)
            if theirs not in LAYERS or theirs == mine:
                continue
            if LAYERS[theirs] > LAYERS[mine] or (
                LAYERS[theirs] == LAYERS[mine] and (mine, theirs) not in SIDEWAYS
            ):
                wrong.append(f"{path.relative_to(ROOT)} imports {module}")
    assert wrong == []


def test_the_pure_modules_import_no_django():
    for name in PURE:
        target = APP / name
        for path in [target] if target.is_file() else sorted(target.rglob("*.py")):
            modules = imports_of(path)
            assert not {m for m in modules if m.split(".")[0] == "django"}, path
            rooms = {room(m) for m in modules} - {None, "lib", "ingest", "search"}
            assert rooms == set(), (path, rooms)
