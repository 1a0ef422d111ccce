"""Which of two dependent articles is the likely original."""

from __future__ import annotations

from ..records import Article


def likely_origin(
    a: Article, b: Article, containment_ab: float | None = None, containment_ba: float | None = None
) -> str | None:
    """The id of the likely original of ``a`` and ``b``, or ``None`` when unclear.

    Publication time decides when both are dated and differ. Otherwise a
    clear containment asymmetry does: when most of ``b`` is found in ``a`` but
    little of ``a`` in ``b``, ``b`` was cut from ``a`` (``containment_ab`` is
    the share of ``a``'s shingles found in ``b``).
    """
    if a.published is not None and b.published is not None and a.published != b.published:
        return a.id if a.published < b.published else b.id
    if containment_ab is not None and containment_ba is not None:
        if containment_ba >= 0.8 and containment_ab <= 0.6 * containment_ba:
            return a.id
        if containment_ab >= 0.8 and containment_ba <= 0.6 * containment_ab:
            return b.id
    return None
