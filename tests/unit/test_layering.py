"""The layers stay apart.

- Imports run only downwards: ``lint-imports`` checks the contracts in pyproject.toml (the layers, the domain's
  and the headless parts' forbidden imports, the sandbox kept apart), imports inside functions included;
- no two modules import each other, directly or round a loop (the sandbox included);
- and at run time, each import below, in a fresh interpreter, must not pull in the modules named:
  the domain is plain Python (no Textual, httpx or database); the Xero client, the connection service and
  the sync engine serve headless processes too (no Textual); the app's first screens paint before the
  database layer is imported (it loads in a worker).
"""

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tui.bench.childenv import child_env, home_dirs

ROOT = Path(__file__).resolve().parents[2]

CASES = {
    "domain": ("tui.domain.invoice, tui.domain.business, tui.domain.customer, tui.domain.dates",
               ("textual", "httpx", "sqlalchemy", "sqlmodel", "authlib")),
    "xero client": ("tui.xero.api, tui.xero.callback, tui.xero.browser, tui.xero.oauth, tui.xero.tokens",
                    ("textual",)),
    "connection service": ("tui.connection, tui.connection.factory", ("textual", "rich")),
    "sync engine": ("tui.sync.runner, tui.sync.status, tui.sync.push, tui.sync.pull, tui.sync.preview, tui.sync.unfinished",
                    ("textual",)),
    "app start-up": ("tui.app, tui.screens.todo, tui.screens.settings.screen, tui.screens.settings.integrations",
                     ("sqlmodel", "sqlalchemy", "alembic")),
}


@pytest.mark.parametrize("name", CASES)
def test_imports_stay_in_their_layer(name, tmp_path):
    modules, forbidden = CASES[name]
    code = f"import sys, {modules}; print(','.join(m for m in {forbidden!r} if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env=child_env(home_dirs(tmp_path)))
    assert out.stdout.strip() == ""
    assert out.stderr == ""  # nor any import-time warning on the terminal


def test_imports_run_only_downwards():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    assert lint_imports.exists(), "import-linter is missing: pip install -e '.[test]'"
    out = subprocess.run([str(lint_imports), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "0 broken" in out.stdout


def import_cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """The strongly connected components of more than one module: each is a set of modules importing round a loop."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []
    for root in sorted(graph.modules):
        if root in index:
            continue
        work = [(root, iter(sorted(graph.find_modules_directly_imported_by(root))))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            module, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.find_modules_directly_imported_by(child)))))
                elif child in on_stack:
                    low[module] = min(low[module], index[child])
                continue
            work.pop()
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[module])
            if low[module] == index[module]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == module:
                        break
                if len(component) > 1:
                    cycles.append(sorted(component))
    return cycles


def test_no_import_cycles():
    graph = grimp.build_graph("tui", cache_dir=None)  # every import statement, inside functions too
    assert import_cycles(graph) == []


def test_import_cycles_are_found():
    graph = grimp.ImportGraph()
    for importer, imported in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=importer, imported=imported)
    assert import_cycles(graph) == [["p.a", "p.b", "p.c"]]
