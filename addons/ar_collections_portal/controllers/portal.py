import math
import os
import re
from collections import OrderedDict

from dateutil.relativedelta import relativedelta
from werkzeug.exceptions import Forbidden, NotFound
from werkzeug.urls import url_encode, url_quote

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import content_disposition, request
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.account_payment.controllers.portal import PortalAccount
from odoo.addons.ar_collections.report.report_statement import MAX_STATEMENT_YEARS, default_date_from
from odoo.addons.portal.controllers.portal import pager as portal_pager

from ..models.account_move import PORTAL_ACTION_TYPES

# Files a customer may attach to a dispute: extension -> the type their content must have.
ATTACHMENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
}
DEFAULT_MAX_ATTACHMENT_MB = 5
DEFAULT_MAX_ATTACHMENTS = 5
MAX_TEXT_LENGTH = 2000
AMOUNT_RE = re.compile(r"^-?\d{1,12}(?:[.,]\d{1,6})?$")

DISPUTE_STATE_COLORS = {"open": "warning", "resolved": "success", "rejected": "secondary"}
PROMISE_STATE_COLORS = {
    "open": "info", "kept": "success", "partial": "warning", "broken": "danger", "cancelled": "secondary"}


def parse_amount(text):
    """The number typed in an amount field (a comma may be the decimal separator), or ``None``."""
    text = (text or "").strip()
    if not AMOUNT_RE.match(text):
        return None
    amount = float(text.replace(",", "."))
    return amount if math.isfinite(amount) else None


def parse_date(text):
    """The ISO date typed in a date field, or ``None``."""
    try:
        return fields.Date.to_date((text or "").strip()) or None
    except ValueError:
        return None


