"""Bad input, through the HTTP API (a real server) and through the CLI: each with its expected answer.

Empty, blank, binary, NUL bytes, invalid UTF-8, over the size limit, the wrong extension or
content type, HTML with scripts, deep nesting, and path traversal in ids and upload names.
"""

from __future__ import annotations

import json
import socket
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from footnoted import cli
from tests.server import Server, start_server

LIMIT = 20_000
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x00\x00\x00\x00:~\x9bU"
UNDECODABLE = b"Caf\x81 \x8d\x8f\x90\x9d report.\n"  # invalid UTF-8, and bytes Windows-1252 leaves undefined
LATIN1 = b"Caf\xe9 report\n\nA claim about mines in the caf\xe9.\n"
SCRIPTED = (
    "<html><head><title>Scripted</title><script>alert('head')</script></head><body>"
    "<h1>Scripted report</h1><p>Landmine clearance near the <b>border</b>.<script>alert('body')</script></p>"
    "<img src=x onerror=\"alert('img')\"><p>The &lt;script&gt;alert('text')&lt;/script&gt; tag is text.</p>"
    "<noscript>enable scripts</noscript><style>p{color:red}</style></body></html>"
)
DEEP = "<div>" * 1500 + "<p>Deep text about mines.</p>" + "</div>" * 1500


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    home = tmp_path_factory.mktemp("bad-input-home")
    server: Server = start_server(home, home / "models", encoder="hash", max_upload_bytes=str(LIMIT))
    try:
        with httpx.Client(base_url=server.url, timeout=60) as client:
            yield client
    finally:
        server.stop()
    assert "Traceback" not in server.logs(), server.logs()[-3000:]


def _expect(response: httpx.Response, status: int, code: str | None) -> dict:  # type: ignore[type-arg]
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body: dict = response.json()  # type: ignore[type-arg]
    if code is not None:
        assert body["error"]["code"] == code, body
        assert body["error"]["message"]
    return body


