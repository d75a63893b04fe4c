import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_collections_backoffice_tour", {
    url: "/odoo/action-ar_collections.ar_dispute_action",
    steps: () => [
        {
            content: "Open the customer's dispute",
            trigger: ".o_data_row .o_data_cell:contains('Tour Customer')",
            run: "click",
        },
        {
            content: "The dispute is open",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Open')",
        },
        {
            content: "Open the resolution tab",
            trigger: ".o_notebook .nav-link:contains('Resolution')",
            run: "click",
        },
        {
            content: "Resolve it with a correction",
            trigger: ".o_field_widget[name=resolution] select",
            run: 'select "correction"',
        },
        {
            content: "Resolve",
            trigger: "button[name=action_resolve]",
            run: "click",
        },
        {
            content: "The dispute is resolved",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Resolved')",
        },
    ],
});
