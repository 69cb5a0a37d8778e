"""A frame number painted into the top band of each signature frame, and read back after compression.

The band is the top 16 of 120 rows (one macroblock row, so the band's chroma never mixes with the colour below):
20 cells 8 pixels wide, each black or white. Each bit takes two neighbouring cells, white-black for 1 and
black-white for 0 (Manchester coding): a reader compares the two cells instead of guessing a threshold, and a
band whose pairs are not clearly opposite (a black or grey frame, a frame without a band) reads as no number.
Flat 8x8 areas on a 4-pixel grid are what VP8 and H.264 keep best at any quality, so the number survives
re-encoding at 160x120; geometry is read in proportion to the frame, so a rescaled frame reads too.
"""
from __future__ import annotations

import numpy as np

BITS = 10
MODULO = 2**BITS  # numbers wrap: 1024 frames are 102 s at 10 fps
BAND_ROWS, HEIGHT = 16, 120  # the band's share of the frame's height
CELLS = 2 * BITS
CONTRAST = 64  # luma difference between a pair's cells below which the pair (and the frame) reads as nothing


def band_rows(height: int) -> int:
    """How many rows at the top of a frame of `height` hold the number."""
    return max(1, round(height * BAND_ROWS / HEIGHT))


def paint(frame: np.ndarray, number: int) -> None:
    """Paints `number` (mod MODULO) into the top band of an HxWx3 uint8 frame, in place."""
    rows, width = band_rows(frame.shape[0]), frame.shape[1]
    value = number % MODULO
    for bit in range(BITS):
        one = bool(value >> (BITS - 1 - bit) & 1)
        for half, white in ((0, one), (1, not one)):
            cell = 2 * bit + half
            frame[:rows, cell * width // CELLS:(cell + 1) * width // CELLS] = 255 if white else 0


def read(rgb: np.ndarray) -> int | None:
    """The number painted into an HxWx3 RGB frame, or None when the band does not read clearly."""
    rows, width = band_rows(rgb.shape[0]), rgb.shape[1]
    band = rgb[rows // 4:max(rows // 4 + 1, rows * 3 // 4)].mean(axis=(0, 2))  # luma-ish, per column
    value = 0
    for bit in range(BITS):
        left, right = (_cell_mean(band, 2 * bit + half, width) for half in (0, 1))
        if abs(left - right) < CONTRAST:
            return None
        value = value << 1 | (left > right)
    return value


def _cell_mean(band: np.ndarray, cell: int, width: int) -> float:
    start, stop = cell * width // CELLS, (cell + 1) * width // CELLS
    inner = band[start + (stop - start) // 4:stop - (stop - start) // 4]  # away from the edges compression blurs
    return float(inner.mean()) if len(inner) else float(band[start:stop].mean())


def gaps(numbers: list[int], max_missing: int) -> list[str]:
    """What breaks "each frame's number is the previous one's plus one, at most `max_missing` frames lost in a
    row": repeats, steps back and larger gaps, described (wrap-around at MODULO is a step forward)."""
    problems = []
    for index, (previous, number) in enumerate(zip(numbers, numbers[1:], strict=False), start=1):
        step = (number - previous) % MODULO
        if step == 0:
            problems.append(f"frame {index} repeats frame number {number}")
        elif step > MODULO // 2:
            problems.append(f"frame {index} goes back from frame number {previous} to {number}")
        elif step - 1 > max_missing:
            problems.append(f"{step - 1} frames missing between frame numbers {previous} and {number}")
    return problems
