"""Dependencies of the routes: settings, the story service, and who may read or write.

Routes get everything through these, so tests swap any of them with
``app.dependency_overrides``.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Annotated

from fastapi import Depends, HTTPException, Request, status

from ..config import Settings
from ..fetch import Fetcher
from .service import StoryService


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_service(request: Request) -> StoryService:
    service: StoryService = request.app.state.service
    return service


def get_fetcher(request: Request) -> Fetcher:
    """The application's fetcher (``settings.fetch``), shared by its requests."""
    fetcher: Fetcher = request.app.state.fetcher
    return fetcher


def get_token(request: Request) -> str:
    """The bearer token writes need; empty when none is configured."""
    token: str = request.app.state.token
    return token


SettingsDep = Annotated[Settings, Depends(get_settings)]
ServiceDep = Annotated[StoryService, Depends(get_service)]
FetcherDep = Annotated[Fetcher, Depends(get_fetcher)]
TokenDep = Annotated[str, Depends(get_token)]


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        return None
    return value.strip()


def token_matches(given: str | None, token: str) -> bool:
    return bool(token) and given is not None and hmac.compare_digest(given, token)


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    mapped = getattr(address, "ipv4_mapped", None)  # ::ffff:127.0.0.1 from a dual-stack socket
    return bool(address.is_loopback or (mapped is not None and mapped.is_loopback))


def require_reader(request: Request, settings: SettingsDep, token: TokenDep) -> None:
    """Reads are open to loopback clients, to everyone with ``public_reads``, or with the token."""
    if settings.web.public_reads:
        return
    client = request.client.host if request.client else None
    if is_loopback(client) or token_matches(bearer(request), token):
        return
    raise HTTPException(
        status.HTTP_403_FORBIDDEN,
        "reads are open to this machine only (set web.public_reads, or send the token)",
    )


def require_writer(request: Request, token: TokenDep) -> None:
    """Writes need ``Authorization: Bearer <SYNOPSIS_TOKEN>``; none are taken without a token."""
    if not token:
        raise HTTPException(
            status.HTTP_403_FORBIDDEN, "writes are disabled: the server has no SYNOPSIS_TOKEN"
        )
    given = bearer(request)
    if given is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "writes need 'Authorization: Bearer <token>'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    if not token_matches(given, token):
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "wrong token", headers={"WWW-Authenticate": "Bearer"}
        )
