import { registry } from "@web/core/registry";
import { redirect } from "@web/core/utils/urls";

/**
 * Asks the Python test for a screenshot of the page, and waits until it is taken (the test sets
 * `data-ar-portal-shot` on the body), so that the next step does not change the page before.
 * Outside the test (tour run by hand), it just waits a little.
 */
function screenshot(name) {
    return {
        content: `Screenshot of the page: ${name}`,
        trigger: "body",
        async run() {
            console.log(`ar_portal_screenshot:${name}`);
            const deadline = Date.now() + 5000;
            while (document.body.dataset.arPortalShot !== name && Date.now() < deadline) {
                await new Promise((resolve) => setTimeout(resolve, 50));
            }
        },
    };
}

function goTo(url) {
    return {
        content: `Go to ${url}`,
        trigger: "body",
        run: () => redirect(url),
        expectUnloadPage: true,
    };
}

/** Sets the value of a field the way a user does, for fields the tour helpers do not fill (select, date). */
function setValue(value) {
    return function () {
        const element = this.anchor;
        element.value = typeof value === "function" ? value(element) : value;
        element.dispatchEvent(new Event("input", { bubbles: true }));
        element.dispatchEvent(new Event("change", { bubbles: true }));
    };
}

function addDays(isoDate, days) {
    const date = new Date(`${isoDate}T12:00:00Z`);
    date.setUTCDate(date.getUTCDate() + days);
    return date.toISOString().slice(0, 10);
}

/**
 * A customer disputes an overdue invoice (with a delivery note attached) and writes to the collector,
 * then promises to pay another invoice, checks their disputes, promises and statement, and sets their
 * contact preferences. The Python test creates the customer and its invoices.
 */
registry.category("web_tour.tours").add("ar_collections_portal_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The portal home shows the customer's invoices",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/invoices?filterby=invoices']",
        },
        {
            content: "and the statement of account",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/collections/statement']",
        },
        screenshot("01_home"),
        {
            content: "Open the invoices",
            trigger: ".o_portal_index_card a[href='/my/invoices?filterby=invoices']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The balance due and the overdue amount are shown",
            trigger: ".o_ar_open_amounts .o_ar_overdue_amount",
        },
        {
            content: "Each open invoice shows its collection status",
            trigger: ".o_portal_my_doc_table .o_ar_collection_state[data-state='normal']",
        },
        screenshot("02_invoices"),
        {
            content: "Open the overdue invoice",
            trigger: ".o_portal_my_doc_table tr:has(.o_ar_days_overdue) td:first-child a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The invoice shows its collection status",
            trigger: ".o_ar_invoice_collection .o_ar_collection_state",
        },
        {
            content: "The invoice can be paid online",
            trigger: "a[data-bs-target='#pay_with']",
        },
        screenshot("03_invoice"),
        {
            content: "Dispute the invoice",
            trigger: ".o_ar_collection_actions .o_ar_dispute_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Choose the reason",
            trigger: ".o_ar_dispute_form select[name=reason_id]",
            run: setValue((select) => select.options[1].value),
        },
        {
            content: "Dispute part of the invoice",
            trigger: ".o_ar_dispute_form input[name=amount]",
            run: "edit 150",
        },
        {
            content: "Explain what is wrong",
            trigger: ".o_ar_dispute_form textarea[name=comment]",
            run: "edit Only 8 of the 10 units were delivered.",
        },
        {
            content: "Attach the delivery note",
            trigger: ".o_ar_dispute_form input[name=attachments]",
            run() {
                const transfer = new DataTransfer();
                transfer.items.add(
                    new File(["%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"],
                        "delivery-note.pdf", { type: "application/pdf" })
                );
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        screenshot("04_dispute_form"),
        {
            content: "Send the dispute",
            trigger: ".o_ar_dispute_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The dispute is received",
            trigger: ".o_ar_dispute_portal .o_ar_notice",
        },
        {
            content: "The customer's explanation starts the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('Only 8 of the 10 units were delivered.')",
        },
        {
            content: "Write to the collector",
            trigger: "#chatterRoot:shadow .o-mail-Composer-input",
            run: "edit The delivery note is attached. Thank you!",
        },
        {
            content: "Send the message",
            trigger: "#chatterRoot:shadow .o-mail-Composer-send:enabled",
            run: "click",
        },
        {
            content: "The message is in the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('The delivery note is attached. Thank you!')",
        },
        screenshot("05_dispute"),
        goTo("/my/invoices?filterby=collection_open"),
        {
            content: "The disputed invoice shows its new status",
            trigger: ".o_portal_my_doc_table .o_ar_collection_state[data-state='disputed']",
        },
        {
            content: "Open the invoice that is not due yet",
            trigger: ".o_portal_my_doc_table tr:has(.o_ar_collection_state[data-state='normal']):not(:has(.o_ar_days_overdue)) td:first-child a",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Promise to pay it",
            trigger: ".o_ar_collection_actions .o_ar_promise_button",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Let the server check the form (the browser would refuse the amount by itself)",
            trigger: ".o_ar_promise_form",
            run() {
                this.anchor.noValidate = true;
            },
        },
        {
            content: "Promise more than is left to pay",
            trigger: ".o_ar_promise_form input[name=amount]",
            run: "edit 99999",
        },
        {
            content: "Send the promise",
            trigger: ".o_ar_promise_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The amount is refused with a message",
            trigger: ".o_ar_promise_form input[name=amount].is-invalid",
        },
        screenshot("06_promise_error"),
        {
            content: "Choose a date ten days from today",
            trigger: ".o_ar_promise_form input[name=promise_date]",
            run: setValue((input) => addDays(input.min, 10)),
        },
        {
            content: "Promise part of the invoice",
            trigger: ".o_ar_promise_form input[name=amount]",
            run: "edit 300",
        },
        {
            content: "Add a note",
            trigger: ".o_ar_promise_form textarea[name=note]",
            run: "edit Paid in our next payment run.",
        },
        screenshot("07_promise_form"),
        {
            content: "Send the promise",
            trigger: ".o_ar_promise_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The promise is recorded",
            trigger: ".o_ar_promise_portal .o_ar_notice",
        },
        {
            content: "The confirmation is in the conversation",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains('we recorded your promise')",
        },
        screenshot("08_promise"),
        goTo("/my/disputes"),
        {
            content: "The dispute is listed",
            trigger: ".o_ar_dispute_row",
        },
        screenshot("09_disputes"),
        goTo("/my/promises"),
        {
            content: "The promise is listed",
            trigger: ".o_ar_promise_row",
        },
        screenshot("10_promises"),
        goTo("/my/collections/statement"),
        {
            content: "The statement form is shown with the balance",
            trigger: ".o_ar_statement_page .o_ar_open_amounts .o_ar_open_amount",
        },
        screenshot("11_statement"),
        goTo("/my/collections/preferences"),
        {
            content: "Prefer email",
            trigger: ".o_ar_preferences_form select[name=collection_preferred_channel]",
            run: setValue("email"),
        },
        {
            content: "Refuse text messages",
            trigger: ".o_ar_preferences_form input[name=collection_no_sms]",
            run: "check",
        },
        screenshot("12_preferences"),
        {
            content: "Save",
            trigger: ".o_ar_preferences_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The preferences are saved",
            trigger: ".o_ar_preferences_page .o_ar_notice",
        },
        goTo("/my"),
        {
            content: "The home page now counts the dispute",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/disputes']",
        },
        {
            content: "and the promise",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/promises']",
        },
        screenshot("13_home_after"),
    ],
});

