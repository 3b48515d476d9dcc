"""cstool.core.ingest.times: one layout per column, chosen by what most of the sample reads; a
value in another layout or outside 1970..a year after the import is rejected, never guessed."""

from __future__ import annotations

import pytest

from cstool.core.ingest.times import YEAR, AmbiguousDates, TimeColumn, choose_layout

IMPORT = 1796083200  # 2026-12-01 UTC


def column(sample, **options) -> TimeColumn:
    layout, parse = choose_layout(sample, **options)
    return TimeColumn(layout, parse, "UTC", IMPORT + YEAR)


def test_the_layout_that_reads_most_of_the_sample_wins():
    assert column(["2026-03-02 09:00:00"] * 9 + ["10:00"]).layout == "iso8601"
    assert column(["31/12/2025 10:00", "13/01/2026 09:30", "02/03/2026 08:00"]).layout == "%d/%m/%Y %H:%M"
    assert column(["not a time", "?"]).layout == "none"
    with pytest.raises(AmbiguousDates):
        choose_layout(["03/04/2026", "05/06/2026"])
    assert choose_layout(["03/04/2026"], dayfirst=True)[0] == "%d/%m/%Y"


@pytest.mark.parametrize("value", ["10:00", "2026", "3.5", "03/04/2026", "tomorrow"])
def test_a_value_outside_the_columns_layout_is_an_error_never_a_guess(value):
    iso = column(["2026-03-02T09:00:00Z"])
    with pytest.raises(ValueError, match=r"expected the column's time layout, iso8601 .*--date-format"):
        iso.convert(value)


@pytest.mark.parametrize("value", ["9999-12-31T23:30:00Z", "0001-01-01T00:00:00Z", "1969-12-31T23:59:59Z",
                                   "2028-01-01T00:00:00Z"])
def test_a_time_before_1970_or_over_a_year_after_the_import_is_an_error(value):
    with pytest.raises(ValueError, match="outside the times cstool accepts: 1970-01-01 to a year after the import "
                                         r"\(2027-12-02\)"):
        column(["2026-03-02T09:00:00Z"]).convert(value)


def test_the_ends_of_the_range_are_accepted():
    iso = column(["2026-03-02T09:00:00Z"])
    assert iso.convert("1970-01-01T00:00:00Z") == (0, False)
    assert iso.convert("2027-12-02T00:00:00Z") == (IMPORT + YEAR, False)
    assert iso.convert("1900-01-01 00:00:00") == (None, False)  # (a vendor's "no date": null, not a reject)
