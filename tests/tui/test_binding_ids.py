"""Every key binding of every screen and widget in `tui/` has an id, so `[keys]` in config.toml can remap it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode

import tui


def _own_bindings() -> dict[str, list]:
    """``module.Class`` -> the BINDINGS that class itself declares, for every DOM class defined under tui/."""
    found: dict[str, list] = {}
    for info in pkgutil.walk_packages(tui.__path__, "tui."):
        if info.name.rsplit(".", 1)[-1] == "__main__":
            continue
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, DOMNode) and "BINDINGS" in vars(cls):
                found[f"{cls.__module__}.{cls.__qualname__}"] = list(vars(cls)["BINDINGS"])
    return found


def test_every_binding_has_an_id():
    classes = _own_bindings()
    assert "tui.screens.customers.screen.CustomersScreen" in classes
    assert "tui.widgets.customer_picker.CustomerPicker" in classes
    assert "tui.app.TradieApp" in classes
    missing = [f"{where}: {binding!r}" for where, bindings in classes.items() for binding in bindings
               if not isinstance(binding, Binding) or not binding.id]
    assert not missing, "bindings without an id:\n  " + "\n  ".join(missing)
