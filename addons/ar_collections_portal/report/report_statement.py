from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

RECEIVABLE_TYPES = {
    "out_invoice": "invoice",
    "out_receipt": "invoice",
    "out_refund": "credit_note",
}


class ReportStatement(models.AbstractModel):
    """Statement of account of a customer over a period, in the currency of the company.

    ``data`` (all optional): ``date_from``, ``date_to`` (ISO dates; default: the last twelve months) and
    ``company_id`` (default: the current company).
    """

    _name = "report.ar_collections_portal.report_statement"
    _description = "Statement of Account"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        company = self.env["res.company"].browse(data["company_id"]) if data.get("company_id") else self.env.company
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(data.get("date_to")) or today
        date_from = fields.Date.to_date(data.get("date_from")) or date_to - relativedelta(years=1, days=-1)
        customers = self.env["res.partner"].browse(docids).commercial_partner_id
        return {
            "doc_ids": customers.ids,
            "doc_model": "res.partner",
            "docs": customers,
            "company": company,
            "statements": {customer.id: self._statement(customer, company, date_from, date_to)
                           for customer in customers},
        }

    @api.model
    def _statement(self, customer, company, date_from, date_to):
        """Opening balance, one line per document or payment of the period with the running balance, closing."""
        AccountMoveLine = self.env["account.move.line"]
        domain = [
            ("partner_id", "child_of", customer.id),
            ("company_id", "=", company.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]
        [(opening,)] = AccountMoveLine._read_group(domain + [("date", "<", date_from)], [], ["balance:sum"])
        opening = opening or 0.0
        lines = AccountMoveLine.search(
            domain + [("date", ">=", date_from), ("date", "<=", date_to)], order="date, move_name, id")
        rows, by_move = [], {}
        for line in lines:
            row = by_move.get(line.move_id)
            if not row:
                row = by_move[line.move_id] = {
                    "date": line.date,
                    "move": line.move_id,
                    "reference": line.move_id.name,
                    "description": self._describe(line.move_id),
                    "date_due": line.move_id.invoice_date_due if line.move_id.is_invoice(include_receipts=True)
                    else False,
                    "debit": 0.0,
                    "credit": 0.0,
                }
                rows.append(row)
            row["debit"] += line.debit
            row["credit"] += line.credit
        balance = opening
        for row in rows:
            balance += row["debit"] - row["credit"]
            row["balance"] = balance
        return {
            "company": company,
            "currency": company.currency_id,
            "date_from": date_from,
            "date_to": date_to,
            "opening": opening,
            "lines": rows,
            "total_debit": sum(row["debit"] for row in rows),
            "total_credit": sum(row["credit"] for row in rows),
            "closing": balance,
        }

    @api.model
    def _describe(self, move):
        kind = RECEIVABLE_TYPES.get(move.move_type)
        if kind == "invoice":
            return self.env._("Invoice")
        if kind == "credit_note":
            return self.env._("Credit Note")
        if move.origin_payment_id or move.statement_line_id:
            return self.env._("Payment")
        return move.ref or self.env._("Journal Entry")
