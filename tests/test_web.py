"""smallflow serve: the JSON API, its answers to bad requests, and the served page's files.

The server runs for real (uvicorn on a free port of 127.0.0.1); requests go over sockets.
"""

import http.client
import io
import json
import socket
import time

import numpy as np
import pytest

pytest.importorskip("starlette", reason="the web extra is not installed (smallflow[web])")
pytest.importorskip("uvicorn", reason="the web extra is not installed (smallflow[web])")
pytest.importorskip("PIL", reason="Pillow is not installed (smallflow[web])")

import trained_models  # noqa: E402
from PIL import Image, ImageDraw  # noqa: E402

import smallflow as tf  # noqa: E402
from smallflow import cli, imaging, models, web  # noqa: E402

# Seconds a client may take to send its body in these tests (the default is 10).
BODY_TIMEOUT = 1.0


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    """A folder with a short-trained softmax and mlp model, and one file that is not a model."""
    folder = trained_models.model_folder(tmp_path_factory, {"softmax": 300, "mlp": 30})
    (folder / "notes.npz").write_bytes(b"not a model")
    return folder


@pytest.fixture(scope="module")
def server(model_dir):
    app = web.create_app(model_dir, body_timeout=BODY_TIMEOUT)
    with web.BackgroundServer(app) as running:
        yield running


def _request(server, method, path, body=None, content_type=None, headers=None):
    """(status, decoded JSON or raw bytes, headers) of one request."""
    connection = http.client.HTTPConnection(server.host, server.port, timeout=30)
    sent = dict(headers or {})
    if content_type:
        sent["Content-Type"] = content_type
    connection.request(method, path, body=body, headers=sent)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    kind = response.getheader("Content-Type", "")
    value = json.loads(data) if kind.startswith("application/json") else data
    return response.status, value, response


def _png(draw, size=200):
    """A PNG of black strokes on white, drawn by ``draw(ImageDraw)``."""
    picture = Image.new("L", (size, size), 255)
    draw(ImageDraw.Draw(picture))
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


SEVEN = _png(lambda d: d.line([(40, 40), (160, 40), (90, 180)], fill=0, width=18))


def _loaded(model_dir, name):
    return models.load_model(model_dir / f"{name}.npz")


# -- the API -----------------------------------------------------------------------------------


def test_models_lists_every_saved_model_softmax_first(server):
    status, listing, _ = _request(server, "GET", "/api/models")
    assert status == 200
    assert [m["id"] for m in listing["models"]] == ["softmax", "mlp"]
    assert listing["default"] == "softmax"
    assert [m["explanation"] for m in listing["models"]] == ["evidence", "saliency"]
    assert listing["models"][0]["file"] == "softmax.npz"
    assert listing["max_body"] == 1024 * 1024


def test_a_png_is_prepared_exactly_as_smallflow_predict_prepares_it(server, model_dir, tmp_path):
    status, answer, _ = _request(server, "POST", "/api/predict?model=mlp", SEVEN, "image/png")
    assert status == 200
    path = tmp_path / "seven.png"
    path.write_bytes(SEVEN)
    expected_pixels = imaging.load_digit(path)
    np.testing.assert_allclose(answer["pixels"], expected_pixels, atol=5e-5)
    sess, graph, _ = _loaded(model_dir, "mlp")
    with sess:
        expected = models.predict_probabilities(sess, graph, expected_pixels[None, :])[0]
    np.testing.assert_allclose(answer["probabilities"], expected, rtol=1e-5, atol=1e-6)
    assert answer["prediction"] == int(np.argmax(expected))
    assert set(answer["timing_ms"]) == {"prepare", "predict", "explain", "total"}


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda p: p.tolist(), id="flat list"),
        pytest.param(lambda p: p.reshape(28, 28).tolist(), id="28 rows of 28"),
        pytest.param(lambda p: {"pixels": p.tolist()}, id="object with pixels"),
    ],
)
def test_784_numbers_are_fed_to_the_model_as_they_are(server, model_dir, shape):
    pixels = np.random.default_rng(0).random(784).astype(np.float32)
    body = json.dumps(shape(pixels))
    status, answer, _ = _request(server, "POST", "/api/predict", body, "application/json")
    assert status == 200
    assert answer["model"] == "softmax"
    sess, graph, _ = _loaded(model_dir, "softmax")
    with sess:
        expected = sess.run(graph.probabilities, {graph.images: pixels[None, :]})[0]
    np.testing.assert_allclose(answer["probabilities"], expected, rtol=1e-5, atol=1e-6)


