import base64
import json
import logging
import os
from contextlib import contextmanager
from pathlib import Path
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser
from odoo.tools import config

from .common import ArPortalCommon

_logger = logging.getLogger(__name__)

SCREENSHOT_SIGNAL = "ar_portal_screenshot:"
MAX_SCREENSHOT_HEIGHT = 6000


def screenshots_dir():
    """Where the tours' screenshots go: $AR_PORTAL_SCREENSHOTS_DIR, else <data dir>/screenshots/ar_collections_portal."""
    path = Path(os.environ.get("AR_PORTAL_SCREENSHOTS_DIR")
                or Path(config["data_dir"]) / "screenshots" / "ar_collections_portal")
    path.mkdir(parents=True, exist_ok=True)
    return path


@contextmanager
def tour_screenshots(directory, prefix=""):
    """Take a full-page screenshot whenever the tour logs ``ar_portal_screenshot:<name>``.

    The PNG is saved as ``<directory>/<prefix><name>.png``; then the page is told (``data-ar-portal-shot``
    on its body) so that the tour goes on only once the screenshot is taken.
    """
    taken = []
    handle_console = ChromeBrowser._handle_console

    def capture(browser, name):
        def save(future):
            try:
                data = future.result()["data"]
                path = directory / f"{prefix}{name}.png"
                path.write_bytes(base64.b64decode(data))
                taken.append(path)
            except Exception:  # reported by the test, through the missing file
                _logger.exception("Screenshot %s failed", name)
            browser._websocket_send("Runtime.evaluate", params={
                "expression": f"document.body.dataset.arPortalShot = {json.dumps(name)}"})

        def shoot(future):
            try:
                size = future.result()["cssContentSize"]
                clip = {"x": 0, "y": 0, "width": size["width"],
                        "height": min(size["height"], MAX_SCREENSHOT_HEIGHT), "scale": 1}
            except Exception:  # noqa: BLE001 - fall back on the visible part of the page
                clip = None
            params = {"format": "png", "captureBeyondViewport": bool(clip), **({"clip": clip} if clip else {})}
            browser._websocket_send("Page.captureScreenshot", params=params, with_future=True).add_done_callback(save)

        browser._websocket_send("Page.getLayoutMetrics", with_future=True).add_done_callback(shoot)

    def handle_console_with_screenshots(browser, type, args=None, stackTrace=None, **kw):
        message = args and args[0].get("value")
        if type == "log" and isinstance(message, str) and message.startswith(SCREENSHOT_SIGNAL):
            capture(browser, message[len(SCREENSHOT_SIGNAL):])
        return handle_console(browser, type, args=args, stackTrace=stackTrace, **kw)

    with patch.object(ChromeBrowser, "_handle_console", handle_console_with_screenshots):
        yield taken


@tagged("post_install", "-at_install")
class TestPortalTour(ArPortalCommon):
    """In a real browser: a customer disputes one invoice and promises to pay another."""

    def test_dispute_and_promise_tour(self):
        directory = screenshots_dir()
        with tour_screenshots(directory) as taken:
            self.start_tour("/my", "ar_collections_portal_tour", login=self.customer_user.login, timeout=240)
        _logger.info("Screenshots of the portal tour in %s", directory)
        names = sorted(path.stem for path in taken)
        self.assertEqual(names, [
            "01_home", "02_invoices", "03_invoice", "04_dispute_form", "05_dispute", "06_promise_error",
            "07_promise_form", "08_promise", "09_disputes", "10_promises", "11_statement", "12_preferences",
            "13_home_after",
        ])
        for path in taken:
            self.assertTrue(path.read_bytes().startswith(b"\x89PNG"), path)

        dispute = self._portal_disputes()
        self.assertEqual(len(dispute), 1)
        self.assertEqual(dispute.invoice_ids, self.invoice_overdue)
        self.assertEqual(dispute.disputed_amount, 150)
        self.assertEqual(self.env["ir.attachment"].search([
            ("res_model", "=", "ar.dispute"), ("res_id", "=", dispute.id)]).mapped("name"), ["delivery-note.pdf"])
        self.assertTrue(dispute.message_ids.filtered(
            lambda message: message.author_id == self.contact and "delivery note is attached" in message.body))
        promise = self._portal_promises()
        self.assertEqual(len(promise), 1)
        self.assertEqual(promise.invoice_ids, self.invoice_due)
        self.assertEqual(promise.amount, 300)
        self.assertEqual(promise.promise_date, self._day(10))
        self.assertEqual(self.customer.collection_preferred_channel, "email")
        self.assertTrue(self.customer.collection_no_sms)


@tagged("post_install", "-at_install")
class TestPortalPhone(ArPortalCommon):
    """On a phone-width screen, every collections page fits the screen (tables scroll inside it)."""

    browser_size = "390x844"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._backoffice_dispute(cls.customer, cls.invoice_overdue)
        cls._backoffice_promise(cls.customer, cls.invoice_due)

    def test_phone_width(self):
        directory = screenshots_dir()
        with tour_screenshots(directory, prefix="phone_") as taken:
            self.start_tour("/my", "ar_collections_portal_phone_tour", login=self.customer_user.login, timeout=180)
        self.assertEqual(len(taken), 9)
