"""Nothing below the services holds them: the sync and the Xero connection are handed a session factory, the
clock, the configuration and the secrets store (tui/services/wiring.py), never the ``Services`` object, so no
call runs back up at run time where no import shows it. (``lint-imports`` sees the imports; this sees the rest.)"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

TUI = Path(__file__).resolve().parents[2] / "tui"
BELOW_THE_SERVICES = ("sync", "connection")


def services_held(path: Path) -> list[str]:
    """Where a module names ``services`` (a parameter, a variable, an attribute) or ``Services`` (docstrings and
    comments may still say what calls it)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        name = (node.arg if isinstance(node, ast.arg) else node.id if isinstance(node, ast.Name)
                else node.attr if isinstance(node, ast.Attribute) else None)
        if name is not None and name.lower() == "services":
            found.append(f"{path.name}:{node.lineno} {name}")
    return sorted(set(found))


@pytest.mark.parametrize("package", BELOW_THE_SERVICES)
def test_no_layer_below_the_services_holds_them(package):
    modules = sorted((TUI / package).rglob("*.py"))
    assert len(modules) > 3, "the package's modules were found"
    assert [where for path in modules for where in services_held(path)] == []


def test_the_check_finds_services_held(tmp_path):
    held = tmp_path / "held.py"
    held.write_text("from tui.services import Services\n\n"
                    "class Steps:\n    def __init__(self, services: Services):\n        self.services = services\n\n"
                    "    def go(self):\n        return self.services.session()\n", encoding="utf-8")
    assert services_held(held) == ["held.py:4 Services", "held.py:4 services", "held.py:5 services",
                                   "held.py:8 services"]
