from odoo import api, models


class ArCollectionAuditMixin(models.AbstractModel):
    """Writes an audit event on creation and on every change of a tracked field.

    Inheriting models declare ``_audit_fields`` and may extend
    ``_audit_event_values`` to link the event to a customer and an invoice.
    """

    _name = "ar.collection.audit.mixin"
    _description = "Collections Audit Mixin"
    _audit_fields = ("state",)

    def _audit_event_values(self):
        self.ensure_one()
        values = {
            "res_model": self._name,
            "res_id": self.id,
            "record_name": self.display_name,
        }
        if "company_id" in self._fields:
            values["company_id"] = self.company_id.id
        if "partner_id" in self._fields:
            values["partner_id"] = self.partner_id.id
        return values

    def _audit_log(self, event_type, **values):
        """Log one event of ``event_type`` per record, with extra ``values``."""
        if not self:
            return self.env["ar.collection.event"]
        return self.env["ar.collection.event"]._record([
            {**record._audit_event_values(), "event_type": event_type, **values}
            for record in self
        ])

    def _audit_field_label(self, field_name, value):
        field = self._fields[field_name]
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, value or "")
        if field.type == "many2one":
            return value.display_name or ""
        return "" if value is False else str(value)

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._audit_log("create", description=self.env._("%(model)s created", model=self._description),
                           new_value=None)
        return records

    def write(self, vals):
        tracked = [name for name in self._audit_fields if name in vals]
        if not tracked:
            return super().write(vals)
        before = {record.id: {name: record[name] for name in tracked} for record in self}
        result = super().write(vals)
        events = []
        for record in self:
            for name in tracked:
                old, new = before[record.id][name], record[name]
                if old == new:
                    continue
                events.append({
                    **record._audit_event_values(),
                    "event_type": "state_change",
                    "description": self.env._("%(field)s changed", field=self._fields[name].string),
                    "old_value": record._audit_field_label(name, old),
                    "new_value": record._audit_field_label(name, new),
                    "reason": self.env.context.get("ar_collection_reason"),
                })
        if events:
            self.env["ar.collection.event"]._record(events)
        return result
