"""The quick test loop: pytest with pytest-odoo runs the addons' Odoo tests as Odoo's own runner does.

Odoo 18's runner puts the process in test mode (``odoo.modules.module.current_test``)
and marks its thread as testing: mail then neither connects to an SMTP server nor
waits for a commit that never comes to send. pytest-odoo 2.3 does the first for
Odoo 19 only; this does both for the whole session.
"""
import threading

import pytest


@pytest.fixture(scope="session", autouse=True)
def odoo_test_mode():
    from odoo.modules import module

    thread = threading.current_thread()
    thread.testing, module.current_test = True, True
    yield
    thread.testing, module.current_test = False, False
