from . import ar_promise_report
