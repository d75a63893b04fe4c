from dateutil.relativedelta import relativedelta

from odoo import api, fields, models

STATEMENT_REPORT = "ar_collections.action_report_statement"
# The longest period a statement asked for by a user covers (back office and portal).
MAX_STATEMENT_YEARS = 5
RECEIVABLE_TYPES = {
    "out_invoice": "invoice",
    "out_receipt": "invoice",
    "out_refund": "credit_note",
}


def default_date_from(date_to):
    """The first day of the twelve months that end on ``date_to``: the default period of a statement."""
    return date_to - relativedelta(years=1, days=-1)


class ReportStatement(models.AbstractModel):
    """Statement of account of a customer over a period, in the currency of the company.

    ``data`` (all optional): ``date_from``, ``date_to`` (ISO dates; default: the last twelve months) and
    ``company_id`` (default: the current company).
    """

    _name = "report.ar_collections.report_statement"
    _description = "Statement of Account"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        company = self.env["res.company"].browse(data["company_id"]) if data.get("company_id") else self.env.company
        today = fields.Date.context_today(self)
        date_to = fields.Date.to_date(data.get("date_to")) or today
        date_from = fields.Date.to_date(data.get("date_from")) or default_date_from(date_to)
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
    def _report_data(self, company, date_from, date_to):
        """The ``data`` of the report for ``company`` over a period."""
        return {
            "date_from": fields.Date.to_string(date_from),
            "date_to": fields.Date.to_string(date_to),
            "company_id": company.id,
        }

    @api.model
    def _render_pdf(self, customers, company, date_from, date_to):
        """``(content, kind)``: the statements of ``customers`` in ``company`` over a period, with this env's rights."""
        return self.env["ir.actions.report"].with_company(company)._render_qweb_pdf(
            STATEMENT_REPORT, customers.ids, data=self._report_data(company, date_from, date_to))

    @api.model
    def _period_with_open_items(self, customer, company, date_to):
        """``(date_from, date_to)``: the twelve months up to ``date_to``, reaching back to the customer's oldest
        open item in ``company`` so that every invoice, credit note or payment still open is on the statement."""
        date_from = default_date_from(date_to)
        [(oldest,)] = self.env["account.move.line"]._read_group(
            self._receivable_domain(customer, company) + [("reconciled", "=", False)], [], ["date:min"])
        return (min(oldest, date_from) if oldest else date_from), date_to

    @api.model
    def _receivable_domain(self, customer, company):
        return [
            ("partner_id", "child_of", customer.id),
            ("company_id", "=", company.id),
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
        ]

    @api.model
    def _statement(self, customer, company, date_from, date_to):
        """Opening balance, one line per document or payment of the period with the running balance, closing."""
        AccountMoveLine = self.env["account.move.line"]
        domain = self._receivable_domain(customer, company)
        [(opening,)] = AccountMoveLine._read_group(domain + [("date", "<", date_from)], [], ["balance:sum"])
        opening = opening or 0.0
        lines = AccountMoveLine.search(
            domain + [("date", ">=", date_from), ("date", "<=", date_to)], order="date, move_name, id")
        rows = self._statement_rows(lines)
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
    def _statement_rows(self, lines):
        """One row per journal entry of the receivable ``lines``, in their order, with its debit and credit."""
        rows = {}
        for line in lines:
            row = rows.get(line.move_id)
            if not row:
                row = rows[line.move_id] = self._statement_row(line.move_id)
            row["debit"] += line.debit
            row["credit"] += line.credit
        return list(rows.values())

    @api.model
    def _statement_row(self, move):
        return {
            "date": move.date,
            "move": move,
            "reference": move.name,
            "description": self._describe(move),
            "date_due": move.invoice_date_due if move.is_invoice(include_receipts=True) else False,
            "debit": 0.0,
            "credit": 0.0,
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
