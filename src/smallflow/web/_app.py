"""The Starlette application: the draw-a-digit page, its static files and the JSON API.

Every answer to a bad request is JSON ``{"error": ..., "status": ...}`` with a 4xx code;
an unexpected failure is logged on the server and answered 500 without a traceback.
"""

import asyncio
import io
import json
import logging
import math
import mimetypes
import os
import pathlib
import tempfile

import numpy as np
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from smallflow import imaging
from smallflow.web import _store

# Largest request body accepted: a drawn PNG is a few kB, a phone photo a few hundred.
MAX_BODY = 1024 * 1024
# Largest picture decoded, in pixels (a PNG of 1 MiB can declare far more than it is worth
# decoding: zeros compress a thousandfold).
MAX_PIXELS = 4096 * 4096
# Seconds a client may take to send its request body; a slower one gets 408.
BODY_TIMEOUT = 10.0

STATIC = pathlib.Path(__file__).resolve().parent / "static"

# The page loads nothing from anywhere but this server (scripts, styles, images).
# 'wasm-unsafe-eval' lets onnxruntime-web compile its WebAssembly, when it is served.
_CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; "
    "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
)
_HEADERS = {
    "Content-Security-Policy": _CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}

_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/bmp", "image/webp")
_ACCEPTED = "image/png (or another image type: " + ", ".join(_IMAGE_TYPES[1:]) + ")"

_log = logging.getLogger("smallflow.web")

# onnxruntime-web's module and WebAssembly need their exact types (browsers refuse a module
# script served as text/plain); not every Python knows them.
mimetypes.add_type("text/javascript", ".mjs")
mimetypes.add_type("application/wasm", ".wasm")
# onnxruntime-web, when tools/fetch-onnxruntime-web has put it beside the page.
BROWSER_RUNTIME = STATIC / "ort" / "ort.wasm.min.js"


class Problem(Exception):
    """A bad request: answered with ``status`` and ``{"error": message}``."""

    def __init__(self, status, message):
        super().__init__(message)
        self.status = status
        self.message = message