def test_softmax_evidence_is_the_tutorials_w_times_x_and_total_w_x_plus_b(server, model_dir):
    pixels = np.random.default_rng(1).random(784).astype(np.float32)
    body = json.dumps(pixels.tolist())
    status, answer, _ = _request(server, "POST", "/api/predict?explain=3", body, "application/json")
    assert status == 200
    sess, graph, _ = _loaded(model_dir, "softmax")
    with sess:
        weights, biases = sess.run(graph.model_variables)
    explanation = answer["explanation"]
    assert explanation["kind"] == "evidence"
    assert explanation["digit"] == 3
    # Maps are sent with six significant digits of their largest value.
    expected_map = weights[:, 3] * pixels
    tolerance = 1e-5 * np.abs(expected_map).max()
    np.testing.assert_allclose(explanation["map"], expected_map, rtol=1e-5, atol=tolerance)
    totals = pixels @ weights + biases
    tolerance = 1e-5 * np.abs(totals).max()
    np.testing.assert_allclose(explanation["totals"], totals, rtol=1e-5, atol=tolerance)


def test_mlp_saliency_is_the_gradient_of_the_chosen_logit(server, model_dir):
    pixels = np.random.default_rng(2).random(784).astype(np.float32)
    body = json.dumps(pixels.tolist())
    path = "/api/predict?model=mlp&explain=5"
    status, answer, _ = _request(server, "POST", path, body, "application/json")
    assert status == 200
    gradient = np.asarray(answer["explanation"]["map"])
    assert answer["explanation"]["kind"] == "saliency"
    assert np.abs(gradient).max() > 0
    sess, graph, _ = _loaded(model_dir, "mlp")
    with sess:
        _check_gradient(sess, graph, pixels, 5, gradient)


def _check_gradient(sess, graph, pixels, digit, gradient):
    """Central differences of the digit's logit along the three most salient pixels (float32
    logits: a random direction through all 784 pixels crosses too many ReLU kinks)."""
    step = 1e-2
    for index in np.argsort(-np.abs(gradient))[:3]:
        shifted = np.stack([pixels, pixels])
        shifted[0, index] += step
        shifted[1, index] -= step
        logits = sess.run(graph.logits, {graph.images: shifted})
        numeric = (logits[0, digit] - logits[1, digit]) / (2 * step)
        assert gradient[index] == pytest.approx(numeric, rel=0.05, abs=1e-3)


def test_explain_none_leaves_the_explanation_out(server):
    body = json.dumps([0.0] * 784)
    status, answer, _ = _request(
        server, "POST", "/api/predict?explain=none", body, "application/json"
    )
    assert status == 200
    assert "explanation" not in answer


def test_the_onnx_file_of_a_model_can_be_downloaded(server):
    onnx = pytest.importorskip("onnx", reason="the onnx package is not installed")
    status, data, response = _request(server, "GET", "/api/models/softmax/onnx")
    assert status == 200
    assert "softmax.onnx" in response.getheader("Content-Disposition")
    model = onnx.load_model_from_string(data)
    onnx.checker.check_model(model)
    assert model.graph.output[0].name == "probabilities"


# -- bad requests ------------------------------------------------------------------------------

