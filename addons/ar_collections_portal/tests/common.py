from odoo import Command, http
from odoo.tests import HttpCase, new_test_user

from odoo.addons.ar_collections.tests.common import ArCollectionsCommon

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 64


class ArPortalCommon(ArCollectionsCommon, HttpCase):
    """Two customers with a portal user each, and open invoices.

    Azure Interior (``customer``): ``invoice_overdue`` (1,200, due 15 days ago) and ``invoice_due``
    (800, due in 25 days). Deco Addict (``customer_2``): ``other_invoice``.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.collection_user_id = cls.collector
        cls.contact = cls.env["res.partner"].create({
            "name": "Anna Azure", "parent_id": cls.customer.id, "email": "anna@azure.example.com"})
        cls.customer_user = new_test_user(
            cls.env, "azure_portal", password="azure_portal", groups="base.group_portal",
            partner_id=cls.contact.id)
        cls.other_contact = cls.env["res.partner"].create({
            "name": "Dan Deco", "parent_id": cls.customer_2.id, "email": "dan@deco.example.com"})
        cls.other_user = new_test_user(
            cls.env, "deco_portal", password="deco_portal", groups="base.group_portal",
            partner_id=cls.other_contact.id)
        cls.invoice_overdue = cls._invoice(cls.customer, 1200, cls._day(-45))
        cls.invoice_due = cls._invoice(cls.customer, 800, cls._day(-5))
        cls.other_invoice = cls._invoice(cls.customer_2, 500, cls._day(-45))

    def _login(self, user):
        self.authenticate(user.login, user.login)

    def _post(self, url, data, files=None, csrf=True, **kwargs):
        data = dict(data)
        if csrf:
            data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(url, data=data, files=files, **kwargs)

    def _dispute_url(self, invoice):
        return f"/my/invoices/{invoice.id}/dispute"

    def _promise_url(self, invoice):
        return f"/my/invoices/{invoice.id}/promise"

    def _dispute_data(self, **values):
        return {"reason_id": self.reason.id, "amount": "150", "comment": "Only 8 of the 10 units arrived.", **values}

    def _promise_data(self, **values):
        return {"promise_date": str(self._day(10)), "amount": "300", "note": "", **values}

    def _portal_disputes(self, partner=None):
        return self.env["ar.dispute"].search([
            ("partner_id", "=", (partner or self.customer).id), ("source", "=", "portal")])

    def _portal_promises(self, partner=None):
        return self.env["ar.promise"].search([
            ("partner_id", "=", (partner or self.customer).id), ("source", "=", "portal")])

    @classmethod
    def _backoffice_dispute(cls, partner, invoice, amount=40):
        return cls.env["ar.dispute"].create({
            "partner_id": partner.id, "reason_id": cls.reason.id, "invoice_ids": [Command.set(invoice.ids)],
            "disputed_amount": amount})

    @classmethod
    def _backoffice_promise(cls, partner, invoice, amount=100):
        return cls.env["ar.promise"].create({
            "partner_id": partner.id, "invoice_ids": [Command.set(invoice.ids)], "amount": amount,
            "promise_date": cls._day(7)})
