"""Named faults (catalogue.py), what each changes (model.py) and the one owner of a running set (active.py)."""
from .active import ALL_FAULTS, FAULTS, LOAD_FAULTS, ActiveFaults, UnknownFault, known
from .model import Fault

__all__ = ["ALL_FAULTS", "FAULTS", "LOAD_FAULTS", "ActiveFaults", "Fault", "UnknownFault", "known"]
