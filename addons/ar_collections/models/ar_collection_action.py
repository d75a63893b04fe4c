import logging
from datetime import timedelta

import phonenumbers
import psycopg2
import pytz
from psycopg2.errors import LockNotAvailable, SerializationFailure
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_amount, format_date
from odoo.tools.pdf import merge_pdf

from ..engine import guardrails
from .ar_collection_step import CHANNELS

_logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 3
# Delay before the next attempt, after the first and the second failure.
RETRY_DELAYS = (timedelta(hours=1), timedelta(hours=6))
# Email failures that another attempt cannot cure.
PERMANENT_EMAIL_FAILURES = frozenset({"mail_bounce", "mail_email_invalid", "mail_email_missing"})
# Collection states that take an invoice out of the flow after its action was planned.
HELD_STATES = ("disputed", "promised", "paused", "legal", "written_off")
OPEN_PAYMENT_STATES = ("not_paid", "partial")
# Numbers that cannot receive a text message.
NO_SMS_NUMBER_TYPES = frozenset({
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.PREMIUM_RATE,
    phonenumbers.PhoneNumberType.SHARED_COST,
})

ACTION_STATES = [
    ("planned", "Planned"),
    ("to_approve", "Awaiting Approval"),
    ("done", "Done"),
    ("skipped", "Skipped"),
    ("failed", "Failed"),
    ("cancelled", "Cancelled"),
]


class CollectionSendError(UserError):
    """The action cannot be sent as things stand: no address, invalid number, no template..."""


