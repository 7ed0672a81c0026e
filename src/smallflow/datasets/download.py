"""Put a file into a directory safely: written to a temp file, verified, then renamed.

The file comes from a local copy (the bundled MNIST files) or, on request only, from a
list of HTTPS mirrors with a timeout, retries and a progress bar.
"""

import contextlib
import ipaddress
import logging
import os
import re
import secrets
import shutil
import time
import urllib.parse

from smallflow._version import SMALLFLOW_VERSION

# TensorFlow 1.x's default; smallflow reads its bundled copy unless asked to download.
DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
# Mirrors that serve the four MNIST files under their usual names, tried in this order.
MNIST_MIRRORS = (
    DEFAULT_SOURCE_URL,
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
)
# Base URL(s) to download missing MNIST files from, separated by spaces or commas.
SOURCE_URL_ENV = "SMALLFLOW_MNIST_SOURCE_URL"

DEFAULT_TIMEOUT = 30.0  # seconds without progress before a connection is abandoned
DEFAULT_RETRIES = 3  # attempts per mirror for transient failures
DEFAULT_BACKOFF = 1.0  # seconds before the second attempt, doubling after that

_log = logging.getLogger(__name__)


class DownloadError(OSError):
    """No mirror delivered a good copy of a file; the message lists every attempt."""


class ChecksumError(ValueError):
    """A file's content is not the expected one (size or SHA-256 differ)."""


class _Transient(Exception):
    """A failure worth retrying on the same mirror (timeout, reset, server error)."""


class _Refused(Exception):
    """A failure that another attempt at the same mirror would repeat (404, 403, ...)."""


def source_urls(source_url):
    """The base URLs to download MNIST from, or None to use the bundled copy.

    A ``source_url`` other than TensorFlow's default (a string, or a list of strings) is
    an explicit request to download.  Otherwise the environment variable
    ``SMALLFLOW_MNIST_SOURCE_URL``, if set, names the mirrors; if it is not set, None.
    """
    if not source_url:
        source_url = DEFAULT_SOURCE_URL
    if isinstance(source_url, str):
        if source_url != DEFAULT_SOURCE_URL:
            return _split_urls(source_url)
        configured = os.environ.get(SOURCE_URL_ENV, "")
        urls = _split_urls(configured)
        return urls or None
    urls = [url for entry in source_url for url in _split_urls(entry)]
    if not urls:
        raise ValueError(f"source_url {source_url!r} names no URL")
    return urls


def write_verified(path, write, verify):
    """Create ``path`` atomically: ``write(file)`` fills a temp file beside it, then
    ``verify(temp_path)`` checks it (raising if bad) and the temp file is renamed to
    ``path``.  Returns what ``verify`` returned.  On any failure, or an interrupt, the
    temp file is removed and ``path`` is left as it was.
    """
    temp, file = open_temp_beside(path)
    try:
        with file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        result = verify(temp)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.remove(temp)
        raise
    return result


def open_temp_beside(path):
    """Create and open a new hidden file ``.<name>.<random>.part`` in ``path``'s folder.

    The file gets the usual permissions (0666 less the umask), as ``path`` would.
    """
    directory, base = os.path.split(os.path.abspath(path))
    while True:
        temp = os.path.join(directory, f".{base}.{secrets.token_hex(6)}.part")
        try:
            return temp, open(temp, "xb")  # noqa: SIM115 - the caller closes it
        except FileExistsError:
            continue


def copy_verified(source, path, verify):
    """Copy the file ``source`` to ``path`` through :func:`write_verified`."""

    def write(file):
        with open(source, "rb") as original:
            shutil.copyfileobj(original, file, 1 << 20)

    return write_verified(path, write, verify)


