"""Specification of downloads on request, against a local HTTP server on 127.0.0.1 only."""

import contextlib
import gzip
import http.server
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from smallflow.datasets import download, mnist
from smallflow.datasets.download import (
    DEFAULT_SOURCE_URL,
    SOURCE_URL_ENV,
    DownloadError,
    source_urls,
)
from smallflow.datasets.idx import write_idx
from smallflow.datasets.mnist import read_data_sets

NAME = mnist.TEST_LABELS  # the smallest MNIST file: 4.5 kB compressed


def bundled_bytes(name):
    with mnist._bundled_copy(name) as path:
        return path.read_bytes()


def wrong_labels():
    """A well-formed IDX label file of the right size that is not MNIST's."""
    import io

    buffer = io.BytesIO()
    write_idx(buffer, np.zeros(10000, np.uint8))
    return gzip.compress(buffer.getvalue())


class Handler(http.server.BaseHTTPRequestHandler):
    """Serves /<behaviour>/<file name>; see ``respond`` for the behaviours."""

    def log_message(self, *args):
        pass  # keep the test output clean

    def do_GET(self):
        _, behaviour, name = self.path.split("/", 2)
        with self.server.lock:
            self.server.hits[self.path] = self.server.hits.get(self.path, 0) + 1
            hits = self.server.hits[self.path]
        with contextlib.suppress(OSError):  # the client gave up (timeout tests)
            self.respond(behaviour, name, hits)

    def respond(self, behaviour, name, hits):
        if name not in mnist.MNIST_CHECKSUMS or behaviour == "missing":
            self.send_error(404)
        elif behaviour == "good":
            self.send_body(bundled_bytes(name))
        elif behaviour == "flaky" and hits == 1:
            self.send_error(503)
        elif behaviour == "flaky":
            self.send_body(bundled_bytes(name))
        elif behaviour == "truncated":
            body = bundled_bytes(name)
            self.send_body(body[: len(body) // 2], length=len(body))
        elif behaviour == "unsized-truncated":
            body = bundled_bytes(name)
            self.send_body(body[: len(body) // 2], length=None)
        elif behaviour == "wrong":
            self.send_body(wrong_labels())
        elif behaviour == "html":
            self.send_body(b"<!DOCTYPE html><html><body>Access denied</body></html>")
        elif behaviour == "slow":
            time.sleep(1.0)
            self.send_body(bundled_bytes(name))
        else:
            self.send_error(400)

    def send_body(self, body, length=-1):
        self.send_response(200)
        if length is not None:
            self.send_header("Content-Length", str(len(body) if length == -1 else length))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def server():
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.hits = {}
    httpd.lock = threading.Lock()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join()


@pytest.fixture
def base(server):
    server.hits.clear()
    return f"http://127.0.0.1:{server.server_address[1]}"


@pytest.fixture(autouse=True)
def _no_inherited_source(monkeypatch):
    monkeypatch.delenv(SOURCE_URL_ENV, raising=False)


def verify_mnist(name):
    return lambda temp, origin: mnist._verify(temp, name, origin)


def fetch(directory, urls, name=NAME, **options):
    options = {"retries": 2, "backoff": 0, "timeout": 5, **options}
    return download.download(name, str(directory), urls, verify_mnist(name), **options)


def test_a_good_mirror_delivers_a_verified_file(tmp_path, base):
    labels = fetch(tmp_path, [f"{base}/good/"])
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert os.listdir(tmp_path) == [NAME]
    assert (tmp_path / NAME).read_bytes() == bundled_bytes(NAME)


def test_a_base_url_without_trailing_slash_is_joined(tmp_path, base, server):
    fetch(tmp_path, [f"{base}/good"])
    assert server.hits == {f"/good/{NAME}": 1}


@pytest.mark.parametrize(
    ("behaviour", "hits", "reason"),
    [
        ("missing", 1, "HTTP 404"),  # a refusal is not retried
        ("truncated", 2, "connection closed after 2258 of 4517 bytes"),  # retried
        ("unsized-truncated", 1, "is truncated"),
        ("wrong", 1, "SHA-256"),
        ("html", 1, "neither an IDX file"),
    ],
)
def test_a_bad_mirror_leaves_nothing_and_is_reported(
    tmp_path, base, server, behaviour, hits, reason
):
    with pytest.raises(DownloadError) as caught:
        fetch(tmp_path, [f"{base}/{behaviour}/"])
    message = str(caught.value)
    assert f"{base}/{behaviour}/{NAME}" in message
    assert reason in message
    assert f"Could not download {NAME} into {tmp_path}" in message
    assert server.hits == {f"/{behaviour}/{NAME}": hits}
    assert os.listdir(tmp_path) == []


def test_the_next_mirror_is_tried_after_a_bad_one(tmp_path, base, server):
    fetch(tmp_path, [f"{base}/wrong/", f"{base}/truncated/", f"{base}/good/"])
    assert server.hits == {f"/wrong/{NAME}": 1, f"/truncated/{NAME}": 2, f"/good/{NAME}": 1}
    assert (tmp_path / NAME).read_bytes() == bundled_bytes(NAME)


def test_a_server_error_is_retried_on_the_same_mirror(tmp_path, base, server):
    fetch(tmp_path, [f"{base}/flaky/"])
    assert server.hits == {f"/flaky/{NAME}": 2}
    assert os.listdir(tmp_path) == [NAME]


def test_a_stalled_server_times_out(tmp_path, base):
    with pytest.raises(DownloadError, match="timed out"):
        fetch(tmp_path, [f"{base}/slow/"], timeout=0.2, retries=1)
    assert os.listdir(tmp_path) == []


def test_retries_wait_with_doubling_backoff(tmp_path, base, monkeypatch):
    waits = []
    monkeypatch.setattr(download.time, "sleep", waits.append)
    with pytest.raises(DownloadError):
        fetch(tmp_path, [f"{base}/truncated/"], retries=3, backoff=0.5)
    assert waits == [0.5, 1.0]


def test_every_failure_is_listed_when_all_mirrors_fail(tmp_path, base):
    with pytest.raises(DownloadError) as caught:
        fetch(tmp_path, [f"{base}/missing/", f"{base}/wrong/"])
    message = str(caught.value)
    assert message.index("/missing/") < message.index("/wrong/")
    assert SOURCE_URL_ENV in message  # the remedy: the bundled copy


def test_an_interrupted_download_leaves_no_partial_file(tmp_path, base, monkeypatch):
    class Exploding:
        def update(self, count):
            raise KeyboardInterrupt

        def close(self):
            pass

    monkeypatch.setattr(download, "_progress_bar", lambda total, label: Exploding())
    with pytest.raises(KeyboardInterrupt):
        fetch(tmp_path, [f"{base}/good/"])
    assert os.listdir(tmp_path) == []


def test_the_progress_bar_sees_the_size_and_every_byte(tmp_path, base, monkeypatch):
    seen = {}

    class Recording:
        def __init__(self, total, label):
            seen.update(total=total, label=label, bytes=0, closed=False)

        def update(self, count):
            seen["bytes"] += count

        def close(self):
            seen["closed"] = True

    monkeypatch.setattr(download, "_progress_bar", Recording)
    fetch(tmp_path, [f"{base}/good/"])
    size = len(bundled_bytes(NAME))
    assert seen == {"total": size, "label": NAME, "bytes": size, "closed": True}


def test_the_real_progress_bar_is_tqdm_and_quiet_off_a_terminal():
    bar = download._progress_bar(10, "x")
    try:
        assert type(bar).__module__.startswith("tqdm")
        assert bar.disable  # pytest captures stderr: not a terminal
    finally:
        bar.close()


def test_tqdm_and_the_network_modules_load_only_for_a_download():
    code = (
        "import sys\n"
        "from smallflow.examples.tutorials.mnist import input_data\n"
        "print(sorted(m for m in ('tqdm', 'urllib.request', 'http.client') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize(
    "url",
    ["http://example.com/mnist/", "ftp://127.0.0.1/mnist/", "file:///tmp/", "//x/"],
)
def test_only_https_or_loopback_http_is_allowed(tmp_path, url):
    with pytest.raises(ValueError, match="use an https:// URL"):
        fetch(tmp_path, [url])
    assert os.listdir(tmp_path) == []


@pytest.mark.parametrize("url", ["https://example.com/", "http://localhost:1/", "http://[::1]:1/"])
def test_https_and_loopback_urls_pass_the_scheme_check(url):
    download._check_scheme(url)


@pytest.mark.parametrize(
    ("source_url", "environment", "expected"),
    [
        (DEFAULT_SOURCE_URL, None, None),
        ("", None, None),
        (None, None, None),
        (DEFAULT_SOURCE_URL, "", None),
        (DEFAULT_SOURCE_URL, "https://a/ https://b/", ["https://a/", "https://b/"]),
        (DEFAULT_SOURCE_URL, " https://a/,https://b/ ", ["https://a/", "https://b/"]),
        (DEFAULT_SOURCE_URL, DEFAULT_SOURCE_URL, [DEFAULT_SOURCE_URL]),
        ("https://mine/", "https://env/", ["https://mine/"]),
        (download.MNIST_MIRRORS, None, list(download.MNIST_MIRRORS)),
    ],
)
def test_source_resolution(monkeypatch, source_url, environment, expected):
    if environment is not None:
        monkeypatch.setenv(SOURCE_URL_ENV, environment)
    assert source_urls(source_url) == expected


def test_a_list_of_blank_sources_is_an_error():
    with pytest.raises(ValueError, match="names no URL"):
        source_urls([" ", ""])


# --- through read_data_sets -------------------------------------------------------------------


def test_read_data_sets_downloads_every_missing_file_from_the_env_mirrors(
    tmp_path, base, server, monkeypatch
):
    monkeypatch.setenv(SOURCE_URL_ENV, f"{base}/missing/ {base}/good/")
    monkeypatch.setattr(download, "DEFAULT_BACKOFF", 0)
    target = tmp_path / "MNIST_data"
    sets = read_data_sets(str(target), validation_size=0)
    assert sorted(os.listdir(target)) == sorted([*mnist.MNIST_CHECKSUMS, mnist.CACHE_DIR])
    assert sets.test.labels[:3].tolist() == [7, 2, 1]
    assert sets.train.num_examples == 60000
    assert server.hits[f"/good/{mnist.TRAIN_IMAGES}"] == 1


def test_read_data_sets_with_only_bad_mirrors_fails_cleanly(tmp_path, base, monkeypatch):
    monkeypatch.setattr(download, "DEFAULT_BACKOFF", 0)
    target = tmp_path / "MNIST_data"
    with pytest.raises(DownloadError, match=f"Could not download {mnist.TRAIN_IMAGES}"):
        read_data_sets(str(target), source_url=f"{base}/html/")
    assert os.listdir(target) == []


def test_present_files_are_not_downloaded_again(tmp_path, base, server):
    target = tmp_path / "MNIST_data"
    read_data_sets(str(target), validation_size=0)  # filled from the bundle
    read_data_sets(str(target), validation_size=0, source_url=f"{base}/good/")
    assert server.hits == {}