class ArCollectionAction(models.Model):
    _name = "ar.collection.action"
    _description = "Collection Action"
    _inherit = ["ar.collection.audit.mixin", "mail.thread"]
    _order = "scheduled_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(compute="_compute_name", search="_search_name")
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True, index=True)
    move_id = fields.Many2one("account.move", string="Invoice", index=True, check_company=True,
                              help="Empty when the action covers several invoices of the customer.")
    move_ids = fields.Many2many("account.move", "ar_collection_action_account_move_rel", "action_id", "move_id",
                                string="Invoices", check_company=True)
    strategy_id = fields.Many2one("ar.collection.strategy", index=True, check_company=True)
    step_id = fields.Many2one("ar.collection.step", string="Step", index=True, check_company=True,
                              help="The strategy step the customer reached.")
    template_step_id = fields.Many2one("ar.collection.step", string="Template From", check_company=True,
                                       help="The step whose template is used: another one when the engine chose "
                                       "another channel than the step's.")
    channel = fields.Selection(CHANNELS, required=True)
    state = fields.Selection(ACTION_STATES, default="planned", required=True, index=True, tracking=True)
    scheduled_date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    done_date = fields.Datetime(readonly=True)
    user_id = fields.Many2one("res.users", string="Owner", index=True, domain=[("share", "=", False)])
    contact_id = fields.Many2one("res.partner", string="Contact")
    reason_codes = fields.Char(help="Why the engine chose this action.")
    decision_inputs = fields.Json(help="The inputs the decision was made from.")
    score = fields.Float(digits=(16, 4))
    blocked_by = fields.Char(string="Blocked by Guardrail")
    failure_reason = fields.Text()
    is_control_group = fields.Boolean(help="Customer of the control group, on the plain schedule.")
    approved_by_id = fields.Many2one("res.users", readonly=True)
    approval_comment = fields.Text()
    currency_id = fields.Many2one("res.currency")
    amount_due = fields.Monetary(currency_field="currency_id")
    attempt_count = fields.Integer(
        string="Attempts", readonly=True, copy=False,
        help="Times the engine tried to send this action; a failed send is tried again, three times at most.")
    cancel_reason = fields.Char(readonly=True, copy=False)
    letter_attachment_id = fields.Many2one("ir.attachment", string="Letter PDF", readonly=True, copy=False)
    printed = fields.Boolean(readonly=True, copy=False, tracking=True,
                             help="The letter was printed and posted.")
    printed_date = fields.Datetime(readonly=True, copy=False)
    sent_message_ids = fields.Many2many(
        "mail.message", "ar_collection_action_sent_message_rel", "action_id", "message_id", string="Sent Messages",
        readonly=True, copy=False, help="The emails and text messages the action sent; a bounce fails the action.")
    dedup_key = fields.Char(readonly=True, copy=False,
                            help="Customer, step, invoices and outcome: the engine never records the same twice.")
    _audit_fields = ("state", "user_id")
    _rec_names_search = ["partner_id", "step_id", "channel"]

    _sql_constraints = [
        ("dedup_key_uniq", "unique(dedup_key)", "The engine already recorded this action."),
    ]

    @api.depends("channel", "partner_id", "step_id")
    def _compute_name(self):
        labels = dict(CHANNELS)
        for action in self:
            action.name = " - ".join(filter(None, [
                labels.get(action.channel), action.step_id.name, action.partner_id.display_name]))

    def _search_name(self, operator, value):
        if operator in ("not ilike", "!=", "not in"):
            return ["&", ("partner_id", operator, value), ("step_id.name", operator, value)]
        return ["|", ("partner_id", operator, value), ("step_id.name", operator, value)]

    def _audit_event_values(self):
        return {**super()._audit_event_values(), "move_id": self.move_id.id, "rule": self.step_id.display_name}

    def _check_state(self, allowed, verb):
        wrong = self.filtered(lambda action: action.state not in allowed)
        if wrong:
            raise UserError(self.env._(
                "Only actions that are %(states)s can be %(verb)s (%(actions)s).",
                states=" / ".join(dict(ACTION_STATES)[s] for s in allowed), verb=verb,
                actions=", ".join(wrong.mapped("name"))))

    @api.model
    def _action_open_for_current_user(self):
        """Collection actions as each person needs them: a collector's own, the whole team's for a manager."""
        action = self.env["ir.actions.act_window"]._for_xml_id("ar_collections.ar_collection_action_action")
        if self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            action["context"] = {"search_default_planned": 1, "search_default_to_approve": 1,
                                 "search_default_group_user": 1}
        return action

    def action_approve(self, comment=None):
        """Approve; ``comment`` defaults to the one typed on each action."""
        self._check_manager()
        self._check_state(("to_approve",), self.env._("approved"))
        for action in self:
            action._decide("planned", "approval", self.env._("Action approved"), comment or action.approval_comment)
        self.env["ar.collection.engine"]._trigger_run()
        return True

    def action_reject(self, comment=None):
        self._check_manager()
        self._check_state(("to_approve",), self.env._("rejected"))
        for action in self:
            reason = comment or action.approval_comment
            if not reason:
                raise UserError(self.env._("Say why action %s is rejected.", action.name))
            action._decide("cancelled", "rejection", self.env._("Action rejected"), reason)
        return True

    def _decide(self, state, event_type, description, comment):
        self.with_context(ar_collection_reason=comment).write({
            "state": state, "approved_by_id": self.env.uid, "approval_comment": comment})
        self._audit_log(event_type, description=description, reason=comment)

    def action_cancel(self):
        self._check_state(("planned", "to_approve", "failed"), self.env._("cancelled"))
        self.write({"state": "cancelled"})
        return True

    def _check_manager(self):
        if not self.env.user.has_group("ar_collections.group_ar_collections_manager"):
            raise UserError(self.env._("Only a collections manager can approve or reject actions."))

    # ------------------------------------------------------------------
    # Manual actions on the queue
    # ------------------------------------------------------------------

    def action_send_now(self):
        """Send planned actions at once, without waiting for their scheduled time."""
        self._check_manager()
        self._lock_for_sending()
        self._check_state(("planned",), self.env._("sent now"))
        for action in self:
            action.with_company(action.company_id)._execute()
        self.env["ar.collection.engine"]._trigger_outgoing_queues()
        return True

    def action_edit_and_send(self):
        """Open the planned email in Odoo's mail composer: the collector edits it and sends it as this action."""
        self.ensure_one()
        self._check_state(("planned",), self.env._("edited and sent"))
        if self.channel != "email":
            raise UserError(self.env._("Only an email can be edited before it is sent."))
        if self._needs_approval():
            raise UserError(self.env._("Action %s waits for a manager's approval.", self.name))
        step = self.template_step_id or self.step_id
        template = step.mail_template_id
        live_moves, dropped = self._split_moves()
        if self.move_ids and not live_moves:
            raise UserError(self._dropped_reason(dropped))
        records = self._template_records(template, live_moves)
        if len(records) > 1:
            raise UserError(self.env._(
                "Action %s sends one email per invoice: send it from the queue, or edit the invoices' emails "
                "one by one.", self.name))
        recipient = self._recipient()
        action = self._rendering_env(self._lang(recipient)).with_context(ar_collection_action_id=self.id)
        action._ensure_portal_tokens(records)
        composer = action._composer(records, template, recipient | self._invoicing_contacts(),
                                    attachments=action._email_attachments(step, records, live_moves))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Edit and Send"),
            "res_model": composer._name,
            "res_id": composer.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {"ar_collection_action_id": self.id, "ar_collection_message": True},
        }

    def _sent_from_composer(self, messages):
        """The collector sent this action's email from the mail composer: it is done, like a send by the engine."""
        self.ensure_one()
        self._lock_for_sending()
        self._check_state(("planned",), self.env._("edited and sent"))
        live_moves, _dropped = self._split_moves()
        self.sent_message_ids |= messages
        self._complete(live_moves, edited_by=self.env.user)

    def _lock_for_sending(self):
        """Lock the actions as the engine's run does, so that a run and a user never send the same action."""
        self.flush_recordset()
        try:
            self.env.cr.execute(SQL("SELECT id FROM ar_collection_action WHERE id IN %s FOR UPDATE NOWAIT",
                                    tuple(self.ids)), log_exceptions=False)
        except LockNotAvailable:
            message = self.env._("The engine is sending these actions right now; try again in a moment.")
            raise UserError(message) from None
        self.invalidate_recordset()

    def action_retry(self):
        """Give failed actions three new attempts, from the next run of the engine."""
        self._check_state(("failed",), self.env._("retried"))
        now = fields.Datetime.now()
        for action in self.with_context(ar_collection_reason=self.env._("Retry requested")):
            action.write({"state": "planned", "scheduled_date": action._next_allowed_time(now), "attempt_count": 0})
        self.env["ar.collection.engine"]._trigger_run()
        return True

    def _next_allowed_time(self, moment):
        """``moment`` (naive UTC) moved out of the strategy's quiet days and hours, in the customer's time zone."""
        self.ensure_one()
        if not self.strategy_id:
            return moment
        tz = pytz.timezone(self._customer_tz())
        local = pytz.utc.localize(moment).astimezone(tz).replace(tzinfo=None)
        allowed = guardrails.next_send_time(self.strategy_id._guardrail_limits(), local)
        if allowed == local:
            return moment
        return tz.localize(allowed).astimezone(pytz.utc).replace(tzinfo=None, microsecond=0)

    def _customer_tz(self):
        for name in (self.partner_id.tz, self.company_id.partner_id.tz):
            if name in pytz.all_timezones_set:
                return name
        return "UTC"

    def action_mark_printed(self):
        letters = self.filtered(lambda action: action.letter_attachment_id and not action.printed)
        letters.write({"printed": True, "printed_date": fields.Datetime.now()})
        return True

    def action_print_letters(self):
        """Download the letters waiting to be printed, as one PDF."""
        letters = self.filtered("letter_attachment_id").letter_attachment_id
        if not letters:
            raise UserError(self.env._("None of the selected actions has a letter to print."))
        if len(letters) > 1:
            letters = self._merge_letters(letters)
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{letters.id}?download=true",
            "target": "download",
        }

    def _merge_letters(self, letters):
        pdfs = letters.filtered(lambda attachment: attachment.mimetype == "application/pdf")
        if pdfs != letters:
            raise UserError(self.env._("Only PDF letters can be printed together; print the others one by one."))
        return self.env["ir.attachment"].create({
            "name": self.env._("Letters %s.pdf", fields.Date.to_string(fields.Date.context_today(self))),
            "raw": merge_pdf(pdfs.mapped("raw")),
            "mimetype": "application/pdf",
            "res_model": self._name,
            "res_id": self[:1].id,
        })

    # ------------------------------------------------------------------
    # Execution (called by the engine's cron)
    # ------------------------------------------------------------------

    @api.model
    def _execute_due(self, limit=200):
        """Execute up to ``limit`` actions due now, oldest first; return how many were processed.

        The rows are locked with ``FOR UPDATE SKIP LOCKED``: workers running at
        the same time share the queue and never take the same action. Each
        action runs in a savepoint, so that a failure is recorded on it without
        losing the rest of the batch.
        """
        actions = self.browse(self._lock_due_ids(limit))
        for action in actions:
            action.with_company(action.company_id)._execute()
        return len(actions)

    @api.model
    def _count_due(self):
        """Actions due now that a run of the engine has still to execute."""
        self._flush_due_inputs()
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM ar_collection_action action %s", self._due_clause()))
        return self.env.cr.fetchone()[0]

    @api.model
    def _lock_due_ids(self, limit):
        """Lock up to ``limit`` due actions that no other worker holds; none when another one got ahead.

        Another worker may have sent some of the actions this transaction
        still sees as planned: PostgreSQL then refuses the lock (repeatable
        read). This worker leaves the queue to the other one; its next run,
        in a new transaction, sees the queue as it is.
        """
        self._flush_due_inputs()
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(SQL("""
                    SELECT action.id
                      FROM ar_collection_action action
                           %s
                  ORDER BY action.scheduled_date, action.id
                     LIMIT %s
                       FOR UPDATE OF action SKIP LOCKED
                """, self._due_clause(), limit), log_exceptions=False)
                return [action_id for (action_id,) in self.env.cr.fetchall()]
        except SerializationFailure:
            _logger.info("Collection actions sent by another worker meanwhile: leaving the queue to it")
            return []

    @api.model
    def _due_clause(self):
        """Planned actions whose time has come, outside paused companies, strategies and customers."""
        return SQL("""
              JOIN res_company company ON company.id = action.company_id
              JOIN res_partner partner ON partner.id = action.partner_id
         LEFT JOIN ar_collection_strategy strategy ON strategy.id = action.strategy_id
             WHERE action.state = 'planned'
               AND action.scheduled_date <= %s
               AND company.collection_engine_paused IS NOT TRUE
               AND strategy.paused IS NOT TRUE
               AND (partner.collection_paused ->> action.company_id::text)::boolean IS NOT TRUE
        """, fields.Datetime.now())

    @api.model
    def _flush_due_inputs(self):
        self.flush_model(["state", "scheduled_date", "company_id", "partner_id", "strategy_id"])
        self.env["res.company"].flush_model(["collection_engine_paused"])
        self.env["ar.collection.strategy"].flush_model(["paused"])
        self.env["res.partner"].flush_model(["collection_paused"])

    def _execute(self):
        """Execute this action now; return whether it went through.

        A failure never propagates: it is recorded on the action, which is
        tried again later (see :meth:`_record_failure`). Database concurrency
        errors do propagate, so that the whole run is retried by the cron, and
        so does a lost connection (``InterfaceError``: nothing can be recorded).
        """
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._execute_checked()
        except (psycopg2.OperationalError, psycopg2.InterfaceError):
            raise
        except Exception as error:  # noqa: BLE001 - every failure of a send is recorded, the batch goes on
            self._record_failure(error)
            return False
        return True

    def _execute_checked(self):
        live_moves, dropped = self._split_moves()
        if self.move_ids and not live_moves:
            self._cancel_with_reason(self._dropped_reason(dropped))
            return
        if self._needs_approval():
            self.write({"state": "to_approve"})
            return
        step = self.template_step_id or self.step_id
        if not step:
            raise CollectionSendError(self.env._("The action has no strategy step to take its template from."))
        self._senders()[self.channel](step, live_moves)
        self._complete(live_moves)

    def _complete(self, moves, edited_by=None):
        """What follows a send: the step's escalation, then the action is done."""
        if self.step_id.escalate_to:
            self.env["ar.collection.escalation"]._escalate(
                self, self.step_id.escalate_to, moves,
                reason=self.env._("Step %s of the collection strategy.", self.step_id.display_name))
        self._mark_done(moves, edited_by=edited_by)

    def _senders(self):
        return {
            "email": self._send_email,
            "sms": self._send_sms,
            "call": self._send_call,
            "letter": self._send_letter,
            "portal": self._send_portal,
        }

    def _split_moves(self):
        """The action's invoices still to collect, and ``{invoice: why not}`` for the others."""
        payment_labels = dict(self.env["account.move"]._fields["payment_state"]._description_selection(self.env))
        collection_labels = dict(self.env["account.move"]._fields["collection_state"]._description_selection(self.env))
        live = self.env["account.move"]
        dropped = {}
        for move in self.move_ids:
            if move.state != "posted":
                dropped[move] = self.env._("cancelled")
            elif move.payment_state not in OPEN_PAYMENT_STATES:
                dropped[move] = payment_labels.get(move.payment_state, move.payment_state)
            elif move.collection_state in HELD_STATES:
                dropped[move] = collection_labels[move.collection_state]
            else:
                live |= move
        return live, dropped

    def _dropped_reason(self, dropped):
        return self.env._(
            "Nothing left to collect: %s",
            ", ".join(f"{move.name} ({why})" for move, why in dropped.items()))

    def _cancel_with_reason(self, reason):
        self.with_context(ar_collection_reason=reason).write({"state": "cancelled", "cancel_reason": reason})

    def _needs_approval(self):
        """A step that needs approval (a legal handoff always does) never runs unapproved."""
        step = self.step_id
        return (step.needs_approval or step.escalate_to == "legal") and not self.approved_by_id

    def _mark_done(self, moves, edited_by=None):
        self.write({"state": "done", "done_date": fields.Datetime.now(), "attempt_count": self.attempt_count + 1})
        if moves:
            moves.write({"collection_last_action_date": fields.Date.context_today(self)})
        description = self.env._("%s sent", self._channel_label()) if not edited_by else self.env._(
            "%(channel)s edited and sent by %(user)s", channel=self._channel_label(), user=edited_by.name)
        self._audit_log(
            "sent", description=description, new_value=self._channel_label(),
            payload={"attempt": self.attempt_count, "invoice_ids": moves.ids, "edited_by": edited_by.id or None
                     if edited_by else None})

    def _record_failure(self, error):
        """Mark the action failed; it goes back to the queue until it has failed three times."""
        message = self._failure_message(error)
        attempts = self.attempt_count + 1
        self.with_context(ar_collection_reason=message).write({
            "state": "failed", "failure_reason": message, "attempt_count": attempts})
        self._audit_log("failed", description=self.env._("%s failed", self._channel_label()), reason=message,
                        new_value=f"{attempts}/{MAX_ATTEMPTS}")
        if attempts < MAX_ATTEMPTS:
            retry_at = self._next_allowed_time(fields.Datetime.now() + RETRY_DELAYS[attempts - 1])
            self.with_context(ar_collection_reason=self.env._(
                "Attempt %(next)s of %(max)s", next=attempts + 1, max=MAX_ATTEMPTS,
            )).write({"state": "planned", "scheduled_date": retry_at})
            self.env["ar.collection.engine"]._trigger_run(at=retry_at)

    @api.model
    def _collection_delivery_failed(self, notifications):
        """React to the emails and text messages of done actions that bounced or could not be sent.

        An email the mail server could not take (connection, configuration) goes
        back to the mail queue for a later attempt, three attempts in all; a
        bounce, a rejected address or an undelivered text fails the action,
        with the reason, for a person to fix the address and retry. A bounced
        address also stops the engine from emailing it again.
        """
        actions = self.search([("sent_message_ids", "in", notifications.mail_message_id.ids), ("state", "=", "done")])
        for action in actions:
            failed = notifications.filtered(
                lambda notif, action=action: notif.mail_message_id in action.sent_message_ids
                and notif.res_partner_id.commercial_partner_id == action.partner_id.commercial_partner_id)
            if not failed:
                continue
            if action._can_resend(failed[0]):
                action._resend_later(failed[0])
            else:
                action._record_delivery_failure(failed[0])

    def _can_resend(self, notification):
        return (notification.notification_status == "exception" and notification.notification_type == "email"
                and notification.failure_type not in PERMANENT_EMAIL_FAILURES and notification.mail_mail_id
                and self.attempt_count < MAX_ATTEMPTS)

    def _resend_later(self, notification):
        """Put the email back in the mail queue, to be sent again after the next retry delay.

        The recipients the server already took are removed from it: only the others get it again.
        """
        delay = RETRY_DELAYS[min(max(self.attempt_count - 1, 0), len(RETRY_DELAYS) - 1)]
        retry_at = self._next_allowed_time(fields.Datetime.now() + delay)
        mail = notification.mail_mail_id
        delivered = self.env["mail.notification"].search([
            ("mail_mail_id", "=", mail.id), ("notification_status", "=", "sent")]).res_partner_id
        mail.write({"state": "outgoing", "scheduled_date": retry_at,
                    "recipient_ids": [Command.unlink(partner.id) for partner in delivered]})
        message = self._delivery_failure_message(notification)
        self.write({"attempt_count": self.attempt_count + 1, "failure_reason": message})
        self._audit_log(
            "failed", description=self.env._("%s not sent: tried again later", self._channel_label()),
            reason=message, rule="delivery",
            new_value=f"{self.attempt_count}/{MAX_ATTEMPTS}", payload={"retry_at": fields.Datetime.to_string(retry_at)})
        mail_queue = self.env.ref("mail.ir_cron_mail_scheduler_action", raise_if_not_found=False)
        if mail_queue:
            mail_queue._trigger(at=retry_at)

    def _record_delivery_failure(self, notification):
        message = self._delivery_failure_message(notification)
        self.with_context(ar_collection_reason=message).write({"state": "failed", "failure_reason": message})
        self._audit_log("failed", description=self.env._("%s not delivered", self._channel_label()), reason=message,
                        rule="delivery", payload={"notification_status": notification.notification_status,
                                                  "failure_type": notification.failure_type})

    def _delivery_failure_message(self, notification):
        kinds = dict(notification._fields["failure_type"]._description_selection(self.env))
        return self.env._(
            "%(channel)s to %(recipient)s not delivered: %(why)s", channel=self._channel_label(),
            recipient=notification.res_partner_id.display_name,
            why=notification.failure_reason or kinds.get(notification.failure_type) or notification.notification_status)

    def _failure_message(self, error):
        if isinstance(error, UserError):
            _logger.info("Collection action %s failed: %s", self.id, error)
            message = str(error.args[0]) if error.args else str(error)
            cause = error.__cause__  # e.g. why a template failed to render
            return f"{message}\n{type(cause).__name__}: {cause}" if cause else message
        _logger.exception("Collection action %s failed", self.id)
        return f"{type(error).__name__}: {error}"

    def _channel_label(self):
        return dict(self._fields["channel"]._description_selection(self.env))[self.channel]

    # ------------------------------------------------------------------
    # Whom, in which language, on which record
    # ------------------------------------------------------------------

    @api.model
    def _collection_recipient(self, partner, contact=None):
        """The person who receives reminders for ``partner``: its collections contact, else itself."""
        customer = partner.commercial_partner_id
        return contact or customer.collection_contact_id or customer

    @api.model
    def _collection_lang(self, partner, recipient, company):
        """Language of a reminder: the recipient's or customer's, else their compliance profile's, among the
        languages the database has."""
        if recipient.lang or partner.lang:
            return recipient.lang or partner.lang
        lang = self.env["ar.collection.compliance.profile"].sudo()._for_partner(partner, company).lang
        return self.env["res.lang"]._get_code(lang) or None if lang else None

    def _recipient(self):
        return self._collection_recipient(self.partner_id, self.contact_id)

    def _invoicing_contacts(self):
        """The customer's invoicing contacts with an email, when the strategy copies them on its reminders."""
        if not self.strategy_id.copy_invoice_contacts:
            return self.env["res.partner"]
        return self.partner_id.commercial_partner_id.child_ids.filtered(
            lambda contact: contact.type == "invoice" and contact.email_normalized)

    def _lang(self, recipient):
        return self._collection_lang(self.partner_id, recipient, self.company_id)

    def _owner(self):
        """The collector in charge: the action's, else the customer's, else the company's default one."""
        return (self.user_id or self.partner_id.with_company(self.company_id).collection_user_id
                or self.company_id.collection_user_id or self.env.user)

    def _template_records(self, template, moves):
        """What ``template`` renders on: each invoice for an invoice template, else the customer."""
        if template.model == "account.move":
            if not moves:
                raise CollectionSendError(self.env._(
                    "Template %s is about an invoice but the action has none.", template.display_name))
            return moves
        if template.model == "res.partner":
            return self.partner_id
        raise CollectionSendError(self.env._(
            "Template %s is neither about invoices nor about customers.", template.display_name))

    def _ensure_portal_tokens(self, record):
        """Give an access token to every invoice the message links to, so that its portal link works."""
        invoices = record if record._name == "account.move" else record._collection_overdue_invoices()
        for invoice in invoices:
            invoice._portal_ensure_token()

    def _rendering_env(self, lang):
        """Context for rendering templates: the language to use when the template computes none."""
        context = {"mail_create_nosubscribe": True}
        if lang:
            context["lang"] = lang
        return self.with_context(**context)

    # ------------------------------------------------------------------
    # Channels
    # ------------------------------------------------------------------

    def _send_email(self, step, moves):
        template = step.mail_template_id
        if not template:
            raise CollectionSendError(self.env._("Step %s has no email template.", step.display_name))
        recipient = self._recipient()
        if not recipient.email_normalized:
            raise CollectionSendError(self.env._(
                "%(contact)s has no valid email address (%(email)s).",
                contact=recipient.display_name, email=recipient.email or self.env._("none")))
        action = self._rendering_env(self._lang(recipient))
        recipients = recipient | self._invoicing_contacts()
        messages = self.env["mail.message"]
        for record in self._template_records(template, moves):
            action._ensure_portal_tokens(record)
            attachments = action._email_attachments(step, record, moves)
            messages |= action._post_template(record, template, recipients, attachments=attachments)
        self.sent_message_ids |= messages

    @api.model
    def _post_template(self, record, template, recipients, attachments=None):
        """Post ``template`` in ``record``'s chatter and email it to ``recipients`` through the mail queue.

        Rendering goes through the mail composer in comment mode, so that the
        template's language applies and the customer's reply comes back to the
        record's thread. The author is the sender of the template (the company).
        """
        _mails, messages = self._composer(record, template, recipients, attachments)._action_send_mail()
        return messages

    @api.model
    def _composer(self, record, template, recipients, attachments=None):
        """Odoo's mail composer, in comment mode, holding ``template`` rendered for ``record``."""
        composer = self.env["mail.compose.message"].with_context(
            ar_collection_message=True,
            default_composition_mode="comment",
            default_model=record._name,
            default_res_ids=record.ids,
            default_template_id=template.id,
        ).create({
            "message_type": "comment",
            "subtype_id": self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment"),
            "partner_ids": [Command.set(recipients.ids)],
            "force_send": False,
        })
        if attachments:
            composer.attachment_ids = [Command.link(attachment.id) for attachment in attachments]
        return composer

    def _email_attachments(self, step, record, moves):
        documents = []
        if step.attach_invoices:
            documents += self._invoice_documents(record if record._name == "account.move" else moves)
        if step.attach_statement:
            documents.append(self._statement_document())
        return self.env["ir.attachment"].create([{
            "name": name, "raw": content, "mimetype": mimetype, "res_model": "mail.compose.message", "res_id": 0,
        } for name, content, mimetype in documents])

    def _invoice_documents(self, invoices):
        """``[(file name, content, mimetype)]``: each invoice's legal PDF, else its printed report."""
        Report = self.env["ir.actions.report"]
        documents = []
        for invoice in invoices:
            legal = invoice.invoice_pdf_report_id
            if legal:
                documents.append((legal.name, legal.raw, legal.mimetype))
                continue
            content, kind = Report._render_qweb_pdf("account.account_invoices", invoice.ids)
            documents.append((invoice._get_invoice_report_filename(kind), content, _mimetype(kind)))
        return documents

    def _statement_document(self):
        """The customer's statement of account: every open item, and at least the last twelve months."""
        Statement = self.env["report.ar_collections.report_statement"]
        date_from, date_to = Statement._period_with_open_items(
            self.partner_id, self.company_id, fields.Date.context_today(self))
        content, kind = Statement._render_pdf(self.partner_id, self.company_id, date_from, date_to)
        name = self.env._("Statement - %(customer)s.%(ext)s", customer=self.partner_id.name, ext=kind)
        return name, content, _mimetype(kind)

    def _send_sms(self, step, moves):
        template = step.sms_template_id
        if not template:
            raise CollectionSendError(self.env._("Step %s has no SMS template.", step.display_name))
        recipient = self._recipient()
        number = self._sms_number(recipient)
        action = self._rendering_env(self._lang(recipient))
        messages = self.env["mail.message"]
        for record in action._template_records(template, moves):
            messages |= record._message_sms_with_template(
                template=template, partner_ids=recipient.ids, sms_pid_to_number={recipient.id: number},
                put_in_queue=True)
        self.sent_message_ids |= messages

    def _sms_number(self, recipient):
        """The recipient's mobile (else phone) number in E.164 format, checked for their country."""
        customer = self.partner_id
        country = recipient.country_id or customer.country_id or self.company_id.country_id
        numbers = [number for number in (recipient.mobile, recipient.phone) if number]
        if not numbers and recipient != customer:
            numbers = [number for number in (customer.mobile, customer.phone) if number]
        if not numbers:
            raise CollectionSendError(self.env._("%s has no mobile or phone number.", recipient.display_name))
        for number in numbers:
            normalized = _normalize_mobile(number, country.code)
            if normalized:
                return normalized
        raise CollectionSendError(self.env._(
            "%(number)s is not a valid mobile number for %(country)s (%(contact)s).",
            number=numbers[0], country=country.name or self.env._("an unknown country"),
            contact=recipient.display_name))

    def _send_call(self, step, moves):
        owner = self._owner()
        record = moves if len(moves) == 1 else self.partner_id
        activity_type = step.activity_type_id or self.env.ref("ar_collections.mail_activity_type_collection_call")
        record.with_context(mail_activity_quick_update=True).activity_schedule(
            activity_type_id=activity_type.id,
            user_id=owner.id,
            date_deadline=fields.Date.context_today(self),
            summary=self.env._("Collection call: %s", self.partner_id.name),
            note=self.with_context(lang=owner.lang)._call_note(step, moves),
        )

    def _call_note(self, step, moves):
        """The call script, then what is overdue per currency and the invoices to talk about."""
        totals = self.partner_id._collection_overdue_totals()
        amounts = ", ".join(format_amount(self.env, amount, currency) for currency, amount in totals)
        note = (step.with_env(self.env).call_script or Markup()) + Markup("<p><strong>%s</strong> %s</p>") % (
            self.env._("Overdue:"), amounts or "-")
        if moves:
            note += Markup("<ul>%s</ul>") % Markup().join(
                Markup("<li>%s</li>") % self.env._(
                    "%(invoice)s, due %(date)s: %(amount)s", invoice=move.name,
                    date=format_date(self.env, move.invoice_date_due),
                    amount=format_amount(self.env, move.amount_residual, move.currency_id))
                for move in moves)
        return note

    def _send_letter(self, step, moves):
        report = step.letter_report_id
        if not report:
            raise CollectionSendError(self.env._("Step %s has no letter.", step.display_name))
        partner = self.partner_id
        action = self._rendering_env(self._lang(self._recipient()))
        content, kind = action.env["ir.actions.report"]._render_qweb_pdf(report, partner.ids)
        attachment = self.env["ir.attachment"].create({
            "name": self.env._("Reminder - %(customer)s - %(date)s.%(ext)s", customer=partner.name,
                               date=fields.Date.to_string(fields.Date.context_today(self)), ext=kind),
            "raw": content,
            "mimetype": _mimetype(kind),
            "res_model": partner._name,
            "res_id": partner.id,
        })
        self.write({"letter_attachment_id": attachment.id, "printed": False})
        partner._message_log(body=self.env._("Reminder letter %s queued for printing.", attachment.name),
                             attachment_ids=attachment.ids)

    def _send_portal(self, step, moves):
        """A notice shown on the customer portal, in the document's discussion, and emailed to nobody.

        The message is a public comment (visible to the customer on the portal)
        created without the notification step of ``message_post``, so that
        neither the customer nor the followers receive it by email.
        """
        template = step.mail_template_id
        if not template:
            raise CollectionSendError(self.env._("Step %s has no template for the portal notice.",
                                                 step.display_name))
        action = self._rendering_env(self._lang(self._recipient()))
        comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
        author = self._owner().partner_id
        for record in action._template_records(template, moves):
            action._ensure_portal_tokens(record)
            rendered = template.with_env(action.env)._generate_template(record.ids, ("subject", "body_html"))
            record._message_create([{
                "author_id": author.id,
                "email_from": author.email_formatted,
                "body": rendered[record.id]["body_html"],
                "subject": rendered[record.id]["subject"],
                "message_type": "comment",
                "subtype_id": comment,
                "is_internal": False,
                "model": record._name,
                "res_id": record.id,
                "record_name": record.display_name,
                "record_company_id": self.company_id.id,
            }])


def _mimetype(kind):
    return {"pdf": "application/pdf", "html": "text/html"}.get(kind, "application/octet-stream")


def _normalize_mobile(number, country_code):
    """``number`` in E.164 format if it is valid for ``country_code`` and can receive texts, else ``None``."""
    try:
        parsed = phonenumbers.parse(number, country_code or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(parsed) or phonenumbers.number_type(parsed) in NO_SMS_NUMBER_TYPES:
        return None
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
