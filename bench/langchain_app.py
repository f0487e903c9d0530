"""The LangChain baseline behind the same FastAPI + uvicorn stack, for the HTTP benchmark.

.venv/bin/python -m uvicorn bench.langchain_app:app --port 8100
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from pydantic import BaseModel

from bench.common import Baseline
from footnoted.corpus import briefing_bytes

baseline = Baseline()
baseline.build([briefing_bytes().decode("utf-8")])
app = FastAPI()


class Query(BaseModel):
    query: str
    k: int = 5


@app.get("/readyz")
def readyz() -> dict[str, str]:
    return {"status": "ready"}


@app.post("/search")
def search(body: Query) -> dict[str, Any]:
    docs = baseline.search(body.query, body.k)
    return {"query": body.query, "results": [{"text": d.page_content} for d in docs]}
