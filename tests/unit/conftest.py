"""Plain-Python tests of the decision engine: no Odoo, no database.

The engine package only uses the standard library, so it is imported
straight from the addon's folder.
"""
import importlib.util
import sys
from pathlib import Path

ENGINE_DIR = Path(__file__).resolve().parents[2] / "addons" / "ar_collections" / "engine"


def _load_engine():
    spec = importlib.util.spec_from_file_location(
        "ar_collections_engine", ENGINE_DIR / "__init__.py", submodule_search_locations=[str(ENGINE_DIR)])
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


engine = _load_engine()
