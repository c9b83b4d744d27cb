"""Reading order and paragraph ends of PDF text, from the positions of the words.

Plain ``extract_text`` reads a page line by line across the whole width, which
interleaves the two columns of a gazette page, and it cannot tell the last line of a
paragraph from a full line. Here each text region is

* split into columns where a vertical gutter runs through it (lines that cross the
  gutter — titles, full-width tables — are read as full-width bands in between);
* read line by line per column, with two marks for the normaliser: an indented line
  starts with blanks (a new paragraph), and a line that stops short of the right
  margin is followed by a blank line (its paragraph ends there). Justified Chinese
  text reaches the margin on every line but a paragraph's last.
"""

from __future__ import annotations

__all__ = ["region_lines"]

_MIN_WORDS_FOR_COLUMNS = 20


def _block_width(words: list[dict]) -> float:
    return max(w["x1"] for w in words) - min(w["x0"] for w in words) if words else 0.0


def _gutter(words: list[dict], x0: float, x1: float) -> float | None:
    """x of a vertical gap through the middle of the region with a column of running text
    on each side, or None for single-column text.

    Two text columns are about equally wide (the right one may be short on a last page);
    a table's units column beside its wider text column is no second column of text.
    """
    width = x1 - x0
    if len(words) < _MIN_WORDS_FOR_COLUMNS or width <= 0:
        return None
    best = None
    step = max(1.0, width / 100)
    x = x0 + 0.35 * width
    while x <= x0 + 0.65 * width:
        crossing = sum(1 for w in words if w["x0"] < x < w["x1"])
        if best is None or crossing < best[0]:
            best = (crossing, x)
        x += step
    if best is None or best[0] > 0.05 * len(words):
        return None
    gutter = best[1]
    left = [w for w in words if w["x1"] <= gutter]
    right = [w for w in words if w["x0"] >= gutter]
    if not left or not right:
        return None
    ratio = _block_width(left) / max(_block_width(right), 1.0)
    return gutter if 0.75 <= ratio <= 1.33 else None


def _bands(words: list[dict], gutter: float, top: float, bottom: float) -> list[tuple[float, float, bool]]:
    """Vertical bands (y0, y1, is_full_width): full width where a word crosses the gutter."""
    crossing = sorted((w["top"], w["bottom"]) for w in words if w["x0"] < gutter < w["x1"])
    full: list[list[float]] = []
    for y0, y1 in crossing:
        if full and y0 <= full[-1][1] + 1:
            full[-1][1] = max(full[-1][1], y1)
        else:
            full.append([y0, y1])
    bands, y = [], top
    for y0, y1 in full:
        if y0 - 0.5 > y:
            bands.append((y, y0 - 0.5, False))
        bands.append((max(y, y0 - 0.5), y1 + 0.5, True))
        y = y1 + 0.5
    if y < bottom:
        bands.append((y, bottom, False))
    return bands


def _edge(values: list[float], size: float, outermost) -> float:
    """The margin most lines share: the outermost value that at least a fifth of the lines
    (two at least) come within half a character of. A centred page number or one odd line
    sticking out does not move it."""
    need = max(2, 0.2 * len(values))
    for value in sorted(values, key=lambda v: -v if outermost is max else v):
        if sum(1 for v in values if abs(v - value) <= 0.5 * size) >= need:
            return value
    return outermost(values)


def _marked_lines(region) -> list[str]:
    """Lines of a single-column region with paragraph marks (see module docstring)."""
    lines = [line for line in region.extract_text_lines(return_chars=False) if line["text"].strip()]
    if not lines:
        return []
    heights = sorted(line["bottom"] - line["top"] for line in lines)
    size = max(heights[len(heights) // 2], 1.0)
    left = _edge([line["x0"] for line in lines], size, min)
    right = _edge([line["x1"] for line in lines], size, max)
    out = []
    for line in lines:
        text = line["text"]
        out.append(("  " + text) if line["x0"] - left > 1.5 * size else text)  # indented
        if right - line["x1"] > 1.5 * size:
            out.append("")
    return out


def region_lines(page, bbox: tuple[float, float, float, float] | None = None) -> list[str]:
    """Text lines of a page (or a region of it) in reading order, paragraph ends marked."""
    region = page if bbox is None else page.crop(bbox, strict=False)
    x0, top, x1, bottom = region.bbox
    words = region.extract_words()
    gutter = _gutter(words, x0, x1)
    if gutter is None:
        return _marked_lines(region)
    lines: list[str] = []
    for y0, y1, full_width in _bands(words, gutter, top, bottom):
        if y1 - y0 < 1:
            continue
        if full_width:
            lines.extend(_marked_lines(region.crop((x0, y0, x1, y1), strict=False)))
        else:
            lines.extend(_marked_lines(region.crop((x0, y0, gutter, y1), strict=False)))
            lines.extend(_marked_lines(region.crop((gutter, y0, x1, y1), strict=False)))
    return lines
