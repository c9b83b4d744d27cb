"""How figures read in Chinese text: one rule for pages, API-facing texts and documents."""
from decimal import Decimal


def percent_text(ratio, empty=None):
    """A ratio as percent text with one decimal (0.7143 → "71.4%"), or ``empty`` when there is none."""
    if ratio is None:
        return empty
    return f"{(Decimal(ratio) * 100).quantize(Decimal('0.1'))}%"
