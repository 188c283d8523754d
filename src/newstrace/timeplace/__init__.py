"""Time and place: TIMEX3 values against the publication date, offline geoparsing, event time and location."""

from newstrace.timeplace.attach import attach
from newstrace.timeplace.places import find_places, gazetteer
from newstrace.timeplace.times import find_times

__all__ = ["attach", "find_places", "find_times", "warm_up"]


def warm_up() -> None:
    """Open the place gazetteer before the first document needs it: milliseconds from the on-disk cache, a few
    seconds the first time on a machine (or after the data changed), when it is built and cached."""
    gazetteer()
