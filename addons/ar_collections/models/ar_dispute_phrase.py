from odoo import api, fields, models

from ..engine.dispute_detection import score_text


class ArDisputePhrase(models.Model):
    """A phrase that, in a customer's email reply, says the invoice is wrong."""

    _name = "ar.dispute.phrase"
    _description = "Dispute Detection Phrase"
    _order = "lang, weight desc, id"

    phrase = fields.Char(required=True)
    lang = fields.Selection(selection="_get_languages", string="Language", required=True, default="en_US")
    weight = fields.Float(required=True, default=1.0, digits=(16, 2))
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("phrase_lang_uniq", "unique(lang, phrase)", "This phrase already exists for this language."),
    ]

    @api.model
    def _get_languages(self):
        return self.env["res.lang"].get_installed() + [
            (code, name) for code, name in (("en_US", "English"), ("fr_FR", "French"), ("nl_NL", "Dutch"),
                                            ("de_DE", "German"), ("es_ES", "Spanish"))
            if code not in dict(self.env["res.lang"].get_installed())]

    @api.depends("phrase", "lang")
    def _compute_display_name(self):
        for phrase in self:
            phrase.display_name = f"{phrase.phrase} ({phrase.lang})"

    @api.model
    def _detect(self, text, lang=None):
        """``(score, matched phrases)`` of ``text`` against the active phrases."""
        phrases = [(row["lang"], row["phrase"], row["weight"])
                   for row in self.sudo().search_read([], ["lang", "phrase", "weight"])]
        return score_text(text, phrases, lang=lang)
