"""Plain-Python tests of the decision engine: no Odoo, no database.

The engine and learning packages do not import Odoo, so they are imported
straight from the addons' folders. Of the book generator's package, only
the modules that describe and plan a book are plain Python: they are
imported without the package's ``__init__``, which imports Odoo.
"""
import importlib
import importlib.util
import sys
import types
from pathlib import Path

ADDONS_DIR = Path(__file__).resolve().parents[2] / "addons"


def load_package(directory, name):
    """Import the plain-Python package in ``directory`` under ``name``, without Odoo."""
    spec = importlib.util.spec_from_file_location(
        name, directory / "__init__.py", submodule_search_locations=[str(directory)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def load_modules(directory, name, *modules):
    """Import ``modules`` of the package in ``directory`` as submodules of ``name``, without running the
    package's ``__init__``; the package is returned with them as attributes."""
    package = types.ModuleType(name)
    package.__path__ = [str(directory)]
    sys.modules[name] = package
    for module in modules:
        importlib.import_module(f"{name}.{module}")
    return package


engine = load_package(ADDONS_DIR / "ar_collections" / "engine", "ar_collections_engine")
book = load_modules(ADDONS_DIR / "ar_collections" / "book", "ar_collections_book", "description", "planning")
