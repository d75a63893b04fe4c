from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.ar_collections.tests.common import ArCollectionsCommon


@tagged("post_install", "-at_install")
class TestSaleCreditHold(ArCollectionsCommon):

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.product = cls.env["product.product"].create({"name": "Consulting", "list_price": 100})

    def _order(self):
        return self.env["sale.order"].create({
            "partner_id": self.customer.id,
            "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": 1})]})

    def test_order_of_a_customer_on_credit_hold_waits_for_a_release(self):
        self.customer._collection_put_on_credit_hold(self.env.company, "Broken promise P0001", "broken_promise")
        order = self._order()
        self.assertTrue(order.collection_credit_hold)
        with self.assertRaisesRegex(UserError, "on credit hold"):
            order.action_confirm()
        self.assertEqual(order.state, "draft", "nothing confirmed")
        with self.assertRaises(UserError):
            self.customer.with_user(self.manager)._collection_release_credit_hold("")
        self.customer.with_user(self.manager)._collection_release_credit_hold("Paid by wire, confirmed by the bank")
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_order_without_hold_confirms(self):
        order = self._order()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
