from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.ar_collections.tests.common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestPortalAccess(ArCollectionsCommon):
    """A portal user sees the disputes and promises of their own company only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contact = cls.env["res.partner"].create({"name": "Anna Azure", "parent_id": cls.customer.id})
        cls.portal_user = new_test_user(cls.env, "ar_portal_azure", groups="base.group_portal",
                                        partner_id=cls.contact.id)
        cls.other_portal_user = new_test_user(cls.env, "ar_portal_deco", groups="base.group_portal")
        cls.other_portal_user.partner_id.parent_id = cls.customer_2
        invoice = cls._invoice(cls.customer, 400, cls._day(-20))
        other_invoice = cls._invoice(cls.customer_2, 400, cls._day(-20))
        cls.dispute = cls._dispute(cls.customer, invoice)
        cls.other_dispute = cls._dispute(cls.customer_2, other_invoice)
        cls.promise = cls.env["ar.promise"].create({
            "partner_id": cls.customer.id, "invoice_ids": invoice.ids, "amount": 100, "promise_date": cls._day(7)})

    @classmethod
    def _dispute(cls, partner, invoice):
        return cls.env["ar.dispute"].create({
            "partner_id": partner.id, "reason_id": cls.reason.id, "invoice_ids": invoice.ids, "disputed_amount": 40})

    def test_portal_user_reads_own_company_only(self):
        Dispute = self.env["ar.dispute"].with_user(self.portal_user)
        self.assertEqual(Dispute.search([]), self.dispute)
        self.assertEqual(self.env["ar.promise"].with_user(self.portal_user).search([]), self.promise)
        self.assertEqual(self.dispute.with_user(self.portal_user).disputed_amount, 40)
        with self.assertRaises(AccessError):
            self.other_dispute.with_user(self.portal_user).read(["disputed_amount"])
        self.assertEqual(self.env["ar.dispute"].with_user(self.other_portal_user).search([]), self.other_dispute)

    def test_portal_user_cannot_write_or_create(self):
        with self.assertRaises(AccessError):
            self.dispute.with_user(self.portal_user).write({"disputed_amount": 1})
        with self.assertRaises(AccessError):
            self.env["ar.dispute"].with_user(self.portal_user).create({
                "partner_id": self.customer.id, "reason_id": self.reason.id,
                "invoice_ids": self.dispute.invoice_ids.ids, "disputed_amount": 10})
        with self.assertRaises(AccessError):
            self.promise.with_user(self.portal_user).action_cancel()