class ArCollectionsPortal(PortalAccount):
    """The customer's side of collections: collection status of invoices, disputes, promises to pay,
    statement of account and contact preferences.

    Reading follows Odoo's portal rules: lists show the records of the user's commercial partner that the
    record rules let them read, and detail pages accept an access token like invoices do. Creating a
    dispute or a promise, and changing preferences, are reserved to logged-in portal users of the
    invoice's customer (a token from a forwarded reminder is not enough to pause the dunning); the
    records are created in sudo once those checks pass.
    """

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _ar_customer(self):
        """The commercial partner the current user acts for; empty for the public user."""
        user = request.env.user
        return request.env["res.partner"] if user._is_public() else user.partner_id.commercial_partner_id

    def _ar_is_customer_user(self):
        """Whether the current user is a portal (shared) user, who can act for their customer."""
        user = request.env.user
        return not user._is_public() and user.share

    def _ar_check_csrf(self, post):
        """Validate the form's CSRF token; a message for the page when it is missing or wrong."""
        token = post.pop("csrf_token", None)
        if token and request.validate_csrf(token):
            return ""
        return request.env._(
            "This form has expired or was not sent from this page, so nothing was recorded. "
            "Please check the values below and send it again.")

    def _ar_param(self, key, default):
        try:
            return int(request.env["ir.config_parameter"].sudo().get_param(f"ar_collections_portal.{key}", default))
        except ValueError:
            return default

    def _ar_invoice_for_action(self, invoice_id):
        """The invoice (sudo) the current user may dispute or promise to pay; else 403 or 404."""
        try:
            invoice_sudo = self._document_check_access("account.move", invoice_id)
        except MissingError as error:
            raise NotFound() from error
        except AccessError as error:
            raise Forbidden() from error
        if (not self._ar_is_customer_user() or invoice_sudo.commercial_partner_id != self._ar_customer()
                or invoice_sudo.move_type not in PORTAL_ACTION_TYPES):
            raise Forbidden()
        return invoice_sudo

    def _ar_case_access(self, model, record_id, access_token):
        """The dispute or promise (sudo) the user may see, by access rights or token; else 403 or 404."""
        try:
            return self._document_check_access(model, record_id, access_token)
        except MissingError as error:
            raise NotFound() from error
        except AccessError as error:
            raise Forbidden() from error

    def _ar_login_redirect(self):
        return request.redirect(f"/web/login?redirect={url_quote(request.httprequest.full_path)}")

    # ------------------------------------------------------------------
    # Home
    # ------------------------------------------------------------------

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        customer = self._ar_customer()
        for counter, model in (("ar_dispute_count", "ar.dispute"), ("ar_promise_count", "ar.promise")):
            if counter in counters:
                Model = request.env[model]
                values[counter] = Model.search_count([("partner_id", "=", customer.id)]) \
                    if customer and Model.has_access("read") else 0
        if "ar_statement_count" in counters:
            # Whether the customer has anything to put on a statement (the entry of the home page shows then).
            Move = request.env["account.move"]
            values["ar_statement_count"] = Move.search_count([
                ("commercial_partner_id", "=", customer.id),
                ("move_type", "in", ("out_invoice", "out_refund", "out_receipt")),
                ("state", "=", "posted"),
            ], limit=1) if self._ar_is_customer_user() and Move.has_access("read") else 0
        return values

    # ------------------------------------------------------------------
    # Invoices
    # ------------------------------------------------------------------

    def _get_account_searchbar_filters(self):
        filters = super()._get_account_searchbar_filters()
        filters.update({
            "collection_open": {
                "label": request.env._("Open invoices"),
                "domain": [("move_type", "in", PORTAL_ACTION_TYPES), ("state", "=", "posted"),
                           ("payment_state", "in", ("not_paid", "partial"))],
            },
            "collection_disputed": {
                "label": request.env._("Disputed invoices"),
                "domain": [("collection_state", "=", "disputed")],
            },
            "collection_promised": {
                "label": request.env._("Promised invoices"),
                "domain": [("collection_state", "=", "promised")],
            },
        })
        return filters

    def _prepare_my_invoices_values(self, page, date_begin, date_end, sortby, filterby, domain=None,
                                    url="/my/invoices"):
        values = super()._prepare_my_invoices_values(
            page, date_begin, date_end, sortby, filterby, domain=domain, url=url)
        customer = self._ar_customer()
        values["ar_open_amounts"] = customer._portal_open_amounts() if customer else []
        return values

    def _invoice_get_page_view_values(self, invoice, access_token, **kwargs):
        values = super()._invoice_get_page_view_values(invoice, access_token, **kwargs)
        values.update(self._ar_invoice_values(invoice))
        return values

    def _ar_invoice_values(self, invoice_sudo):
        """What the invoice page shows about collections, and which actions the visitor may take."""
        collectable = invoice_sudo.move_type in PORTAL_ACTION_TYPES and invoice_sudo.state == "posted"
        customer = invoice_sudo.commercial_partner_id
        is_customer = self._ar_is_customer_user() and self._ar_customer() == customer
        dispute_blocker = invoice_sudo._portal_dispute_blocker() if collectable else ""
        promise_blocker = invoice_sudo._portal_promise_blocker() if collectable else ""
        disputes = invoice_sudo.collection_dispute_ids.filtered(lambda dispute: dispute.partner_id == customer)
        promises = invoice_sudo.collection_promise_ids.filtered(lambda promise: promise.partner_id == customer)
        return {
            "ar_collectable": collectable,
            "ar_is_customer": is_customer,
            "ar_can_dispute": collectable and is_customer and not dispute_blocker,
            "ar_can_promise": collectable and is_customer and not promise_blocker,
            "ar_show_login": (collectable and request.env.user._is_public() and invoice_sudo._portal_is_open()),
            "ar_login_url": f"/web/login?redirect={url_quote(invoice_sudo.access_url)}",
            "ar_disputes": disputes,
            "ar_promises": promises,
            "ar_dispute_colors": DISPUTE_STATE_COLORS,
            "ar_promise_colors": PROMISE_STATE_COLORS,
        }

    # ------------------------------------------------------------------
    # Dispute an invoice
    # ------------------------------------------------------------------

    @http.route("/my/invoices/<int:invoice_id>/dispute", type="http", auth="user", methods=["GET", "POST"],
                website=True, csrf=False)
    def portal_invoice_dispute(self, invoice_id, **post):
        # The CSRF token is checked below rather than by the framework, so that a missing or expired token
        # gets the form back with a message instead of a bare "Bad Request" page.
        invoice_sudo = self._ar_invoice_for_action(invoice_id)
        values = self._ar_dispute_form_values(invoice_sudo)
        if request.httprequest.method != "POST":
            return request.render("ar_collections_portal.portal_invoice_dispute", values)
        if csrf_error := self._ar_check_csrf(post):
            values.update(errors={"common": csrf_error}, form=post)
            return request.render("ar_collections_portal.portal_invoice_dispute", values, status=400)
        errors, data = self._ar_validate_dispute(invoice_sudo, post)
        if not errors:
            try:
                with request.env.cr.savepoint():
                    dispute = request.env["ar.dispute"].sudo()._portal_create(
                        invoice_sudo, request.env.user.partner_id, data["reason"], data["amount"],
                        data["comment"], data["files"])
            except (UserError, ValidationError) as error:
                errors["common"] = error.args[0]
            else:
                return request.redirect(f"{dispute.access_url}?{url_encode({'ar_notice': 'created'})}")
        values.update(errors=errors, form=post)
        return request.render("ar_collections_portal.portal_invoice_dispute", values)

    def _ar_dispute_form_values(self, invoice_sudo):
        values = self._prepare_portal_layout_values()
        max_mb = self._ar_param("max_attachment_mb", DEFAULT_MAX_ATTACHMENT_MB)
        values.update({
            "page_name": "ar_invoice_dispute",
            "ar_invoice": invoice_sudo,
            "blocker": invoice_sudo._portal_dispute_blocker(),
            "reasons": request.env["ar.dispute.reason"].sudo().search([]),
            "max_attachment_mb": max_mb,
            "max_attachments": self._ar_param("max_attachments", DEFAULT_MAX_ATTACHMENTS),
            "accept": ",".join(f".{extension}" for extension in ATTACHMENT_TYPES),
            "max_text_length": MAX_TEXT_LENGTH,
            "errors": {},
            "form": {"amount": invoice_sudo.amount_residual},
        })
        return values

    def _ar_validate_dispute(self, invoice_sudo, post):
        """``(errors, data)``: a message per field in error, and the clean values."""
        _ = request.env._
        errors, data = {}, {}
        if blocker := invoice_sudo._portal_dispute_blocker():
            errors["common"] = blocker
            return errors, data
        reason_id = post.get("reason_id", "")
        reason = request.env["ar.dispute.reason"].sudo().browse(int(reason_id)).exists() \
            if reason_id.isdigit() else None
        if not reason or not reason.active:
            errors["reason_id"] = _("Choose the reason of the dispute.")
        data["reason"] = reason
        amount = parse_amount(post.get("amount"))
        currency = invoice_sudo.currency_id
        if amount is None:
            errors["amount"] = _("Enter the disputed amount as a number, such as 120.50.")
        elif currency.compare_amounts(amount, 0) <= 0:
            errors["amount"] = _("The disputed amount must be more than zero.")
        elif currency.compare_amounts(amount, invoice_sudo.amount_residual) > 0:
            errors["amount"] = _("You can dispute at most what is left to pay on the invoice, %s.",
                                 currency.format(invoice_sudo.amount_residual))
        data["amount"] = currency.round(amount) if amount is not None else None
        comment = (post.get("comment") or "").strip()
        if not comment:
            errors["comment"] = _("Tell us what is wrong with the invoice.")
        elif len(comment) > MAX_TEXT_LENGTH:
            errors["comment"] = _("Keep your explanation under %s characters; attach a document for more.",
                                  MAX_TEXT_LENGTH)
        data["comment"] = comment
        data["files"] = self._ar_read_attachments(errors)
        return errors, data

    def _ar_read_attachments(self, errors):
        """The files uploaded with the dispute as ``(name, content)``; a message in ``errors`` if one is refused."""
        _ = request.env._
        uploads = [upload for upload in request.httprequest.files.getlist("attachments") if upload.filename]
        max_files = self._ar_param("max_attachments", DEFAULT_MAX_ATTACHMENTS)
        max_mb = self._ar_param("max_attachment_mb", DEFAULT_MAX_ATTACHMENT_MB)
        if len(uploads) > max_files:
            errors["attachments"] = _("Attach at most %s files.", max_files)
            return []
        files, problems = [], []
        for upload in uploads:
            name = os.path.basename(upload.filename.replace("\\", "/"))[:128] or "attachment"
            extension = name.rpartition(".")[2].lower() if "." in name else ""
            content = upload.read(max_mb * 1024 * 1024 + 1)
            if extension not in ATTACHMENT_TYPES:
                problems.append(_("%s: only PDF, PNG and JPEG files are accepted.", name))
            elif len(content) > max_mb * 1024 * 1024:
                problems.append(_("%(file)s is larger than %(size)s MB.", file=name, size=max_mb))
            elif not content:
                problems.append(_("%s is empty.", name))
            elif guess_mimetype(content) != ATTACHMENT_TYPES[extension]:
                problems.append(_("%(file)s is not a genuine %(type)s file.", file=name, type=extension.upper()))
            else:
                files.append((name, content))
        if problems:
            errors["attachments"] = " ".join(problems)
        return files

    # ------------------------------------------------------------------
    # Promise to pay an invoice
    # ------------------------------------------------------------------

    @http.route("/my/invoices/<int:invoice_id>/promise", type="http", auth="user", methods=["GET", "POST"],
                website=True, csrf=False)
    def portal_invoice_promise(self, invoice_id, **post):
        # CSRF checked below, see portal_invoice_dispute.
        invoice_sudo = self._ar_invoice_for_action(invoice_id)
        values = self._ar_promise_form_values(invoice_sudo)
        if request.httprequest.method != "POST":
            return request.render("ar_collections_portal.portal_invoice_promise", values)
        if csrf_error := self._ar_check_csrf(post):
            values.update(errors={"common": csrf_error}, form=post)
            return request.render("ar_collections_portal.portal_invoice_promise", values, status=400)
        errors, data = self._ar_validate_promise(invoice_sudo, post)
        if not errors:
            try:
                with request.env.cr.savepoint():
                    promise = request.env["ar.promise"].sudo()._portal_create(
                        invoice_sudo, request.env.user.partner_id, data["amount"], data["promise_date"],
                        data["note"])
            except (UserError, ValidationError) as error:
                errors["common"] = error.args[0]
            else:
                return request.redirect(f"{promise.access_url}?{url_encode({'ar_notice': 'created'})}")
        values.update(errors=errors, form=post)
        return request.render("ar_collections_portal.portal_invoice_promise", values)

    def _ar_promise_form_values(self, invoice_sudo):
        first, last = invoice_sudo._portal_promise_date_range()
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": "ar_invoice_promise",
            "ar_invoice": invoice_sudo,
            "blocker": invoice_sudo._portal_promise_blocker(),
            "date_min": first,
            "date_max": last,
            "max_text_length": MAX_TEXT_LENGTH,
            "errors": {},
            "form": {
                "amount": invoice_sudo.amount_residual,
                "promise_date": fields.Date.to_string(min(max(first, first + relativedelta(days=7)), last)),
            },
        })
        return values

    def _ar_validate_promise(self, invoice_sudo, post):
        _ = request.env._
        errors, data = {}, {}
        if blocker := invoice_sudo._portal_promise_blocker():
            errors["common"] = blocker
            return errors, data
        first, last = invoice_sudo._portal_promise_date_range()
        promise_date = parse_date(post.get("promise_date"))
        if not promise_date:
            errors["promise_date"] = _("Enter the date you will pay.")
        elif promise_date < first:
            errors["promise_date"] = _("The payment date cannot be in the past.")
        elif promise_date > last:
            errors["promise_date"] = _("Choose a payment date no later than %s.", last.strftime("%Y-%m-%d"))
        data["promise_date"] = promise_date
        amount = parse_amount(post.get("amount"))
        currency = invoice_sudo.currency_id
        if amount is None:
            errors["amount"] = _("Enter the amount you will pay as a number, such as 120.50.")
        elif currency.compare_amounts(amount, 0) <= 0:
            errors["amount"] = _("The amount you will pay must be more than zero.")
        elif currency.compare_amounts(amount, invoice_sudo.amount_residual) > 0:
            errors["amount"] = _("You can promise at most what is left to pay on the invoice, %s.",
                                 currency.format(invoice_sudo.amount_residual))
        data["amount"] = currency.round(amount) if amount is not None else None
        note = (post.get("note") or "").strip()
        if len(note) > MAX_TEXT_LENGTH:
            errors["note"] = _("Keep your note under %s characters.", MAX_TEXT_LENGTH)
        data["note"] = note
        return errors, data

    # ------------------------------------------------------------------
    # Disputes and promises: lists and pages
    # ------------------------------------------------------------------

    def _ar_case_searchbar(self, model):
        _ = request.env._
        if model == "ar.dispute":
            sortings = {
                "date": {"label": _("Newest"), "order": "create_date desc, id desc"},
                "name": {"label": _("Reference"), "order": "name desc"},
                "state": {"label": _("Status"), "order": "state_sequence, create_date desc"},
            }
            filters = {
                "all": {"label": _("All"), "domain": []},
                "open": {"label": _("Open"), "domain": [("state", "=", "open")]},
                "closed": {"label": _("Closed"), "domain": [("state", "!=", "open")]},
            }
        else:
            sortings = {
                "date": {"label": _("Payment Date"), "order": "promise_date desc, id desc"},
                "name": {"label": _("Reference"), "order": "name desc"},
                "state": {"label": _("Status"), "order": "state, promise_date desc"},
            }
            filters = {
                "all": {"label": _("All"), "domain": []},
                "open": {"label": _("Open"), "domain": [("state", "=", "open")]},
                "closed": {"label": _("Settled"), "domain": [("state", "!=", "open")]},
            }
        return sortings, filters

    def _ar_prepare_cases_values(self, model, page, sortby, filterby, url, page_name):
        Model = request.env[model]
        customer = self._ar_customer()
        sortings, filters = self._ar_case_searchbar(model)
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        domain = [("partner_id", "=", customer.id), *filters[filterby]["domain"]]
        readable = Model.has_access("read")
        total = Model.search_count(domain) if readable else 0
        pager = portal_pager(url=url, url_args={"sortby": sortby, "filterby": filterby}, total=total, page=page,
                             step=self._items_per_page)
        records = Model.search(domain, order=sortings[sortby]["order"], limit=self._items_per_page,
                               offset=pager["offset"]) if readable else Model
        # sudo: the records were found with the user's rights; their invoices may not all be followed by the
        # user's company (a condition of the invoices' portal rule), and the list shows their references.
        records = records.sudo()
        values = self._prepare_portal_layout_values()
        values.update({
            "page_name": page_name,
            "records": records,
            "pager": pager,
            "default_url": url,
            "searchbar_sortings": sortings,
            "sortby": sortby,
            "searchbar_filters": OrderedDict(filters),
            "filterby": filterby,
            "state_colors": DISPUTE_STATE_COLORS if model == "ar.dispute" else PROMISE_STATE_COLORS,
        })
        return values

    @http.route(["/my/disputes", "/my/disputes/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_disputes(self, page=1, sortby=None, filterby=None, **kw):
        values = self._ar_prepare_cases_values("ar.dispute", page, sortby, filterby, "/my/disputes", "ar_dispute")
        request.session["my_disputes_history"] = values["records"].ids[:100]
        return request.render("ar_collections_portal.portal_my_disputes", values)

    @http.route(["/my/disputes/<int:dispute_id>"], type="http", auth="public", website=True)
    def portal_my_dispute(self, dispute_id, access_token=None, ar_notice=None, **kw):
        if request.env.user._is_public() and not access_token:
            return self._ar_login_redirect()
        dispute_sudo = self._ar_case_access("ar.dispute", dispute_id, access_token)
        values = self._get_page_view_values(dispute_sudo, access_token, {
            "page_name": "ar_dispute",
            "dispute": dispute_sudo,
            "state_colors": DISPUTE_STATE_COLORS,
            "ar_notice": ar_notice,
        }, "my_disputes_history", False, **kw)
        return request.render("ar_collections_portal.portal_dispute_page", values)

    @http.route(["/my/promises", "/my/promises/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_promises(self, page=1, sortby=None, filterby=None, **kw):
        values = self._ar_prepare_cases_values("ar.promise", page, sortby, filterby, "/my/promises", "ar_promise")
        request.session["my_promises_history"] = values["records"].ids[:100]
        return request.render("ar_collections_portal.portal_my_promises", values)

    @http.route(["/my/promises/<int:promise_id>"], type="http", auth="public", website=True)
    def portal_my_promise(self, promise_id, access_token=None, ar_notice=None, **kw):
        if request.env.user._is_public() and not access_token:
            return self._ar_login_redirect()
        promise_sudo = self._ar_case_access("ar.promise", promise_id, access_token)
        values = self._get_page_view_values(promise_sudo, access_token, {
            "page_name": "ar_promise",
            "promise": promise_sudo,
            "state_colors": PROMISE_STATE_COLORS,
            "ar_notice": ar_notice,
        }, "my_promises_history", False, **kw)
        return request.render("ar_collections_portal.portal_promise_page", values)

    # ------------------------------------------------------------------
    # Statement of account
    # ------------------------------------------------------------------

    def _ar_statement_values(self, date_from=None, date_to=None, company=None, errors=None):
        today = fields.Date.context_today(request.env.user)
        values = self._prepare_portal_layout_values()
        customer = self._ar_customer()
        values.update({
            "page_name": "ar_statement",
            "customer": customer,
            "companies": request.env.user.company_ids,
            "company": company or request.env.company,
            "date_from": date_from or fields.Date.to_string(default_date_from(today)),
            "date_to": date_to or fields.Date.to_string(today),
            "open_amounts": customer._portal_open_amounts(),
            "errors": errors or {},
        })
        return values

    @http.route(["/my/collections/statement"], type="http", auth="user", website=True)
    def portal_collection_statement(self, **kw):
        if not self._ar_is_customer_user():
            raise Forbidden()
        return request.render("ar_collections_portal.portal_statement", self._ar_statement_values())

    @http.route(["/my/collections/statement/pdf"], type="http", auth="user", website=True)
    def portal_collection_statement_pdf(self, date_from=None, date_to=None, company_id=None, download=None, **kw):
        if not self._ar_is_customer_user():
            raise Forbidden()
        _ = request.env._
        errors = {}
        start, end = parse_date(date_from), parse_date(date_to)
        if not start:
            errors["date_from"] = _("Enter the first day of the statement.")
        if not end:
            errors["date_to"] = _("Enter the last day of the statement.")
        if start and end and start > end:
            errors["date_to"] = _("The last day of the statement comes before its first day.")
        elif start and end and end > start + relativedelta(years=MAX_STATEMENT_YEARS):
            errors["date_to"] = _("A statement covers at most %s years.", MAX_STATEMENT_YEARS)
        user_companies = request.env.user.company_ids
        company = request.env.company
        if company_id:
            company = user_companies.filtered(lambda c: str(c.id) == str(company_id))
            if not company:
                # The list of companies is only shown to users of several companies.
                errors["common"] = errors["company_id"] = _("Choose one of your companies.")
                company = request.env.company
        if errors:
            values = self._ar_statement_values(date_from, date_to, company, errors)
            return request.render("ar_collections_portal.portal_statement", values, status=400)
        customer = self._ar_customer()
        # sudo: payments and other receivable entries are not readable by portal users; the statement only
        # covers the user's own commercial partner in one of the user's companies.
        content, kind = request.env["report.ar_collections.report_statement"].sudo()._render_pdf(
            customer, company, start, end)
        name = _("Statement %(customer)s %(start)s %(end)s", customer=customer.name, start=start, end=end)
        filename = "{}.{}".format(re.sub(r"[^\w-]+", "_", name), kind)
        headers = [
            ("Content-Type", "application/pdf" if kind == "pdf" else "text/html; charset=utf-8"),
            ("Content-Length", len(content)),
            ("Content-Disposition", content_disposition(filename, "attachment" if download else "inline")),
        ]
        return request.make_response(content, headers)

    # ------------------------------------------------------------------
    # Contact preferences
    # ------------------------------------------------------------------

    def _ar_preferences_values(self, customer_sudo):
        values = self._prepare_portal_layout_values()
        partner_fields = customer_sudo._fields
        values.update({
            "page_name": "ar_preferences",
            "customer": customer_sudo,
            "channels": partner_fields["collection_preferred_channel"]._description_selection(request.env),
            "contacts": customer_sudo._portal_collection_contacts(),
            "languages": request.env["res.lang"].get_installed(),
            "errors": {},
            "form": {
                "collection_preferred_channel": customer_sudo.collection_preferred_channel or "",
                "collection_contact_id": str(customer_sudo.collection_contact_id.id or ""),
                "lang": customer_sudo.lang or "",
                "collection_no_sms": customer_sudo.collection_no_sms,
            },
        })
        return values

    @http.route(["/my/collections/preferences"], type="http", auth="user", methods=["GET", "POST"],
                website=True, csrf=False)
    def portal_collection_preferences(self, saved=None, **post):
        # CSRF checked below, see portal_invoice_dispute.
        if not self._ar_is_customer_user():
            raise Forbidden()
        # sudo: portal users cannot write on their company's partner; only its collection preferences change.
        customer_sudo = self._ar_customer().sudo()
        values = self._ar_preferences_values(customer_sudo)
        values["saved"] = bool(saved)
        if request.httprequest.method != "POST":
            return request.render("ar_collections_portal.portal_preferences", values)
        if csrf_error := self._ar_check_csrf(post):
            values.update(errors={"common": csrf_error}, form=dict(post, collection_no_sms="collection_no_sms" in post))
            return request.render("ar_collections_portal.portal_preferences", values, status=400)
        errors, data = self._ar_validate_preferences(values, post)
        if errors:
            values.update(errors=errors, form=dict(post, collection_no_sms="collection_no_sms" in post))
            return request.render("ar_collections_portal.portal_preferences", values)
        customer_sudo._portal_set_collection_preferences(data)
        return request.redirect("/my/collections/preferences?saved=1")

    def _ar_validate_preferences(self, values, post):
        _ = request.env._
        errors, data = {}, {}
        channel = post.get("collection_preferred_channel") or False
        if channel and channel not in dict(values["channels"]):
            errors["collection_preferred_channel"] = _("Choose one of the channels of the list.")
        data["collection_preferred_channel"] = channel
        contact_id = post.get("collection_contact_id") or ""
        contact = values["contacts"].filtered(lambda c: str(c.id) == contact_id) if contact_id else \
            request.env["res.partner"].sudo()
        if contact_id and not contact:
            errors["collection_contact_id"] = _("Choose one of the people of your company.")
        data["collection_contact_id"] = contact
        lang = post.get("lang") or ""
        if lang not in dict(values["languages"]):
            errors["lang"] = _("Choose one of the languages of the list.")
        data["lang"] = lang
        data["collection_no_sms"] = "collection_no_sms" in post
        if channel == "sms" and data["collection_no_sms"]:
            errors["collection_no_sms"] = _("You cannot prefer text messages and refuse them at the same time.")
        return errors, data
