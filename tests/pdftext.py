"""What a printed PDF shows, read back with poppler: word boxes, text sizes, page images.

``pdftotext -bbox`` gives each word's box in points. A box is as tall as the
font's ascent plus descent, which is the font size times a ratio of the font
(about 1.16 for DejaVu Sans). ``calibration`` prints, in the same browser,
words at known sizes in the report's sans-serif and monospace stacks and
measures that ratio, so a box height converts to the point size it was
printed at; the larger ratio of the two is used, so a size is never
over-estimated.
"""
from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

SANS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif'
MONO = "ui-monospace, SFMono-Regular, Menlo, Consolas, monospace"
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')


def poppler() -> bool:
    return bool(shutil.which("pdftotext") and shutil.which("pdftoppm"))


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x0: float
    y0: float
    x1: float
    y1: float

    @property
    def height(self) -> float:
        return self.y1 - self.y0


def words(pdf: Path) -> list:
    """Every word of the PDF with its page (1-based) and box, in points."""
    out = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    found, page = [], 0
    for line in out.splitlines():
        if "<page " in line:
            page += 1
        m = _WORD.search(line)
        if m:
            found.append(Word(page, html.unescape(m.group(5)), *map(float, m.groups()[:4])))
    return found


def calibration_page() -> str:
    """Words at 8 pt and 9 pt in both font stacks of the report."""
    spans = "".join(f'<p style="{html.escape(f"font: {size}pt {stack}; margin: 4pt")}">cal{name}{size} Hxgy</p>'
                    for name, stack in (("sans", SANS), ("mono", MONO)) for size in (8, 9))
    return f"<!DOCTYPE html><html><body>{spans}</body></html>"


def ratio(pdf: Path) -> float:
    """Box height per point of font size, the largest over the calibrated fonts."""
    heights = {w.text: w.height for w in words(pdf) if w.text.startswith("cal")}
    return max(heights[f"cal{name}{size}"] / size for name in ("sans", "mono") for size in (8, 9))


def sizes(pdf: Path, per_point: float) -> list:
    """(point size, word) of every word, the smallest first."""
    return sorted(((round(w.height / per_point, 2), w) for w in words(pdf) if w.text.strip()), key=lambda p: p[0])


def images(pdf: Path, prefix: Path, dpi: int = 60) -> list:
    """Each page as PNG (pdftoppm): prefix-1.png, prefix-2.png, ..."""
    for old in prefix.parent.glob(prefix.name + "-*.png"):
        old.unlink()
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True)
    return sorted(prefix.parent.glob(prefix.name + "-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


def last_lines(pdf: Path) -> dict:
    """The text of the last line of each page (the words sharing the lowest baseline)."""
    by_page: dict = {}
    for w in words(pdf):
        by_page.setdefault(w.page, []).append(w)
    out = {}
    for page, ws in by_page.items():
        bottom = max(w.y1 for w in ws)
        line = sorted((w for w in ws if abs(w.y1 - bottom) < 2), key=lambda w: w.x0)
        out[page] = " ".join(w.text for w in line)
    return out
