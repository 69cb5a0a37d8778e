"""Named faults (catalogue.py), what each changes (model.py) and the one owner of a running set (active.py)."""
from .active import FAULTS, ActiveFaults, UnknownFault, known
from .model import Fault

__all__ = ["FAULTS", "ActiveFaults", "Fault", "UnknownFault", "known"]
