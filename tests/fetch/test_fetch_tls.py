"""HTTPS through the pinned connection: the certificate is checked for the URL's host name."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from local_http import LocalServer, Route, loopback_settings
from synopsis.errors import FetchError
from synopsis.fetch import Fetcher, HTTPTransport
from synopsis.fetch.testing import static_resolver

HOSTS = {"news.example": ["127.0.0.1"], "other.example": ["127.0.0.1"]}


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A test authority and a certificate it signed for ``news.example``."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make test certificates")
    folder = tmp_path_factory.mktemp("tls")
    curve = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")
    _openssl(
        "req", "-x509", *curve, "-keyout", "ca.key", "-out", "ca.pem", "-days", "2",
        "-subj", "/CN=synopsis test authority",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign",
        cwd=folder,
    )  # fmt: skip
    _openssl(
        "req", *curve, "-keyout", "leaf.key", "-out", "leaf.csr", "-subj", "/CN=news.example",
        cwd=folder,
    )  # fmt: skip
    (folder / "leaf.ext").write_text("subjectAltName=DNS:news.example\n")
    _openssl(
        "x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
        "-CAcreateserial", "-out", "leaf.pem", "-days", "2", "-extfile", "leaf.ext",
        cwd=folder,
    )  # fmt: skip
    return folder


@pytest.fixture
def https_server(certificates: Path) -> Iterator[LocalServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificates / "leaf.pem", certificates / "leaf.key")
    with LocalServer(
        {"/a": Route(200, (("Content-Type", "text/plain"),), b"secure")}, tls=context
    ) as s:
        yield s


def fetcher(certificates: Path | None) -> Fetcher:
    trust = ssl.create_default_context(cafile=certificates / "ca.pem" if certificates else None)
    return Fetcher(
        loopback_settings(retries=2), HTTPTransport(trust), resolver=static_resolver(HOSTS)
    )


def test_https_to_the_checked_address_verifies_the_host_name(
    https_server: LocalServer, certificates: Path
) -> None:
    result = fetcher(certificates).fetch(f"https://news.example:{https_server.port}/a")
    assert result.data == b"secure" and result.url == f"https://news.example:{https_server.port}/a"
    assert https_server.requests[0].headers["host"] == f"news.example:{https_server.port}"


def test_a_certificate_for_another_host_is_refused_and_not_retried(
    https_server: LocalServer, certificates: Path
) -> None:
    url = f"https://other.example:{https_server.port}/a"
    with pytest.raises(FetchError) as error:
        fetcher(certificates).fetch(url)
    assert str(error.value).startswith(f"{url}: TLS certificate not accepted")
    assert https_server.connections == 1 and https_server.requests == []


def test_a_certificate_from_an_unknown_authority_is_refused(https_server: LocalServer) -> None:
    with pytest.raises(FetchError, match="TLS certificate not accepted"):
        fetcher(None).fetch(f"https://news.example:{https_server.port}/a")
    assert https_server.requests == []
