"""``smallflow serve``: a draw-a-digit page and a JSON API for saved models (``smallflow[web]``).

The page (``static/``) lets a learner draw a digit with mouse, pen, touch or keyboard and
watch the model read it: the 28x28 image the model sees (prepared on the server by
``smallflow.imaging.load_digit``, the function ``smallflow predict`` uses), the ten
probabilities, and for the softmax model the tutorial's evidence ``W[:, i] * x`` (a saliency
map from ``tf.gradients`` for the others). The API:

- ``GET /api/models``: the models served, and which one is the default;
- ``POST /api/predict[?model=ID&explain=auto|none|D]``: a picture (``image/png``, any size)
  or JSON (a list of 784 numbers in [0, 1]) -> probabilities, prediction, the prepared
  pixels, the explanation and timings;
- ``GET /api/models/ID/onnx``: the model as an ONNX file.

Why Starlette on uvicorn: a small, maintained ASGI framework whose event loop keeps
answering while one client sends its body slowly; inference runs in worker threads (one
lock per model, since a session is not shared between threads). Both are imported only
here, when serving, so ``import smallflow`` stays light.
"""

import ipaddress
import socket
import threading

__all__ = ["DEFAULT_HOST", "DEFAULT_PORT", "BackgroundServer", "create_app", "require_web", "serve"]

EXTRA = "smallflow[web]"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def require_web():
    """Import the web libraries, or raise ImportError naming the extra to install."""
    try:
        import PIL  # noqa: F401
        import starlette  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as error:
        raise ImportError(
            f"smallflow serve needs Starlette, uvicorn and Pillow ({error}); "
            f"install them with: pip install '{EXTRA}'"
        ) from None


def create_app(source, **options):
    """The ASGI app for ``source`` (a saved model, or a folder of them); see ``_app``."""
    require_web()
    from smallflow.web import _app

    return _app.create_app(source, **options)


def is_loopback(host):
    """True when ``host`` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(app, host=DEFAULT_HOST, port=DEFAULT_PORT, log_level="info"):
    """Run ``app`` until interrupted (Ctrl+C)."""
    import uvicorn

    uvicorn.run(
        app, host=host, port=port, log_level=log_level, timeout_keep_alive=5, server_header=False
    )


class BackgroundServer:
    """The app served from a thread on a free port of ``host``: for tests and benchmarks.

    ``with BackgroundServer(app) as server: requests to server.url``.
    """

    def __init__(self, app, host=DEFAULT_HOST, port=0):
        import uvicorn

        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind((host, port))
        self.host, self.port = self._socket.getsockname()[:2]
        self.url = f"http://{self.host}:{self.port}"
        config = uvicorn.Config(app, log_level="warning", timeout_keep_alive=5, server_header=False)
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True
        )

    def __enter__(self):
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the server stopped while starting")
            self._thread.join(0.02)
        return self

    def __exit__(self, *exc):
        self._server.should_exit = True
        self._thread.join(10)
        self._socket.close()