@pytest.mark.parametrize(
    ("name", "data", "status", "code"),
    [
        ("empty.txt", b"", 400, "bad_document"),
        ("blank.txt", b" \n\n\t \n", 400, "bad_document"),
        ("image.txt", PNG * 20, 400, "bad_document"),
        ("nul.txt", b"A report\x00 with a NUL byte.\n", 400, "bad_document"),
        ("undecodable.txt", UNDECODABLE, 400, "bad_document"),
        ("huge.txt", b"word " * (LIMIT // 5 + 1), 413, "too_large"),
        ("report.pdf", b"%PDF-1.4\n", 400, "bad_document"),
        ("report.docx", b"PK\x03\x04 not a zip", 400, "bad_document"),
        ("report.doc", b"\xd0\xcf\x11\xe0 legacy Word", 415, "unsupported_media_type"),
        ("program.exe", b"MZ\x90\x00", 415, "unsupported_media_type"),
        ("no-extension", b"Plain words.\n", 415, "unsupported_media_type"),
        ("report.txt.exe", b"Plain words.\n", 415, "unsupported_media_type"),
        ("", b"Plain words.\n", 400, "bad_document"),  # no file name: a plain field, not a file
        ("only-markup.html", b"<html><script>x()</script><nav>menu</nav></html>", 400, "bad_document"),
    ],
)
def test_bad_uploads(api: httpx.Client, name: str, data: bytes, status: int, code: str) -> None:
    _expect(api.post("/v1/documents", files={"file": (name, data, "application/octet-stream")}), status, code)


@pytest.mark.parametrize(
    ("name", "data", "expected_id", "warning"),
    [
        ("latin1.txt", LATIN1, "latin1", "not valid UTF-8; decoded as cp1252"),
        ("../../evil name.txt", b"Evil report\n\nText body here.\n", "evil-name", None),
        ("..\\..\\windows.txt", b"Windows report\n\nText body here.\n", "windows", None),
        ("/etc/passwd.md", b"# Passwd\n\nNot the real one.\n", "passwd", None),
        ("REPORT.TXT", b"Upper report\n\nText body here.\n", "report", None),
        ("deep.html", DEEP.encode(), "deep", None),
        ("long-line.txt", b"word " * 3_500 + b"\n", "long-line", None),
    ],
)
def test_odd_but_readable_uploads(
    api: httpx.Client, name: str, data: bytes, expected_id: str, warning: str | None
) -> None:
    body = _expect(api.post("/v1/documents", files={"file": (name, data, "text/plain")}), 201, None)
    assert body["document"]["id"] == expected_id
    assert body["chunks"] >= 1
    if warning:
        assert warning in body["document"]["warnings"]
    assert api.delete(f"/v1/documents/{expected_id}").status_code == 200


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code"),
    [
        ("POST", "/v1/documents", {"text": "x " * LIMIT}, 413, "too_large"),
        ("POST", "/v1/documents", {"text": "A\u0000B report with a NUL."}, 400, "bad_document"),
        ("POST", "/v1/documents", {"text": "Fine text.", "id": "../../etc"}, 422, "invalid_request"),
        ("POST", "/v1/documents", {"text": "Fine text.", "id": "a" * 129}, 422, "invalid_request"),
        ("POST", "/v1/documents", {"text": "Fine text.", "id": "café"}, 422, "invalid_request"),
        ("POST", "/v1/documents", {"text": "Fine text.", "format": "pdf"}, 422, "invalid_request"),
        ("GET", "/v1/documents/..%2F..%2Fetc%2Fpasswd", None, 404, "not_found"),
        ("GET", "/v1/documents/%2e%2e", None, 422, "invalid_request"),
        ("GET", "/v1/documents/.hidden", None, 422, "invalid_request"),
        ("GET", "/v1/documents/a%00b/source", None, 422, "invalid_request"),
        ("DELETE", "/v1/documents/%2e%2e", None, 422, "invalid_request"),
        ("DELETE", "/v1/documents/..%2F..%2Fetc", None, 404, "not_found"),
    ],
)
def test_bad_requests(api: httpx.Client, method: str, path: str, body: object, status: int, code: str) -> None:
    _expect(api.request(method, path, json=body), status, code)


def test_bad_bodies_and_content_types(api: httpx.Client) -> None:
    _expect(
        api.post("/v1/documents", content=b"Plain text.", headers={"content-type": "text/plain"}),
        415,
        "unsupported_media_type",
    )
    _expect(
        api.post("/v1/documents", content=b'{"text": "caf\xe9"}', headers={"content-type": "application/json"}),
        422,
        "invalid_request",
    )
    # An id a multipart form gives breaks the rule the JSON body's field does: the same 422.
    form = {"id": "../escape"}
    upload = {"file": ("ok.txt", b"Fine text.\n", "text/plain")}
    _expect(api.post("/v1/documents", data=form, files=upload), 422, "invalid_request")
    # A stated length over the limit is refused before the body is read.
    host, port = str(api.base_url.host), int(api.base_url.port or 80)
    with socket.create_connection((host, port), timeout=30) as raw:
        raw.sendall(
            b"POST /v1/documents HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Content-Length: 999999999\r\n\r\n{}"
        )
        answer = b""
        while b"}}" not in answer and (part := raw.recv(65536)):
            answer += part
    assert answer.startswith(b"HTTP/1.1 413 "), answer
    assert json.loads(answer.split(b"\r\n\r\n", 1)[1])["error"]["code"] == "too_large"

    # A body streamed without a length is cut off at the limit.
    def stream() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(LIMIT // 1000 + 80):
            yield b"x" * 1000
        yield b'"}'

    _expect(api.post("/v1/documents", content=stream(), headers={"content-type": "application/json"}), 413, "too_large")
    assert api.get("/healthz").status_code == 200


def test_html_scripts_are_dropped_and_text_is_returned_as_json_data(api: httpx.Client) -> None:
    created = _expect(api.post("/v1/documents", json={"id": "scripted", "text": SCRIPTED, "format": "html"}), 201, None)
    assert created["document"]["title"] == "Scripted report"
    source = _expect(api.get("/v1/documents/scripted/source"), 200, None)
    text = source["text"]
    for executable in ("alert('head')", "alert('body')", "alert('img')", "onerror", "color:red", "enable scripts"):
        assert executable not in text
    # Markup written as text in the page stays text: data for the client, never markup to run.
    assert "The <script>alert('text')</script> tag is text." in text
    found = api.post("/v1/search", json={"query": "landmine clearance border", "k": 3, "documents": ["scripted"]})
    results = _expect(found, 200, None)["results"]
    assert results
    assert "Landmine clearance near the border." in results[0]["text"]
    assert api.delete("/v1/documents/scripted").status_code == 200


def test_the_page_is_served_with_a_content_security_policy(api: httpx.Client) -> None:
    page = api.get("/")
    assert page.status_code == 200
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "'unsafe-inline'" not in policy
    assert "object-src 'none'" in policy
    assert page.headers["x-content-type-options"] == "nosniff"
    assert "<script>" not in page.text.replace('<script src="/static/app.js"', "")


# -- the CLI ---------------------------------------------------------------------------------------


def _cli(args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, str]:
    """``footnoted ARGS`` through its entry point, in this process: (exit code, stdout + stderr)."""
    monkeypatch.setattr(sys, "argv", ["footnoted", *args])
    capsys.readouterr()
    try:
        cli.main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out = capsys.readouterr()
    return code, out.out + out.err


@pytest.fixture
def cli_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in ("FOOTNOTED_INDEX", "FOOTNOTED_MODEL_PATH"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("FOOTNOTED_ENCODER", "hash")
    monkeypatch.setenv("FOOTNOTED_HOME", str(tmp_path / "home"))
    return tmp_path


def _sparse(path: Path, size: int) -> Path:
    with path.open("wb") as fh:
        fh.truncate(size)
    return path


@pytest.mark.parametrize(
    ("name", "data", "code", "message"),
    [
        ("empty.txt", b"", 3, "the file is empty"),
        ("blank.txt", b" \n\n\t \n", 3, "the file is empty"),
        ("image.txt", PNG * 20, 3, "looks like binary data"),
        ("nul.txt", b"A report\x00 with a NUL byte.\n", 3, "looks like binary data"),
        ("undecodable.txt", UNDECODABLE, 3, "not valid UTF-8 (byte 3) and not Windows-1252 either"),
        ("huge.txt", None, 3, "over the limit of 20,971,520 bytes"),
        ("report.pdf", b"%PDF-1.4\n", 3, "cannot read the PDF"),
        ("report.docx", b"PK\x03\x04 not a zip", 3, "cannot read the .docx"),
        ("report.odt", b"PK\x03\x04", 3, "cannot read the .odt"),
        ("report.pages", b"PK\x03\x04 a Pages file", 3, "unsupported file type '.pages'"),
        ("no-extension", b"Plain words.\n", 3, "unsupported file type '(none)'"),
        ("missing.txt", "missing", 3, "cannot read the file"),
        ("folder.txt", "directory", 3, "no file footnoted reads in this folder"),
        ("latin1.txt", LATIN1, 0, "warning: not valid UTF-8; decoded as cp1252"),
        ("deep.html", DEEP.encode(), 0, "deep  (0 footnotes)"),
    ],
)
def test_cli_ingest(
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    name: str,
    data: bytes | str | None,
    code: int,
    message: str,
) -> None:
    path = cli_env / name
    if data is None:
        _sparse(path, 20 * 1024 * 1024 + 1)
    elif data == "directory":
        path.mkdir()
    elif isinstance(data, bytes):
        path.write_bytes(data)
    exit_code, output = _cli(["ingest", str(path), "--index", str(cli_env / "ix")], capsys, monkeypatch)
    assert exit_code == code, output
    assert message in output
    if code:
        assert output.startswith("footnoted: ")
        assert "Traceback" not in output


def test_cli_html_with_scripts(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (cli_env / "scripted.html").write_text(SCRIPTED)
    index = str(cli_env / "ix")
    assert _cli(["ingest", str(cli_env / "scripted.html"), "--index", index], capsys, monkeypatch)[0] == 0
    code, output = _cli(["search", "landmine clearance border", "--index", index, "--json"], capsys, monkeypatch)
    assert code == 0, output
    results = json.loads(output)["results"]
    assert "Landmine clearance near the border." in results[0]["text"]
    assert "alert('body')" not in output
    assert "onerror" not in output


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["remove", "../../etc/passwd"], 4, "no document '../../etc/passwd'"),
        (["search", "   "], 7, "the question is empty"),
        (["search", "mines", "-k", "0"], 2, "-k: must be between 1 and"),
        (["search", "mines", "--mode", "magic"], 2, "--mode must be dense, lexical or hybrid"),
    ],
)
def test_cli_bad_arguments(
    cli_env: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    code: int,
    message: str,
) -> None:
    (cli_env / "a.txt").write_text("A report\n\nAbout mines.\n")
    index = str(cli_env / "ix")
    assert _cli(["ingest", str(cli_env / "a.txt"), "--index", index], capsys, monkeypatch)[0] == 0
    exit_code, output = _cli([*args, "--index", index], capsys, monkeypatch)
    assert exit_code == code, output
    assert message in output


@pytest.mark.parametrize("doc_id", ["../../etc", "a b", ".hidden"])
def test_cli_refuses_ids_the_api_could_not_address(
    cli_env: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, doc_id: str
) -> None:
    (cli_env / "a.txt").write_text("A report\n\nAbout mines.\n")
    code, output = _cli(
        ["ingest", str(cli_env / "a.txt"), "--id", doc_id, "--index", str(cli_env / "ix")], capsys, monkeypatch
    )
    assert code == 2, output
    assert "invalid document id" in output


@pytest.mark.parametrize("name", ["_private.txt", "__init__.md"])
def test_an_uploaded_document_can_be_addressed_by_its_id(api: httpx.Client, name: str) -> None:
    created = _expect(
        api.post("/v1/documents", files={"file": (name, b"A report\n\nAbout mines.\n", "text/plain")}), 201, None
    )
    doc_id = created["document"]["id"]
    fetched = api.get(f"/v1/documents/{doc_id}")
    removed = api.delete(f"/v1/documents/{doc_id}")
    assert (fetched.status_code, removed.status_code) == (200, 200), (doc_id, fetched.text)