def download(
    filename,
    directory,
    base_urls,
    verify,
    *,
    timeout=None,
    retries=None,
    backoff=None,
    progress=True,
):
    """Download ``filename`` from the first of ``base_urls`` that serves a good copy.

    Each mirror is tried up to ``retries`` times for transient failures (timeouts,
    dropped connections, 5xx answers), waiting ``backoff`` seconds (doubling) between
    attempts; a refusal (e.g. 404) or a file that fails ``verify(temp_path, description)``
    (by raising ValueError) moves on to the next mirror.  Besides HTTPS, only plain-HTTP
    URLs to this machine are allowed.  Returns what ``verify`` returned for the file now at
    ``directory/filename``; raises
    :class:`DownloadError` listing every failure if no mirror succeeded.
    """
    timeout = DEFAULT_TIMEOUT if timeout is None else timeout
    retries = DEFAULT_RETRIES if retries is None else retries
    backoff = DEFAULT_BACKOFF if backoff is None else backoff
    urls = [_join(base, filename) for base in base_urls]
    for url in urls:
        _check_scheme(url)
    path = os.path.join(directory, filename)
    failures = []
    for url in urls:
        for attempt in range(1, max(1, retries) + 1):
            _log.info("Downloading %s from %s", filename, url)

            def write(file, url=url):
                _fetch(url, file, timeout, progress, filename)

            def checked(temp, url=url):
                return verify(temp, f"{filename} downloaded from {url}")

            try:
                return write_verified(path, write, checked)
            except _Transient as error:
                failures.append(f"{url} (attempt {attempt}): {error}")
                if attempt < retries:
                    time.sleep(backoff * 2 ** (attempt - 1))
            except (_Refused, ValueError) as error:
                failures.append(f"{url}: {error}")
                break
    tried = "\n  ".join(failures)
    raise DownloadError(
        f"Could not download {filename} into {directory}. Tried:\n  {tried}\n"
        f"Check the URL(s), or leave source_url at its default and unset {SOURCE_URL_ENV} "
        "to use the copy of MNIST bundled with smallflow."
    )


def _split_urls(text):
    return [url for url in re.split(r"[\s,]+", text.strip()) if url]


def _join(base, filename):
    return base + filename if base.endswith("/") else f"{base}/{filename}"


def _check_scheme(url):
    parts = urllib.parse.urlsplit(url)
    if parts.scheme == "https":
        return
    if parts.scheme == "http" and _is_loopback(parts.hostname):
        return
    raise ValueError(
        f"Refusing to download from {url!r}: use an https:// URL "
        "(plain http is allowed only to this machine, for local mirrors)"
    )


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host or "").is_loopback
    except ValueError:
        return False


def _fetch(url, file, timeout, progress, label):
    """Stream ``url`` into ``file``; raise _Transient or _Refused for network failures."""
    import http.client  # the network modules load only when a download happens
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, headers={"User-Agent": f"smallflow/{SMALLFLOW_VERSION}"})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as error:
        reason = f"HTTP {error.code} {error.reason}"
        error.close()
        if error.code in (408, 429) or error.code >= 500:
            raise _Transient(reason) from None
        raise _Refused(reason) from None
    except (OSError, http.client.HTTPException) as error:
        raise _Transient(_describe(error)) from None
    with response:
        length = response.headers.get("Content-Length")
        expected = int(length) if length and length.isdigit() else None
        bar = _progress_bar(expected, label) if progress else None
        received = 0
        try:
            while True:
                try:
                    chunk = response.read(1 << 16)
                except (OSError, http.client.HTTPException) as error:
                    raise _Transient(f"{_describe(error)} after {received} bytes") from None
                if not chunk:
                    break
                file.write(chunk)
                received += len(chunk)
                if bar is not None:
                    bar.update(len(chunk))
        finally:
            if bar is not None:
                bar.close()
    if expected is not None and received != expected:
        raise _Transient(f"connection closed after {received} of {expected} bytes")


def _describe(error):
    reason = getattr(error, "reason", None)  # a URLError wraps the socket's error
    if isinstance(reason, BaseException):
        error = reason
    if isinstance(error, TimeoutError):
        return "timed out"
    return f"{type(error).__name__}: {error}"


def _progress_bar(total, label):
    from tqdm import tqdm  # imported here: only a download needs it

    # disable=None turns the bar off when stderr is not a terminal (logs, CI, tests).
    return tqdm(total=total, unit="B", unit_scale=True, desc=label, leave=False, disable=None)
