"""Scanned plans: image-only PDFs and page photos (JPG/PNG/TIFF) read by OCR.

The engine is RapidOCR on ONNX Runtime (PyPI ``rapidocr-onnxruntime``): its Chinese
detection, direction and recognition models ship inside the wheel, so nothing is
downloaded at run time. Pages are rendered (PDF, by pdfium at 200 dpi) or decoded
(images, by Pillow), the engine finds text lines (it copes with the slight skew of a
scan; the direction classifier turns upside-down lines), and the boxes are put back
into reading order: lines by their vertical position, pieces of one line left to
right. Paragraphs are marked as for text PDFs (an indented line starts one, a short
line ends one), so the parser's layout rules apply unchanged.

Bounded: at most ``MAX_PAGES`` pages (a PDF with more is refused before anything is
rendered), at most ``MAX_PIXELS`` pixels per image (larger ones, and decompression
bombs, are refused before they are decoded), pages are scaled down to
``MAX_SIDE`` pixels on their longer side, and a page that takes longer than
``PAGE_SECONDS`` stops the reading with a clear message.

No Django here: progress is reported through a callback ``progress(done, total)``;
it may raise to cancel.
"""

from __future__ import annotations

import io
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .document import Document, TextBlock
from .errors import PlanImportError, import_error

__all__ = ["MAX_PAGES", "OcrPage", "OcrResult", "engine_available", "ocr_document", "page_images"]

MAX_PAGES = int(os.environ.get("LUOSHI_OCR_MAX_PAGES", "40"))
MAX_PIXELS = 60_000_000  # one A4 page at 600 dpi is 35 Mpx
MAX_SIDE = 2400
PAGE_SECONDS = float(os.environ.get("LUOSHI_OCR_PAGE_SECONDS", "120"))
RENDER_DPI = 200
LOW_CONFIDENCE = 0.85

Progress = Callable[[int, int], None]


@dataclass
class OcrPage:
    number: int
    lines: list[str] = field(default_factory=list)
    low_confidence: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def text(self) -> str:
        return "\n".join(line for line in self.lines if line)


@dataclass
class OcrResult:
    document: Document
    pages: list[OcrPage]


_engine = None
_engine_lock = threading.Lock()


def _get_engine():
    global _engine
    with _engine_lock:
        if _engine is None:
            try:
                from rapidocr_onnxruntime import RapidOCR
            except ImportError as exc:
                raise import_error("ocr_missing") from exc
            _engine = RapidOCR()
        return _engine


def engine_available() -> bool:
    try:
        import rapidocr_onnxruntime  # noqa: F401
    except ImportError:
        return False
    return True


# --- pages --------------------------------------------------------------------------


def _is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]


def page_count(data: bytes) -> int:
    """Pages of a PDF or frames of an image, checked against the limits without decoding pixels."""
    if _is_pdf(data):
        import pypdfium2

        try:
            pdf = pypdfium2.PdfDocument(data)
        except Exception as exc:
            raise import_error("pdf_corrupt") from exc
        try:
            count = len(pdf)
        finally:
            pdf.close()
        if count > MAX_PAGES:
            raise import_error("ocr_too_many_pages", _too_many(count))
        return count
    image = _open_image(data)
    return min(getattr(image, "n_frames", 1), MAX_PAGES + 1)


def _too_many(count: int) -> str:
    return (f"扫描件共 {count} 页，超过了文字识别一次最多 {MAX_PAGES} 页的上限。"
            "请只上传计划本身的页面，或把扫描件拆成几部分分别导入。")


def _open_image(data: bytes):
    from PIL import Image

    try:
        image = Image.open(io.BytesIO(data))
        width, height = image.size
    except Image.DecompressionBombError as exc:
        raise import_error("image_too_large") from exc
    except Exception as exc:
        raise import_error("image_corrupt") from exc
    if width * height > MAX_PIXELS or width <= 0 or height <= 0:
        raise import_error("image_too_large")
    return image


def _prepared(image):
    """RGB, no larger than MAX_SIDE on its longer side, as a numpy array."""
    import numpy as np
    from PIL import Image

    try:
        image.load()
    except Image.DecompressionBombError as exc:
        raise import_error("image_too_large") from exc
    except Exception as exc:  # truncated or damaged image data
        raise import_error("image_corrupt") from exc
    image = image.convert("RGB")
    scale = MAX_SIDE / max(image.size)
    if scale < 1:
        image = image.resize((max(1, int(image.width * scale)), max(1, int(image.height * scale))), Image.LANCZOS)
    return np.asarray(image)


