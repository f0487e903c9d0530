"""The bundled default document: Human Rights Watch, "Back in Business? U.S. Landmine Production
and Exports" (August 2005), shipped as package data."""

from __future__ import annotations

from importlib import resources

from footnoted.ingest import parse
from footnoted.types import Document

BRIEFING_ID = "back-in-business-2005"
_BRIEFING_FILE = "back-in-business-2005.txt"


def briefing_bytes() -> bytes:
    return resources.files(__name__).joinpath(_BRIEFING_FILE).read_bytes()


def load_briefing() -> Document:
    """The bundled briefing, read from the installed package."""
    return parse(briefing_bytes(), name=_BRIEFING_FILE, doc_id=BRIEFING_ID, extra={"path": f"package:{_BRIEFING_FILE}"})
