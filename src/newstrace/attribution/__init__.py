"""Quotes, attribution chains and author-voice framing (the attribution stage).

``find_quotes`` finds who said what; ``attribute_events`` tells each event inside reported content who it comes
from (speaker, cue, the chain of sources from the article down) and how sure the text is (modality);
``find_framing`` flags judgemental wording and says whose voice it is in.
"""

from newstrace.attribution.chains import attribute_events
from newstrace.attribution.framing import find_framing
from newstrace.attribution.quotes import find_quotes, outermost

__all__ = ["attribute_events", "find_framing", "find_quotes", "outermost"]