def page_images(data: bytes):
    """Each page as an RGB array, lazily (one page in memory at a time)."""
    from PIL import Image, ImageSequence

    if _is_pdf(data):
        import pypdfium2

        pdf = pypdfium2.PdfDocument(data)
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                try:
                    width, height = page.get_size()
                    scale = min(RENDER_DPI / 72, MAX_SIDE / max(width, height, 1))
                    yield _prepared(page.render(scale=scale, grayscale=True).to_pil())
                finally:
                    page.close()
        finally:
            pdf.close()
        return
    previous = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        image = _open_image(data)
        frames = ImageSequence.Iterator(image)
        while True:
            try:
                frame = next(frames).copy()
            except StopIteration:
                break
            except Image.DecompressionBombError as exc:
                raise import_error("image_too_large") from exc
            except Exception as exc:  # truncated or damaged image data
                raise import_error("image_corrupt") from exc
            yield _prepared(frame)
    finally:
        Image.MAX_IMAGE_PIXELS = previous


# --- reading order and paragraph marks ------------------------------------------------


def _boxes(result) -> list[dict]:
    boxes = []
    for points, text, score in result or []:
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        if text and text.strip():
            boxes.append({"x0": min(xs), "x1": max(xs), "top": min(ys), "bottom": max(ys),
                          "text": text.strip(), "score": float(score)})
    return boxes


def _lines(boxes: list[dict]) -> list[dict]:
    """Boxes grouped into lines (vertical centres within half a line height), each left to right."""
    if not boxes:
        return []
    heights = sorted(b["bottom"] - b["top"] for b in boxes)
    size = max(heights[len(heights) // 2], 1.0)
    lines: list[list[dict]] = []
    for box in sorted(boxes, key=lambda b: (b["top"] + b["bottom"]) / 2):
        centre = (box["top"] + box["bottom"]) / 2
        if lines:
            last = lines[-1]
            last_centre = sum((b["top"] + b["bottom"]) / 2 for b in last) / len(last)
            if abs(centre - last_centre) <= 0.5 * size:
                last.append(box)
                continue
        lines.append([box])
    out = []
    for pieces in lines:
        pieces.sort(key=lambda b: b["x0"])
        out.append({"x0": pieces[0]["x0"], "x1": max(b["x1"] for b in pieces),
                    "text": "".join(b["text"] for b in pieces), "size": size,
                    "low": [b["text"] for b in pieces if b["score"] < LOW_CONFIDENCE]})
    return out


def _edge(values: list[float], size: float, outermost) -> float:
    need = max(2, 0.2 * len(values))
    for value in sorted(values, key=lambda v: -v if outermost is max else v):
        if sum(1 for v in values if abs(v - value) <= 0.5 * size) >= need:
            return value
    return outermost(values)


def _marked(lines: list[dict]) -> list[str]:
    """Text lines with the paragraph marks of ``pdf_layout``: indent = new paragraph, short = its end."""
    if not lines:
        return []
    size = lines[0]["size"]
    left = _edge([line["x0"] for line in lines], size, min)
    right = _edge([line["x1"] for line in lines], size, max)
    out = []
    for line in lines:
        out.append(("  " + line["text"]) if line["x0"] - left > 1.2 * size else line["text"])
        if right - line["x1"] > 1.5 * size:
            out.append("")
    return out


def ocr_document(data: bytes, *, progress: Progress | None = None) -> OcrResult:
    """Read every page of a scan; raises :class:`PlanImportError` (and nothing else)."""
    try:
        return _ocr(data, progress)
    except PlanImportError:
        raise
    except MemoryError as exc:
        raise import_error("image_too_large") from exc
    except Exception as exc:  # the engine or an image library on hostile input
        raise import_error("ocr_failed") from exc


def _ocr(data: bytes, progress: Progress | None) -> OcrResult:
    total = page_count(data)
    if total > MAX_PAGES:
        raise import_error("ocr_too_many_pages", _too_many(total))
    engine = _get_engine()
    pages: list[OcrPage] = []
    if progress:
        progress(0, total)
    for number, image in enumerate(page_images(data), start=1):
        started = time.monotonic()
        result, _elapsed = engine(image)
        seconds = time.monotonic() - started
        if seconds > PAGE_SECONDS:
            raise import_error("ocr_timeout")
        lines = _lines(_boxes(result))
        pages.append(OcrPage(number=number, lines=_marked(lines),
                             low_confidence=[text for line in lines for text in line["low"]], seconds=seconds))
        if progress:
            progress(number, total)
    if not any(page.text.strip() for page in pages):
        raise import_error("ocr_no_text")
    document = Document(blocks=[TextBlock(page.lines) for page in pages], kind="ocr", wrapped=True,
                        marked_breaks=True)
    return OcrResult(document=document, pages=pages)
