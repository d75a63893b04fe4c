import { registry } from "@web/core/registry";

registry.category("web_tour.tours").add("ar_collections_agenda_tour", {
    url: "/odoo/action-ar_collections.ar_collection_agenda_line_action",
    steps: () => [
        {
            content: "My agenda today lists the customer to call",
            trigger: ".o_data_row:contains('Agenda Tour Customer') .o_field_widget[name=state]:contains('To Do')",
        },
        {
            content: "Log a call from the line",
            trigger: ".o_data_row:contains('Agenda Tour Customer') button[name=action_log_call]",
            run: "click",
        },
        {
            content: "The customer promised to pay",
            trigger: ".modal .o_field_widget[name=outcome] label:contains('Promise to Pay')",
            run: "click",
        },
        {
            content: "Promised amount",
            trigger: ".modal .o_field_widget[name=promise_amount] input",
            run: "edit 450",
        },
        {
            content: "Notes",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit Will pay next week",
        },
        {
            content: "Log the call",
            trigger: ".modal button[name=action_confirm]",
            run: "click",
        },
        {
            content: "The agenda shows the call was made",
            trigger: "body:not(:has(.modal)) .o_data_row:contains('Agenda Tour Customer') td[name=call_outcome]:contains('Promise to Pay')",
        },
        {
            content: "and the line is done",
            trigger: ".o_data_row:contains('Agenda Tour Customer') td[name=state]:contains('Done')",
        },
    ],
});
