"""The fault catalogue: every fault breaks a real clause, and every must-level clause has a fault."""
import pytest

from sora_conformance.catalogue import load_catalogue
from sora_emulator.faults import FAULTS, ActiveFaults, UnknownFault


def test_every_fault_names_a_catalogue_clause():
    catalogue = load_catalogue()
    assert all(f.clause in catalogue for f in FAULTS.values())


def test_every_must_clause_has_at_least_one_fault():
    broken = {f.clause for f in FAULTS.values()}
    assert [c.id for c in load_catalogue() if c.level == "must" and c.id not in broken] == []


def test_unknown_fault_names_are_refused():
    with pytest.raises(UnknownFault, match="no-such-fault"):
        ActiveFaults(["no-such-fault"])
