"""HTTP request and response bodies. Built from the core types at the edge, never passed inward."""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, Strict, field_validator

from footnoted.errors import UnsupportedFormat
from footnoted.ingest.read import DOCUMENT_ID, reader_format
from footnoted.settings import DEFAULT_K, QUESTION_HELP, Fusion, Mode
from footnoted.types import TextFormat

_EXAMPLE_NOTE: dict[str, Any] = {
    "label": "3",
    "text": "Included in this stockpile are 2.8 million non-self-destructing landmines. …",
    "start": 4566,
    "end": 4956,
    "markers": [{"start": 2091, "end": 2092}],
}
_EXAMPLE_CITATION: dict[str, Any] = {
    "document_id": "back-in-business-2005",
    "title": "Back in Business? U.S. Landmine Production and Exports",
    "section": "",
    "start": 1658,
    "end": 2208,
}


Count = Annotated[int, Strict()]
"""A JSON integer: not true (pydantic's lax mode would take it for 1), "3" or 2.0."""


class SearchRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"query": "How many mines does the US stockpile?", "k": 3}]},
    )

    query: str = Field(min_length=1, description=QUESTION_HELP)
    k: Count = Field(DEFAULT_K, ge=1, description="How many passages (at most the server's limit, 50 by default).")
    mode: Mode | None = Field(None, description="dense, lexical or hybrid (the index's default).")
    fusion: Fusion | None = Field(
        None, description="How hybrid search fuses its lists: rrf, zscore or convex (the server's default)."
    )
    documents: list[str] | None = Field(None, description="Only search these document ids.")


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"question": "How many mines does the US stockpile?"}]},
    )

    question: str = Field(min_length=1, description=QUESTION_HELP)
    k: Count = Field(DEFAULT_K, ge=1, description="How many passages to return with the answer.")
    mode: Mode | None = None
    fusion: Fusion | None = None
    documents: list[str] | None = None


class SpanOut(BaseModel):
    start: int
    end: int


class FootnoteOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE_NOTE]})

    label: str
    text: str = Field(description="Exactly source[start:end].")
    start: int
    end: int
    same_as: str | None = Field(
        default=None,
        description='Only on a note that repeats the one before ("Ibid.", "Id."): the label of the note giving the source.',
    )
    refers_to: list[str] | None = Field(
        default=None,
        description='Only on a note citing a source short ("Smith, supra note 12", "Smith (n 12)", '
        '"Smith, op. cit."): the labels of the notes naming it in full.',
    )
    markers: list[SpanOut] = Field(
        description='The spans in the source of the markers citing the note ("[3]", "³"), as [start, end) '
        "offsets, including any outside the passage; empty for a note nothing cites.",
    )


class CitationOut(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_EXAMPLE_CITATION]})

    document_id: str
    title: str
    section: str
    start: int
    end: int


class ResultOut(BaseModel):
    rank: int
    score: float
    chunk_id: str
    text: str = Field(description="Exactly source[citation.start:citation.end].")
    citation: CitationOut
    footnotes: list[FootnoteOut]


class SearchResponse(BaseModel):
    query: str
    results: list[ResultOut]


class AnswerOut(BaseModel):
    text: str = Field(description="The evidence sentence(s), exactly source[citation.start:citation.end].")
    citation: CitationOut
    footnotes: list[FootnoteOut]


class AskResponse(BaseModel):
    question: str
    answer: AnswerOut | None
    passages: list[ResultOut]


TITLE_CHARS = 500
"""The longest title a document sent to the API may be given (JSON field or multipart field)."""


class DocumentIn(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [{"title": "Field notes", "text": "A claim.[1]\n\n[1] Its source.", "format": "text"}]
        },
    )

    text: str = Field(min_length=1)
    title: str | None = Field(None, max_length=TITLE_CHARS)
    id: str | None = Field(None, pattern=DOCUMENT_ID, description="Document id; derived from the title when absent.")
    format: TextFormat = Field(
        "text", description='The text\'s format; its extension says the same ("txt", "md", "rest", "htm").'
    )

    @field_validator("format", mode="before")
    @classmethod
    def _by_extension(cls, value: Any) -> Any:
        """A text format named by its extension ("md", ".md") is that format, as ``parse`` takes it."""
        if isinstance(value, str) and value not in _TEXT_FORMATS:
            try:
                named = reader_format(value)
            except UnsupportedFormat:
                return value
            return named if named in _TEXT_FORMATS else value
        return value


_TEXT_FORMATS: tuple[str, ...] = get_args(TextFormat)


class DocumentOut(BaseModel):
    id: str
    title: str
    format: str
    metadata: dict[str, str]
    characters: int
    sections: int
    footnotes: int
    chunks: int
    warnings: list[str]


class DocumentList(BaseModel):
    documents: list[DocumentOut]


class IngestOut(BaseModel):
    document: DocumentOut
    status: Literal["added", "replaced", "unchanged"]
    chunks: int
    encoded: int
    reused: int


class SourceOut(BaseModel):
    id: str
    title: str
    text: str = Field(description="The document's whole source text; every span indexes into it.")
    footnotes: list[FootnoteOut]


class Deleted(BaseModel):
    deleted: str


class ErrorBody(BaseModel):
    code: str
    message: str
    request_id: str | None = None
    details: list[dict[str, Any]] | None = None


class ErrorOut(BaseModel):
    """Every error the API returns has this shape."""

    error: ErrorBody
