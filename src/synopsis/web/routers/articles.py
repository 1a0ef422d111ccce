"""``/api/articles``: read one article; add articles (JSON or files, with the token)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from ...config import ReadSettings
from ...errors import UploadError
from ...readers.structured import MAX_JSON_DEPTH, JSONTooDeep, load_json
from ...report.contract import article_to_dict
from ..deps import FetcherDep, ServiceDep, SettingsDep, require_reader, require_writer
from ..schemas import ErrorDetail, IngestResponse, InputStatus, StoredArticle
from ..service import StoryService
from ..uploads import Upload, items_from_fetched, items_from_file, items_from_json, safe_name

router = APIRouter(prefix="/api/articles", tags=["articles"])
# Errors the exception handler answers (see ..middleware): NotFoundError 404, InputError 422
# (an UploadError or FetchError too), each as {"detail": str(error)}.

_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "description": "One article, a list, or {'articles': [...]}",
                    "type": ["object", "array"],
                    "example": {
                        "title": "Ferry capsizes off Marrendal",
                        "outlet": "Example Post",
                        "url": "https://example.org/ferry",
                        "published": "2024-05-01T09:30:00+00:00",
                        "text": "The ferry capsized ...",
                    },
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "files": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    },
                }
            },
        },
    }
}


_WRITE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"description": "Nothing new was added", "model": IngestResponse},
    401: {"description": "No or wrong bearer token", "model": ErrorDetail},
    403: {"description": "Writes are disabled (no token configured)", "model": ErrorDetail},
}
"""What every write answers besides its own errors."""


@router.get(
    "/{article_id:path}",
    dependencies=[Depends(require_reader)],
    responses={404: {"description": "No such article", "model": ErrorDetail}},
)
def get_article(article_id: str, service: ServiceDep) -> StoredArticle:
    """One stored article (as in the report contract), with the story it belongs to."""
    article = service.article(article_id)
    return StoredArticle.model_validate(
        {**article_to_dict(article), "story": service.story_of(article.id)}
    )


@router.post(
    "",
    dependencies=[Depends(require_writer)],
    openapi_extra=_UPLOAD_BODY,
    status_code=status.HTTP_201_CREATED,
    response_model=IngestResponse,
    responses={
        **_WRITE_RESPONSES,
        413: {"description": "Body over the size limit", "model": ErrorDetail},
        415: {"description": "Neither JSON nor a form", "model": ErrorDetail},
        422: {"description": "The body is not an upload this server takes", "model": ErrorDetail},
    },
)
async def add_articles(
    request: Request, service: ServiceDep, settings: SettingsDep
) -> JSONResponse:
    """Add articles (JSON, or files as ``multipart/form-data`` field ``files``).

    Needs ``Authorization: Bearer <SYNOPSIS_TOKEN>``. Answers which story each
    article landed in, and which inputs failed and why.
    """
    limit = settings.web.max_articles_per_request
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/json":
        try:
            body = load_json(await request.body())
        except JSONTooDeep as exc:
            raise UploadError(
                f"the body is nested too deeply (more than {MAX_JSON_DEPTH} levels of "
                "arrays and objects)"
            ) from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise UploadError(f"the body is not valid JSON: {exc}") from exc
        upload = items_from_json(body, limit)
    elif kind == "multipart/form-data":
        upload = await _files(request, limit, settings.read)
    else:
        raise HTTPException(
            status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
            "send application/json or multipart/form-data",
        )
    return await _ingest(service, upload)


class UrlRequest(BaseModel):
    url: str = Field(max_length=2000, examples=["https://example.org/news/ferry"])


@router.post(
    "/from-url",
    dependencies=[Depends(require_writer)],
    status_code=status.HTTP_201_CREATED,
    response_model=IngestResponse,
    responses={
        **_WRITE_RESPONSES,
        422: {"description": "The URL may not or cannot be fetched"},
    },
)
async def add_article_from_url(
    body: UrlRequest, service: ServiceDep, fetcher: FetcherDep
) -> JSONResponse:
    """Fetch one article by URL and add it.

    Fetched under the server's ``fetch`` settings: http or https, public
    addresses only, robots.txt honoured, with timeouts and a size cap.
    """
    fetched = await run_in_threadpool(fetcher.fetch, body.url)
    upload = Upload()
    items_from_fetched(fetched, upload)
    return await _ingest(service, upload)


async def _files(request: Request, limit: int, read: ReadSettings) -> Upload:
    upload = Upload()
    async with request.form(max_files=limit, max_fields=limit) as form:
        files = [value for _, value in form.multi_items() if isinstance(value, UploadFile)]
        if not files:
            raise UploadError("no files in the form (field 'files')")
        for position, file in enumerate(files):
            data = await file.read()
            items_from_file(safe_name(file.filename, position), data, upload, limit, read)
    return upload


async def _ingest(service: StoryService, upload: Upload) -> JSONResponse:
    """Ingest ``upload``: 201 with an :class:`IngestResponse` when something was added, else 200.

    Answered as a plain ``JSONResponse`` (the status depends on the result).
    """
    result, placed = await run_in_threadpool(service.ingest, upload.items)
    failures = [*upload.failures, *result.failures]
    skipped = [*upload.skipped, *result.skipped]
    body_out = IngestResponse(
        added=result.added,
        unchanged=result.unchanged,
        placed=placed,
        stories=result.stories,
        failures=[InputStatus(input=f.input, reason=f.reason) for f in failures],
        skipped=[InputStatus(input=s.input, reason=s.reason) for s in skipped],
    )
    code = status.HTTP_201_CREATED if result.added else status.HTTP_200_OK
    return JSONResponse(body_out.model_dump(), status_code=code)
