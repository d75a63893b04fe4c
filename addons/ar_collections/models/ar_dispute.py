from datetime import timedelta

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

DISPUTE_STATES = [("open", "Open"), ("resolved", "Resolved"), ("rejected", "Rejected")]
RESOLUTIONS = [
    ("credit_note", "Credit Note"),
    ("correction", "Correction"),
    ("rejection", "Rejected"),
    ("dismissed", "Dismissed (not a dispute)"),
]
SLA_ESCALATION_LEVELS = [("manager", "Team Manager"), ("director", "AR Director")]
SOURCES = [
    ("backoffice", "Back Office"),
    ("portal", "Customer Portal"),
    ("email", "Email Reply"),
    ("call", "Call"),
]


class ArDispute(models.Model):
    _name = "ar.dispute"
    _description = "Invoice Dispute"
    _inherit = ["ar.invoice.case.mixin", "ar.collection.audit.mixin", "mail.thread", "mail.activity.mixin",
                "portal.mixin"]
    _order = "state_sequence, sla_deadline, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, readonly=True, copy=False, default="/")
    invoice_ids = fields.Many2many(
        "account.move", "ar_dispute_account_move_rel", "dispute_id", "move_id", string="Invoices",
        required=True, check_company=True, domain="[('partner_id.commercial_partner_id', '=', partner_id),"
        " ('move_type', 'in', ('out_invoice', 'out_receipt')), ('state', '=', 'posted')]")
    state = fields.Selection(DISPUTE_STATES, default="open", required=True, tracking=True, index=True, copy=False)
    state_sequence = fields.Integer(compute="_compute_state_sequence", store=True)
    reason_id = fields.Many2one("ar.dispute.reason", string="Reason", required=True, tracking=True)
    disputed_amount = fields.Monetary(currency_field="currency_id", required=True, tracking=True)
    description = fields.Text(string="Customer's Explanation")
    source = fields.Selection(SOURCES, default="backoffice", required=True)
    team_id = fields.Many2one("ar.collection.team", string="Owner Team", tracking=True, check_company=True,
                              compute="_compute_team_id", store=True, readonly=False)
    user_id = fields.Many2one("res.users", string="Owner", tracking=True, default=lambda self: self.env.user,
                              domain=[("share", "=", False)])
    sla_deadline = fields.Datetime(string="SLA Deadline", compute="_compute_sla_deadline", store=True,
                                   readonly=False, tracking=True)
    sla_breached = fields.Boolean(string="SLA Breached", compute="_compute_sla_breached",
                                  search="_search_sla_breached")
    resolution = fields.Selection(RESOLUTIONS, tracking=True, copy=False)
    resolution_note = fields.Text(copy=False)
    resolved_date = fields.Datetime(readonly=True, copy=False)
    sla_escalation = fields.Selection(
        SLA_ESCALATION_LEVELS, string="SLA Escalation", readonly=True, copy=False, tracking=True,
        help="Who the dispute went to after its SLA deadline passed: the team's manager, then, one more SLA period "
        "later, the AR director.")
    credit_note_ids = fields.Many2many("account.move", "ar_dispute_credit_note_rel", "dispute_id", "move_id",
                                       string="Credit Notes", readonly=True, copy=False)
    source_message_id = fields.Many2one("mail.message", string="Customer Email", readonly=True, copy=False,
                                        help="The customer's email reply the dispute was detected in.")
    detection_score = fields.Float(readonly=True, copy=False, digits=(16, 2))
    detection_phrases = fields.Char(string="Detected Phrases", readonly=True, copy=False)
    _audit_fields = ("state", "user_id")

    @api.depends("state")
    def _compute_state_sequence(self):
        order = {state: index for index, (state, _label) in enumerate(DISPUTE_STATES)}
        for dispute in self:
            dispute.state_sequence = order.get(dispute.state, 0)

    @api.depends("reason_id")
    def _compute_team_id(self):
        for dispute in self:
            if dispute.reason_id.team_id and not dispute.team_id:
                dispute.team_id = dispute.reason_id.team_id

    @api.depends("reason_id", "team_id")
    def _compute_sla_deadline(self):
        for dispute in self:
            days = dispute.team_id.dispute_sla_days or dispute.reason_id.sla_days or 10
            start = dispute.create_date or fields.Datetime.now()
            dispute.sla_deadline = start + timedelta(days=days)

    @api.depends("sla_deadline", "state")
    def _compute_sla_breached(self):
        now = fields.Datetime.now()
        for dispute in self:
            dispute.sla_breached = dispute.state == "open" and bool(dispute.sla_deadline) and dispute.sla_deadline < now

    def _search_sla_breached(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Unsupported search on the SLA breach."))
        breached = [("state", "=", "open"), ("sla_deadline", "<", fields.Datetime.now())]
        return breached if (operator == "=") == value else ["!", "&", *breached]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env["ir.sequence"].next_by_code("ar.dispute") or "/"
        disputes = super().create(vals_list)
        disputes.invoice_ids._collection_recompute_state()
        return disputes

    def write(self, vals):
        closing = self.browse()
        if vals.get("state") in ("resolved", "rejected"):
            closing = self.filtered(lambda d: d.state == "open")
        result = super().write(vals)
        if {"state", "invoice_ids"} & set(vals):
            self.invoice_ids._collection_recompute_state()
        if closing:
            # The invoices are back in the dunning flow (or credited): let the engine look at them now.
            self.env["ar.collection.engine"]._trigger_run()
        return result

    @api.constrains("disputed_amount", "invoice_ids", "state")
    def _check_disputed_amount(self):
        for dispute in self.filtered(lambda d: d.state == "open"):
            if dispute.disputed_amount <= 0:
                raise ValidationError(self.env._("The disputed amount must be positive."))
            if dispute.currency_id.compare_amounts(dispute.disputed_amount, dispute._invoices_total()) > 0:
                raise ValidationError(self.env._(
                    "The disputed amount (%(amount)s) exceeds the total of the disputed invoices (%(total)s).",
                    amount=dispute.currency_id.format(dispute.disputed_amount),
                    total=dispute.currency_id.format(dispute._invoices_total())))

    def _invoices_total(self):
        return sum(self.invoice_ids.mapped("amount_total"))

    def action_resolve(self):
        for dispute in self:
            dispute._check_open()
            if not dispute.resolution or dispute.resolution == "rejection":
                raise UserError(self.env._("Choose how dispute %s was resolved (credit note or correction).",
                                           dispute.name))
        self.write({"state": "resolved", "resolved_date": fields.Datetime.now()})
        return True

    def action_reject(self):
        for dispute in self:
            dispute._check_open()
            if not dispute.resolution_note:
                raise UserError(self.env._("Explain to the customer why dispute %s is rejected.", dispute.name))
        self.write({"state": "rejected", "resolution": "rejection", "resolved_date": fields.Datetime.now()})
        if not self.env.context.get("ar_collection_no_rejection_email"):
            self._send_rejection_email()
        return True

    def action_reopen(self):
        self.filtered(lambda d: d.state != "open").with_context(
            ar_collection_reason=self.env._("Reopened")).write({
                "state": "open", "resolution": False, "resolved_date": False, "sla_escalation": False})
        return True

    # ------------------------------------------------------------------
    # SLA breaches
    # ------------------------------------------------------------------

    @api.model
    def _cron_escalate_breached(self):
        """Disputes past their SLA go to their team's manager, then, one more SLA period later, to the AR director."""
        breached = self.sudo().search([("state", "=", "open"), ("sla_deadline", "<", fields.Datetime.now())])
        breached.filtered(lambda dispute: not dispute.sla_escalation)._escalate_breach("manager")
        breached.filtered(lambda dispute: dispute.sla_escalation == "manager"
                          and dispute._second_deadline() < fields.Datetime.now())._escalate_breach("director")
        return True

    def _second_deadline(self):
        self.ensure_one()
        return self.sla_deadline + (self.sla_deadline - (self.create_date or self.sla_deadline))

    def _escalate_breach(self, level):
        for dispute in self:
            user = dispute._sla_escalation_user(level)
            label = dict(SLA_ESCALATION_LEVELS)[level]
            dispute.with_context(ar_collection_reason=self.env._("SLA deadline passed")).write(
                {"sla_escalation": level})
            dispute._audit_log("escalation", description=self.env._("SLA breached: escalated to the %s", label),
                               new_value=level, rule="dispute_sla",
                               reason=self.env._("Open past its SLA deadline of %s.",
                                                 fields.Datetime.to_string(dispute.sla_deadline)))
            if user:
                dispute.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=user.id,
                    summary=self.env._("Dispute %s is past its SLA", dispute.name),
                    note=self.env._("Its deadline was %s. Resolve it or tell the customer when it will be.",
                                    fields.Datetime.to_string(dispute.sla_deadline)))

    def _sla_escalation_user(self, level):
        """The person a breached dispute goes to: its team's leader (else the company's collections manager),
        then the AR director."""
        self.ensure_one()
        company = self.company_id
        if level == "manager":
            return self.team_id.leader_id or company.collection_manager_id
        return company.collection_director_id or company.collection_manager_id

    def _check_open(self):
        if self.state != "open":
            raise UserError(self.env._("Dispute %s is already closed.", self.name))

    # ------------------------------------------------------------------
    # Resolution by credit note (Odoo's reversal)
    # ------------------------------------------------------------------

    def action_resolve_credit_note(self):
        """Credit the disputed amount through Odoo's reversal, match it with the invoices, resolve."""
        for dispute in self:
            dispute._check_open()
            credit_notes = dispute._create_credit_notes()
            dispute.write({"credit_note_ids": [Command.link(move.id) for move in credit_notes],
                           "resolution": "credit_note"})
            dispute.message_post(body=Markup("%s %s") % (
                self.env._("Resolved by credit note:"), Markup(", ").join(m._get_html_link() for m in credit_notes)))
        self.with_context(ar_collection_reason=self.env._("Credit note")).action_resolve()
        return True

    def _create_credit_notes(self):
        """One posted credit note per invoice, for the disputed amount, reconciled with its invoice."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        remaining = self.disputed_amount
        credit_notes = self.env["account.move"]
        for invoice in self.invoice_ids.sorted(lambda move: (move.invoice_date_due or today, move.id)):
            if self.currency_id.compare_amounts(remaining, 0) <= 0:
                break
            amount = min(remaining, invoice.amount_residual)
            if self.currency_id.is_zero(amount):
                continue
            credit = invoice._reverse_moves([{
                "ref": self.env._("Dispute %(dispute)s: %(reason)s", dispute=self.name,
                                  reason=self.reason_id.display_name),
                "date": today, "invoice_date": today,
            }], cancel=False)
            ratio = amount / invoice.amount_total
            if self.currency_id.compare_amounts(amount, invoice.amount_total) < 0:
                for line in credit.invoice_line_ids.filtered(lambda line: line.display_type == "product"):
                    line.price_unit = self.currency_id.round(line.price_unit * ratio)
            credit.action_post()
            (invoice.line_ids | credit.line_ids).filtered(
                lambda line: line.account_type == "asset_receivable" and not line.reconciled).reconcile()
            remaining -= credit.amount_total
            credit_notes |= credit
        if not credit_notes:
            raise UserError(self.env._("Nothing is left open on the invoices of dispute %s to credit.", self.name))
        return credit_notes

    def action_view_credit_notes(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "name": self.env._("Credit Notes"), "res_model": "account.move",
                "view_mode": "list,form", "domain": [("id", "in", self.credit_note_ids.ids)]}

    # ------------------------------------------------------------------
    # Rejection with an explanation to the customer; false positives
    # ------------------------------------------------------------------

    def _send_rejection_email(self):
        template = self.env.ref("ar_collections.mail_template_dispute_rejected", raise_if_not_found=False)
        if not template:
            return
        for dispute in self:
            dispute.with_context(mail_post_autofollow=False).message_post_with_source(
                template, message_type="comment", subtype_xmlid="mail.mt_comment")

    def action_dismiss(self):
        """Not a dispute after all (a false positive of the email detector): close it, no email, recorded."""
        for dispute in self:
            dispute._check_open()
        reason = self.env._("False positive: the customer's email was not a dispute")
        self.with_context(ar_collection_reason=reason).write({
            "state": "rejected", "resolution": "dismissed", "resolved_date": fields.Datetime.now(),
            "resolution_note": reason})
        for dispute in self:
            dispute._audit_log("dismissal", description=self.env._("Dispute dismissed as a false positive"),
                               reason=reason, new_value=(dispute.detection_phrases or "")[:200],
                               rule="dispute_detection")
        return True

    # ------------------------------------------------------------------
    # Opened from an email reply
    # ------------------------------------------------------------------

    @api.model
    def _open_from_email(self, invoices, message, score, phrases):
        """Open a dispute on ``invoices`` (one customer's) from the customer's ``message``; tell its owner."""
        company = invoices.company_id[:1]
        partner = invoices.commercial_partner_id[:1]
        owner = (partner.with_company(company).collection_user_id or company.collection_user_id
                 or company.collection_manager_id)
        reason = company.collection_dispute_reason_id or self.env.ref("ar_collections.dispute_reason_other")
        dispute = self.sudo().with_company(company).with_context(mail_create_nosubscribe=True).create({
            "partner_id": partner.id,
            "company_id": company.id,
            "invoice_ids": [Command.set(invoices.ids)],
            "reason_id": reason.id,
            "disputed_amount": sum(invoices.mapped("amount_residual")),
            "description": message.preview or "",
            "source": "email",
            "user_id": owner.id or False,
            "source_message_id": message.id,
            "detection_score": score,
            "detection_phrases": ", ".join(phrases),
        })
        attachments = message.attachment_ids.copy({"res_model": dispute._name, "res_id": dispute.id}) \
            if message.attachment_ids else self.env["ir.attachment"]
        dispute.message_post(
            body=Markup("<p>%s</p>%s") % (self.env._("Opened from the customer's email reply:"), message.body),
            attachment_ids=attachments.ids, message_type="comment", subtype_xmlid="mail.mt_note",
            author_id=message.author_id.id)
        if owner:
            dispute.activity_schedule(
                "mail.mail_activity_data_todo", user_id=owner.id,
                summary=self.env._("Dispute from an email reply: %s", ", ".join(invoices.mapped("name"))),
                note=self.env._("Phrases found: %s. Dismiss the dispute if it is not one.", ", ".join(phrases)))
        return dispute

    def _compute_access_url(self):
        super()._compute_access_url()
        for dispute in self:
            dispute.access_url = f"/my/disputes/{dispute.id}"

