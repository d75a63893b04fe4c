from odoo import api, fields, models
from odoo.exceptions import ValidationError

CHANNELS = [
    ("email", "Email"),
    ("sms", "SMS"),
    ("call", "Call Task"),
    ("letter", "Letter"),
    ("portal", "Portal Notice"),
]
ESCALATION_LEVELS = [
    ("collector", "Collector"),
    ("manager", "Collections Manager"),
    ("director", "AR Director"),
    ("legal", "Legal Handoff"),
]


class ArCollectionStep(models.Model):
    _name = "ar.collection.step"
    _description = "Collection Strategy Step"
    _order = "strategy_id, offset_days, sequence, id"
    _check_company_auto = True

    strategy_id = fields.Many2one("ar.collection.strategy", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="strategy_id.company_id", store=True)
    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    offset_days = fields.Integer(
        string="Days from Due Date", required=True,
        help="Negative: before the due date (courtesy reminder); positive: days overdue.")
    channel = fields.Selection(CHANNELS, required=True, default="email")
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", domain=[("model", "in", ("account.move", "res.partner"))])
    sms_template_id = fields.Many2one(
        "sms.template", string="SMS Template", domain=[("model", "in", ("account.move", "res.partner"))])
    letter_report_id = fields.Many2one(
        "ir.actions.report", string="Letter", domain=[("model", "=", "res.partner"), ("report_type", "=", "qweb-pdf")])
    activity_type_id = fields.Many2one("mail.activity.type", string="Activity Type")
    call_script = fields.Html(translate=True, help="What the collector says on the call.")
    needs_approval = fields.Boolean(
        compute="_compute_needs_approval", store=True, readonly=False, precompute=True,
        help="Actions of this step wait for a manager's approval. Always on for a legal handoff.")
    escalate_to = fields.Selection(ESCALATION_LEVELS, help="Hand the account to this level when the step runs.")
    attach_invoices = fields.Boolean(
        string="Attach Invoices", help="Emails of this step carry the PDF of each invoice they remind.")
    attach_statement = fields.Boolean(
        string="Attach Statement", help="Emails of this step carry the customer's statement of account as a PDF.")

    @api.depends("escalate_to")
    def _compute_needs_approval(self):
        for step in self:
            if step.escalate_to == "legal":
                step.needs_approval = True

    @api.constrains("escalate_to", "needs_approval")
    def _check_legal_approval(self):
        for step in self:
            if step.escalate_to == "legal" and not step.needs_approval:
                raise ValidationError(self.env._(
                    "Step %s hands the account over to legal: it must wait for a manager's approval.", step.name))

    @api.constrains("offset_days", "strategy_id")
    def _check_unique_offset(self):
        for strategy in self.strategy_id:
            offsets = strategy.step_ids.mapped("offset_days")
            duplicates = sorted({offset for offset in offsets if offsets.count(offset) > 1})
            if duplicates:
                raise ValidationError(self.env._(
                    "Strategy %(strategy)s has several steps at %(offsets)s day(s) from the due date; "
                    "each step needs its own offset.",
                    strategy=strategy.name, offsets=", ".join(map(str, duplicates))))

    @api.constrains("channel", "mail_template_id", "sms_template_id", "letter_report_id", "call_script")
    def _check_template(self):
        labels = dict(CHANNELS)
        for step in self:
            if not step._has_template():
                raise ValidationError(self.env._(
                    "Step %(step)s sends by %(channel)s but has no template for that channel.",
                    step=step.name, channel=labels[step.channel]))

    def _has_template(self):
        self.ensure_one()
        return bool({
            "email": self.mail_template_id,
            "portal": self.mail_template_id,
            "sms": self.sms_template_id,
            "letter": self.letter_report_id,
            "call": self.call_script and self.call_script != "<p><br></p>",
        }[self.channel])

    @api.depends("name", "offset_days", "channel")
    def _compute_display_name(self):
        labels = dict(CHANNELS)
        for step in self:
            step.display_name = f"{step.name} (D{step.offset_days:+d}, {labels.get(step.channel, '')})"
