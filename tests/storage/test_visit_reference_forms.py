"""Issue 20, the outside tester's finding 5: the reference as an SMS or a letter writes it was refused."""

from __future__ import annotations

import pytest

from storage.errors import DomainError
from storage.visits.fields import normalise_reference


@pytest.mark.parametrize(
    "typed",
    ["№GDA-WXKYNR", "nr GDA-WXKYNR", "Nr. gda-wxkynr", "No. GDA-WXKYNR", "#GDA-WXKYNR", "GDA WXKYNR", "gda.wxkynr.",
     "GDAWXKYNR", " GDA-WXK YNR "],
)  # fmt: skip
def test_a_reference_as_people_copy_it_is_read_with_its_dash(typed):
    assert normalise_reference(typed) == "GDA-WXKYNR"


@pytest.mark.parametrize("typed", ["", "GDA-WXKYN", "GDA-WXKYNRR", "12A-WXKYNR", "GDA-WXKYN0", "XYGDA-WXKYNR"])
def test_what_is_no_reference_is_refused_naming_the_field(typed):
    with pytest.raises(DomainError) as refused:
        normalise_reference(typed)
    assert refused.value.field == "reference"