/** Fails when the page is wider than the screen, then takes its screenshot. */
function fitsScreen(name) {
    return [
        {
            content: `${name} fits the screen`,
            trigger: "body",
            run() {
                const overflow = document.documentElement.scrollWidth - document.documentElement.clientWidth;
                if (overflow > 1) {
                    throw new Error(`${name} is ${overflow}px wider than the screen`);
                }
            },
        },
        screenshot(name),
    ];
}

/**
 * On a phone-width screen, each page of the collections portal fits the screen. The Python test creates
 * an overdue invoice with a dispute and an invoice with a promise.
 */
registry.category("web_tour.tours").add("ar_collections_portal_phone_tour", {
    url: "/my",
    steps: () => [
        {
            content: "The portal home shows the disputes",
            trigger: ".o_portal_index_card:not(.d-none) a[href='/my/disputes']",
        },
        ...fitsScreen("01_home"),
        goTo("/my/invoices"),
        { trigger: ".o_ar_open_amounts" },
        ...fitsScreen("02_invoices"),
        {
            content: "Open the disputed invoice",
            trigger: ".o_portal_my_doc_table tr:has(.o_ar_collection_state[data-state='disputed']) td:first-child a",
            run: "click",
            expectUnloadPage: true,
        },
        { trigger: ".o_ar_invoice_collection .o_ar_collection_state" },
        ...fitsScreen("03_invoice"),
        {
            content: "Open the promise form",
            trigger: ".o_ar_collection_actions .o_ar_promise_button",
            run: "click",
            expectUnloadPage: true,
        },
        { trigger: ".o_ar_promise_form" },
        ...fitsScreen("04_promise_form"),
        goTo("/my/disputes"),
        { trigger: ".o_ar_dispute_row" },
        ...fitsScreen("05_disputes"),
        {
            content: "Open the dispute",
            trigger: ".o_ar_dispute_row a",
            run: "click",
            expectUnloadPage: true,
        },
        { trigger: "#chatterRoot:shadow .o-mail-Composer-input" },
        ...fitsScreen("06_dispute"),
        goTo("/my/promises"),
        {
            content: "Open the promise",
            trigger: ".o_ar_promise_row a",
            run: "click",
            expectUnloadPage: true,
        },
        { trigger: ".o_ar_promise_portal" },
        ...fitsScreen("07_promise"),
        goTo("/my/collections/statement"),
        { trigger: ".o_ar_statement_form" },
        ...fitsScreen("08_statement"),
        goTo("/my/collections/preferences"),
        { trigger: ".o_ar_preferences_form" },
        ...fitsScreen("09_preferences"),
    ],
});
