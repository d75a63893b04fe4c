from odoo import fields, models


class ArCollectionWeekday(models.Model):
    _name = "ar.collection.weekday"
    _description = "Weekday"
    _order = "number"

    name = fields.Char(required=True, translate=True)
    number = fields.Integer(required=True, help="0 = Monday, as in Python's date.weekday().")

    _sql_constraints = [("number_uniq", "unique(number)", "Each weekday exists once.")]
