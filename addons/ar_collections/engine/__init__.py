"""Decision logic that runs in plain Python, without the ORM.

Models read their inputs in bulk, hand them to these functions and write the
results back in batches; the functions can be unit-tested without a database.
"""
from . import dispute_detection
from . import guardrails
from . import planner
from . import ranking
from . import risk
from . import scoring
from . import segmentation
