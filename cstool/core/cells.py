"""Which spreadsheet cells need care (render/machine neutralises them; store/ticket_rows flags
the rows holding one, to be written by render/machine)."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n")  # a cell starting so could run as a formula
