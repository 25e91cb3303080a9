"""The OpenLineage HTTP transport's endpoint: POST /api/v1/lineage with one event as the body."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from graph.changeset import InvalidChange
from graph.write import ChangeRejected, GraphWriter
from loaders.openlineage.ingest import ingest_event
from loaders.openlineage.validation import InvalidEvent, SchemaValidator


def lineage_router(writer: GraphWriter, schema_dir: Path | None = None) -> APIRouter:
    """A router that writes each posted event through `writer` (validated against the JSON Schema
    in `schema_dir` when given, else its core fields only)."""
    router = APIRouter(tags=["openlineage"])
    validator = SchemaValidator(schema_dir) if schema_dir is not None else None

    def ingest(body: bytes) -> JSONResponse:
        try:
            raw = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as e:
            return _bad_request(f"the body is not JSON: {e}", [])
        try:
            result = ingest_event(raw, writer, validator)
        except InvalidEvent as e:
            return _bad_request(str(e), e.problems)
        except (InvalidChange, ValueError) as e:
            return _bad_request(f"the event could not be mapped: {e}", [])
        except ChangeRejected as e:
            return JSONResponse({"error": str(e), "problems": e.report.violations}, status_code=422)
        return JSONResponse(asdict(result), status_code=201)

    @router.post("/api/v1/lineage", status_code=201)
    async def post_lineage(request: Request) -> JSONResponse:
        # Parsing, validating and committing run in a worker thread: the event loop serves everyone else.
        return await run_in_threadpool(ingest, await request.body())

    return router


def _bad_request(message: str, problems: list[str]) -> JSONResponse:
    return JSONResponse({"error": message, "problems": problems}, status_code=400)
