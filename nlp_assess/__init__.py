"""nlp_assess: audit the recording quality of police domestic abuse incident records."""
from __future__ import annotations

__version__ = "0.1.0"


def assess(records, **kwargs):
    """Assess an iterable of record dicts; yields one output row per record, in order.

    See `nlp_assess.scoring.assess` (imported lazily so `import nlp_assess` stays cheap).
    """
    from .scoring import assess as _assess

    return _assess(records, **kwargs)


__all__ = ["assess", "__version__"]
