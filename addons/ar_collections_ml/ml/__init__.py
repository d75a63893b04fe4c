"""Learning code in pandas and scikit-learn, kept apart from the ORM."""
from . import delay_model
from . import features