def create_app(source, max_body=MAX_BODY, body_timeout=BODY_TIMEOUT, warm_up=True):
    """The ASGI app serving the models of ``source`` (a saved model or a folder of them).

    ``source`` may also be a ``ModelStore``. ``max_body`` (bytes) and ``body_timeout``
    (seconds) bound what one request may cost.
    """
    store = source if isinstance(source, _store.ModelStore) else _store.ModelStore(source)
    if warm_up:
        store.warm_up()

    async def index(request):
        return FileResponse(STATIC / "index.html", headers=_HEADERS)

    async def list_models(request):
        return _json(
            {
                "models": [model.describe() for model in store],
                "default": store.default.id,
                "onnx": _onnx_available(),
                "browser_runtime": BROWSER_RUNTIME.exists() and _onnx_available(),
                "max_body": max_body,
            }
        )

    async def predict(request):
        model = _model(store, request.query_params.get("model"))
        explain = request.query_params.get("explain", "auto")
        body = await _read_body(request, max_body, body_timeout)
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind == "application/json":
            payload = _parse_json(body)
            return _json(await run_in_threadpool(_answer_pixels, model, payload, explain))
        if kind in _IMAGE_TYPES:
            return _json(await run_in_threadpool(_answer_image, model, body, kind, explain))
        shown = kind or "none"
        raise Problem(
            415,
            f"unsupported Content-Type {shown!r}; send {_ACCEPTED}, "
            "or application/json with a list of 784 numbers in [0, 1]",
        )

    async def onnx_file(request):
        model = _model(store, request.path_params["model_id"])
        try:
            data = await run_in_threadpool(model.onnx_bytes)
        except ImportError as error:
            raise Problem(404, str(error)) from None
        filename = f"{model.id}.onnx"
        headers = {"Content-Disposition": f'attachment; filename="{filename}"', **_HEADERS}
        return Response(data, media_type="application/octet-stream", headers=headers)

    routes = [
        Route("/", index),
        Route("/api/models", list_models),
        Route("/api/predict", predict, methods=["POST"]),
        Route("/api/models/{model_id}/onnx", onnx_file),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    handlers = {
        Problem: _problem_response,
        HTTPException: _http_error,
        ClientDisconnect: _gone,
        Exception: _internal_error,
    }
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.state.store = store
    return app


def _json(record, status=200):
    return JSONResponse(record, status_code=status, headers=_HEADERS)


async def _problem_response(request, error):
    return _json({"error": error.message, "status": error.status}, error.status)


async def _http_error(request, error):
    messages = {404: f"no such page: {request.url.path}", 405: "method not allowed here"}
    message = messages.get(error.status_code, str(error.detail))
    return _json({"error": message, "status": error.status_code}, error.status_code)


async def _gone(request, error):
    return Response(status_code=400)  # the client left; nobody reads this


async def _internal_error(request, error):
    _log.exception("error while answering %s %s", request.method, request.url.path)
    return _json(
        {"error": "internal server error (details are in the server log)", "status": 500}, 500
    )


def _onnx_available():
    try:
        import onnx  # noqa: F401
    except ImportError:
        return False
    return True


def _model(store, model_id):
    try:
        return store.get(model_id)
    except _store.ModelNotFound as error:
        raise Problem(404, str(error)) from None


async def _read_body(request, limit, timeout):
    """The request body, at most ``limit`` bytes, within ``timeout`` seconds."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise Problem(400, f"Content-Length {declared!r} is not a number of bytes")
        if int(declared) > limit:
            raise Problem(
                413, f"the body of {int(declared):,} bytes is over the limit of {limit:,} bytes"
            )
    chunks = []
    size = 0

    async def collect():
        nonlocal size
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise Problem(413, f"the body is over the limit of {limit:,} bytes")
            chunks.append(chunk)

    try:
        await asyncio.wait_for(collect(), timeout)
    except TimeoutError:
        raise Problem(408, f"the request body did not arrive within {timeout:g} s") from None
    return b"".join(chunks)


def _parse_json(body):
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise Problem(400, f"the body is not valid JSON ({error})") from None


def _pixels_from(payload):
    """784 floats in [0, 1] from a list (flat or 28 rows of 28) or {"pixels": list}."""
    if isinstance(payload, dict):
        if "pixels" not in payload:
            raise Problem(400, 'expected a list of 784 numbers or {"pixels": [...784 numbers]}')
        payload = payload["pixels"]
    if not isinstance(payload, list):
        raise Problem(400, f"expected a list of 784 numbers, got {type(payload).__name__}")
    if len(payload) == 28 and all(isinstance(row, list) for row in payload):
        payload = [value for row in payload for value in row]
    if len(payload) != 784:
        raise Problem(400, f"expected 784 numbers (28x28, row by row), got {len(payload)}")
    try:
        pixels = np.array(payload)
    except (TypeError, ValueError):
        pixels = None
    if pixels is None or pixels.shape != (784,) or pixels.dtype.kind not in "iuf":
        raise Problem(400, "every pixel must be a number")
    pixels = pixels.astype(np.float64)
    if not np.isfinite(pixels).all():
        raise Problem(400, "pixels must be finite numbers")
    if pixels.min() < 0.0 or pixels.max() > 1.0:
        raise Problem(
            400,
            f"pixels must lie in [0, 1] (ink 1, background 0), got "
            f"{pixels.min():g}..{pixels.max():g}",
        )
    return pixels.astype(np.float32)


def _answer_pixels(model, payload, explain):
    pixels, prepare_ms = _store.timed(_pixels_from, payload)
    return _answer(model, pixels, prepare_ms, explain)


def _answer_image(model, body, kind, explain):
    pixels, prepare_ms = _store.timed(_prepare_image, body, kind)
    return _answer(model, pixels, prepare_ms, explain)


def _prepare_image(body, kind):
    """Prepare a picture exactly as ``smallflow predict`` does (imaging.load_digit)."""
    if not body:
        raise Problem(400, f"the body is empty; send the picture as {kind}")
    _check_picture_size(body)
    suffix = "." + kind.split("/")[1]
    handle, path = tempfile.mkstemp(prefix="smallflow-serve-", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(body)
        return _store.prepare_file(path)
    except imaging.ImageError as error:
        raise Problem(400, f"the picture cannot be used: {error.problem}") from None
    finally:
        os.remove(path)


def _check_picture_size(body):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(body)) as picture:
            width, height = picture.size
    except UnidentifiedImageError:
        raise Problem(400, "the body is not an image (format not recognised)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise Problem(400, f"the image cannot be read: corrupt or truncated ({error})") from None
    if width * height > MAX_PIXELS:
        raise Problem(
            413,
            f"the image is {width}x{height} pixels; at most "
            f"{MAX_PIXELS // 1_000_000} megapixels are read",
        )


def _explain_digit(explain, prediction):
    if explain == "auto":
        return prediction
    if explain == "none":
        return None
    if explain.isdigit() and int(explain) < 10:
        return int(explain)
    raise Problem(400, f"explain must be auto, none or a digit 0-9, got {explain!r}")


def _answer(model, pixels, prepare_ms, explain):
    probabilities, predict_ms = _store.timed(model.predict, pixels[None, :])
    probabilities = probabilities[0]
    prediction = int(np.argmax(probabilities))
    digit = _explain_digit(explain, prediction)
    record = {
        "model": model.id,
        "prediction": prediction,
        "probabilities": [float(p) for p in probabilities],
        "pixels": np.round(pixels.astype(np.float64), 4).tolist(),
    }
    explain_ms = 0.0
    if digit is not None:
        explanation, explain_ms = _store.timed(model.explain, pixels, digit)
        record["explanation"] = _rounded(explanation)
    record["timing_ms"] = {
        "prepare": round(prepare_ms, 3),
        "predict": round(predict_ms, 3),
        "explain": round(explain_ms, 3),
        "total": round(prepare_ms + predict_ms + explain_ms, 3),
    }
    return record


def _rounded(explanation):
    out = {}
    for key, value in explanation.items():
        out[key] = _significant(value) if isinstance(value, np.ndarray) else value
    return out


def _significant(values, digits=6):
    """A list of ``values`` rounded to ``digits`` significant digits of the largest one:
    plenty for a picture, a third of the JSON, and done in NumPy rather than per number."""
    values = np.nan_to_num(values.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    largest = float(np.abs(values).max()) if values.size else 0.0
    if largest == 0.0:
        return values.tolist()
    decimals = digits - 1 - math.floor(math.log10(largest))
    return np.round(values, decimals).tolist()
