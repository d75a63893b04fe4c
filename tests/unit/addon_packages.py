"""Plain-Python tests of the decision engine: no Odoo, no database.

The engine and learning packages do not import Odoo, so they are imported
straight from the addons' folders.
"""
import importlib.util
import sys
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


engine = load_package(ADDONS_DIR / "ar_collections" / "engine", "ar_collections_engine")
