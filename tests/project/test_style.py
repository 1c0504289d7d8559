"""The stylesheet keeps text readable: WCAG AA contrast in both themes."""

from __future__ import annotations

import re

import pytest

from ..conftest import ROOT

CSS = (ROOT / "static" / "css" / "newsroom.css").read_text()
# (text, background) pairs the pages use for text.
PAIRS = [
    ("fg", "bg"),
    ("muted", "bg"),
    ("accent", "bg"),
    ("fg", "chip"),
    ("muted", "chip"),
    ("accent", "chip"),
    ("fg", "mark"),
]


def themes() -> dict[str, dict[str, str]]:
    light_block = CSS[CSS.index(":root {") : CSS.index("}", CSS.index(":root {"))]
    dark_start = CSS.index(":root {", CSS.index("prefers-color-scheme: dark"))
    dark_block = CSS[dark_start : CSS.index("}", dark_start)]
    return {"light": _colours(light_block), "dark": _colours(dark_block)}


def _colours(block: str) -> dict[str, str]:
    return dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})", block))


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_contrast_formula_matches_known_values():
    assert contrast("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(("text", "background"), PAIRS)
def test_text_colours_pass_wcag_aa(theme, text, background):
    colours = themes()[theme]
    assert contrast(colours[text], colours[background]) >= 4.5