HUGE = _png(lambda d: None, size=5000)  # 25 megapixels that compress to a few kB
TRUNCATED = SEVEN[: len(SEVEN) // 2]

# what, method, path, body, content type, status, words the error must contain
BAD_REQUESTS = [
    ("non-JSON", "POST", "/api/predict", b"{nope", "application/json", 400, "not valid JSON"),
    ("wrong shape", "POST", "/api/predict", b"[0.5, 0.5]", "application/json", 400, "got 2"),
    (
        "not numbers",
        "POST",
        "/api/predict",
        json.dumps(["a"] * 784),
        "application/json",
        400,
        "number",
    ),
    (
        "NaN",
        "POST",
        "/api/predict",
        "[" + ",".join(["NaN"] * 784) + "]",
        "application/json",
        400,
        "finite",
    ),
    (
        "0..255 values",
        "POST",
        "/api/predict",
        json.dumps([255] * 784),
        "application/json",
        400,
        "[0, 1]",
    ),
    (
        "object without pixels",
        "POST",
        "/api/predict",
        b'{"x": 1}',
        "application/json",
        400,
        "pixels",
    ),
    ("non-image", "POST", "/api/predict", b"hello, world", "image/png", 400, "not an image"),
    ("truncated PNG", "POST", "/api/predict", TRUNCATED, "image/png", 400, "truncated"),
    ("empty body", "POST", "/api/predict", b"", "image/png", 400, "empty"),
    ("blank picture", "POST", "/api/predict", _png(lambda d: None), "image/png", 400, "empty"),
    (
        "oversized body",
        "POST",
        "/api/predict",
        b"\0" * (1024 * 1024 + 1),
        "image/png",
        413,
        "over the limit",
    ),
    ("too many pixels", "POST", "/api/predict", HUGE, "image/png", 413, "5000x5000"),
    ("text/plain", "POST", "/api/predict", b"7", "text/plain", 415, "Content-Type"),
    ("no content type", "POST", "/api/predict", b"7", None, 415, "Content-Type"),
    ("unknown model", "POST", "/api/predict?model=nine", SEVEN, "image/png", 404, "softmax"),
    ("bad explain", "POST", "/api/predict?explain=11", SEVEN, "image/png", 400, "explain"),
    ("GET predict", "GET", "/api/predict", None, None, 405, "method"),
    ("unknown page", "GET", "/nothing-here", None, None, 404, "/nothing-here"),
    ("unknown onnx", "GET", "/api/models/nine/onnx", None, None, 404, "nine"),
]


@pytest.mark.parametrize(
    ("what", "method", "path", "body", "kind", "status", "words"),
    BAD_REQUESTS,
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_bad_requests_get_a_json_error_and_no_traceback(
    server, what, method, path, body, kind, status, words
):
    got, answer, _ = _request(server, method, path, body, kind)
    assert got == status, (what, answer)
    assert isinstance(answer, dict), what
    assert answer["status"] == status
    assert words in answer["error"], (what, answer["error"])
    assert "Traceback" not in answer["error"]
    # ... and the server still answers the next client.
    assert _request(server, "GET", "/api/models")[0] == 200


def test_an_announced_oversized_body_is_refused_before_it_is_read(server):
    connection = socket.create_connection((server.host, server.port), timeout=10)
    with connection:
        connection.sendall(
            b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
            b"Content-Length: 50000000\r\n\r\n"
        )
        reply = connection.recv(4096)
    assert reply.startswith(b"HTTP/1.1 413")


def test_a_chunked_body_is_cut_off_at_the_limit(server):
    connection = socket.create_connection((server.host, server.port), timeout=10)
    chunk = b"\0" * 65536
    with connection:
        connection.sendall(
            b"POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
            b"Transfer-Encoding: chunked\r\n\r\n"
        )
        reply = b""
        try:
            for _ in range(40):  # 2.5 MiB, unless the server answers first
                connection.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        except OSError:
            pass  # the server answered and closed
        connection.settimeout(10)
        while b"over the limit" not in reply:
            data = connection.recv(4096)
            if not data:
                break
            reply += data
    assert reply.startswith(b"HTTP/1.1 413")
    assert _request(server, "GET", "/api/models")[0] == 200


def _raw_client(server, body_sent, declared):
    connection = socket.create_connection((server.host, server.port), timeout=10)
    head = (
        "POST /api/predict HTTP/1.1\r\nHost: x\r\nContent-Type: image/png\r\n"
        f"Content-Length: {declared}\r\n\r\n"
    ).encode()
    connection.sendall(head + body_sent)
    return connection


def test_a_client_that_hangs_up_mid_body_does_not_disturb_the_server(server):
    connection = _raw_client(server, SEVEN[:100], len(SEVEN))
    connection.close()
    status, answer, _ = _request(server, "POST", "/api/predict", SEVEN, "image/png")
    assert status == 200
    assert answer["prediction"] in range(10)


def test_a_slow_client_gets_408_while_others_are_served(server):
    slow = _raw_client(server, SEVEN[:100], len(SEVEN))
    try:
        started = time.perf_counter()
        for _ in range(3):
            status, _, _ = _request(server, "POST", "/api/predict", SEVEN, "image/png")
            assert status == 200
        assert time.perf_counter() - started < 30
        slow.settimeout(BODY_TIMEOUT + 10)
        reply = b""
        while b"did not arrive" not in reply:
            chunk = slow.recv(4096)
            if not chunk:
                break
            reply += chunk
    finally:
        slow.close()
    assert reply.startswith(b"HTTP/1.1 408")
    assert b"did not arrive" in reply


# -- the page ----------------------------------------------------------------------------------


def test_the_page_and_its_assets_come_from_the_server_only(server):
    status, page, response = _request(server, "GET", "/")
    assert status == 200
    assert "default-src 'self'" in response.getheader("Content-Security-Policy")
    text = page.decode()
    assert "http://" not in text
    assert "https://" not in text
    for asset in ("/static/app.js", "/static/app.css"):
        assert asset in text
        got, body, _ = _request(server, "GET", asset)
        assert got == 200
        assert b"http://" not in body
        assert b"https://" not in body


# -- the command line --------------------------------------------------------------------------


def test_serve_binds_the_loopback_address_by_default():
    args = cli._build_parser().parse_args(["serve", "model.npz"])
    assert args.host == "127.0.0.1"
    assert args.port == 8000
    assert web.is_loopback(args.host)
    assert not web.is_loopback("0.0.0.0")


def test_serve_names_a_folder_without_models(tmp_path, capsys):
    (tmp_path / "junk.npz").write_bytes(b"junk")
    assert cli.main(["serve", str(tmp_path), "--port", "0"]) == 1
    error = capsys.readouterr().err
    assert str(tmp_path) in error
    assert "no saved smallflow model" in error
    assert "junk.npz" in error


def test_export_writes_an_onnx_file_from_the_command_line(model_dir, tmp_path, capsys):
    pytest.importorskip("onnx", reason="the onnx package is not installed")
    output = tmp_path / "softmax.onnx"
    assert cli.main(["export", str(model_dir / "softmax.npz"), "-o", str(output)]) == 0
    assert "opset 13" in capsys.readouterr().out
    assert output.stat().st_size > 784 * 10 * 4


def test_export_names_a_file_that_is_not_a_model(model_dir, tmp_path, capsys):
    pytest.importorskip("onnx", reason="the onnx package is not installed")
    code = cli.main(["export", str(model_dir / "notes.npz"), "-o", str(tmp_path / "x.onnx")])
    assert code == 1
    assert "notes.npz" in capsys.readouterr().err
    assert not (tmp_path / "x.onnx").exists()


def test_the_default_graph_is_untouched_by_serving(server):
    # The server's models live in their own graphs.
    assert tf.get_default_graph().get_operations() == []


def test_cnn_saliency_is_the_gradient_of_the_chosen_logit(tmp_path):
    from smallflow.web import _store

    graph = models.build_graph("cnn", seed=0)
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        trained_models.save(sess, graph, tmp_path / "cnn")
    store = _store.ModelStore(tmp_path)
    pixels = np.random.default_rng(4).random(784).astype(np.float32)
    explanation = store.get("cnn").explain(pixels, 2)
    assert explanation["kind"] == "saliency"
    sess, loaded, _ = models.load_model(tmp_path / "cnn.npz")
    with sess:
        _check_gradient(sess, loaded, pixels, 2, np.asarray(explanation["map"]))
    store.close()
