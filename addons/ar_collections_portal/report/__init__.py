from . import report_statement
