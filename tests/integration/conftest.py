"""Tests that need committed data and several database connections at once.

They run against the database of ``scripts/test`` (``AR_TEST_DB``), after its
Odoo tests, outside Odoo's test transaction: workers on separate cursors
share the queue as two cron workers would.
"""
import os
import sys
from pathlib import Path

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]
ODOO_SRC = Path(os.environ.get("ODOO_SRC", "/opt/odoo"))


@pytest.fixture(scope="session")
def registry():
    db = os.environ.get("AR_TEST_DB")
    if not db:
        pytest.fail("AR_TEST_DB names the database these tests run on (scripts/test sets it).")
    sys.path.insert(0, str(ODOO_SRC))
    import odoo

    config = REPOSITORY / "var" / "odoo-local.conf"
    addons = f"{ODOO_SRC / 'addons'},{ODOO_SRC / 'odoo' / 'addons'},{REPOSITORY / 'addons'}"
    odoo.tools.config.parse_config(
        [*(["-c", str(config)] if config.exists() else [f"--addons-path={addons}"]), "-d", db, "--log-level=warn"])
    return odoo.modules.registry.Registry(db)


@pytest.fixture
def new_env(registry):
    """``new_env()`` opens a cursor of its own and returns a superuser environment on it."""
    from odoo import SUPERUSER_ID, api

    cursors = []

    def make():
        cr = registry.cursor()
        cursors.append(cr)
        return api.Environment(cr, SUPERUSER_ID, {})

    yield make
    for cr in cursors:
        cr.rollback()
        cr.close()
