from . import ar_promise_report
from . import report_statement
