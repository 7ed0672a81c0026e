"""Benchmark: latency and throughput of ``smallflow serve`` under 8 concurrent clients.

Starts ``smallflow serve`` as its own process on a free port of 127.0.0.1 with short-trained
models (or the models of ``--models-dir``), then for each model and payload sends
``--requests`` predictions (default 1,000) from ``--clients`` threads (default 8), each on a
keep-alive connection, and prints p50/p90/p99/max latency and throughput. Payloads: ``json``
(784 prepared pixels, the API's cheapest form) and ``png`` (a 140x140 drawing, as the page
sends it: the server prepares it with ``smallflow.imaging``). The baseline is the same work
done in-process without HTTP (prepare + predict + explain, one thread), measured in the same
run, so the table shows what serving adds. Target: p99 < 50 ms for softmax and mlp.

Run: python benchmarks/bench_web.py [--models softmax mlp] [--payloads json png]
     [--requests 1000] [--clients 8] [--explain auto|none] [--models-dir DIR]
"""

import argparse
import http.client
import io
import json
import os
import pathlib
import socket
import subprocess
import sys
import tempfile
import threading
import time

import numpy as np
from PIL import Image, ImageDraw

from smallflow import imaging

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tests"))
import trained_models  # noqa: E402


def _seven_png():
    picture = Image.new("L", (140, 140), 255)
    ImageDraw.Draw(picture).line([(35, 28), (105, 28), (63, 119)], fill=0, width=10)
    buffer = io.BytesIO()
    picture.save(buffer, format="PNG")
    return buffer.getvalue()


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _train_models(folder, names):
    data = trained_models.read_mnist(folder / "mnist")
    for name in names:
        steps = {"softmax": 1000, "mlp": 500, "cnn": 200}[name]
        sess, graph = trained_models.train(name, data, steps=steps)
        with sess:
            trained_models.save(sess, graph, folder / name)


def _start_server(models_dir, port, log):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_src()), env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "smallflow", "serve", str(models_dir), "--port", str(port)]
    # The access log goes to a file: a pipe nobody reads would fill up and stall the server.
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return server
        except OSError:
            if server.poll() is not None:
                log.seek(0)
                raise RuntimeError(log.read().decode()) from None
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the server did not start within 120 s")


def _src():
    return pathlib.Path(__file__).resolve().parents[1] / "src"


def _client(port, path, body, kind, count, latencies, errors):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    for _ in range(count):
        start = time.perf_counter()
        connection.request("POST", path, body=body, headers={"Content-Type": kind})
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - start)
        if response.status != 200:
            errors.append(response.status)
    connection.close()


def _load(port, model, payload, explain, requests, clients):
    """(latencies in ms, seconds, errors) of ``requests`` predictions from ``clients`` threads."""
    body, kind = payload
    path = f"/api/predict?model={model}&explain={explain}"
    # Warm up the connection path and the model.
    _client(port, path, body, kind, 5, [], [])
    per_client = [requests // clients + (i < requests % clients) for i in range(clients)]
    latencies, errors = [], []
    threads = [
        threading.Thread(target=_client, args=(port, path, body, kind, n, latencies, errors))
        for n in per_client
    ]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    return np.array(latencies) * 1000.0, seconds, errors


def _baseline(models_dir, model, payload_name, png, pixels, explain, repeats=200):
    """Median ms of the same work in-process, one thread, no HTTP."""
    from smallflow.web import _store

    store = _store.ModelStore(models_dir / f"{model}.npz")
    served = store.default
    served.predict(pixels[None, :])
    with tempfile.NamedTemporaryFile(suffix=".png") as picture:
        picture.write(png)
        picture.flush()
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            x = imaging.load_digit(picture.name) if payload_name == "png" else pixels
            probabilities = served.predict(x[None, :])
            if explain != "none":
                served.explain(x, int(np.argmax(probabilities[0])))
            times.append(time.perf_counter() - start)
    store.close()
    return float(np.median(times) * 1000.0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=["softmax", "mlp", "cnn"])
    parser.add_argument("--payloads", nargs="+", default=["json", "png"])
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--explain", default="auto", help="auto (as the page asks) or none")
    parser.add_argument("--models-dir", type=pathlib.Path)
    args = parser.parse_args()

    png = _seven_png()
    with tempfile.TemporaryDirectory() as scratch:
        models_dir = args.models_dir
        if models_dir is None:
            models_dir = pathlib.Path(scratch)
            print(f"Training {', '.join(args.models)} briefly ...", flush=True)
            _train_models(models_dir, args.models)
        with tempfile.NamedTemporaryFile(suffix=".png") as picture:
            picture.write(png)
            picture.flush()
            pixels = imaging.load_digit(picture.name)
        payloads = {
            "json": (json.dumps([round(float(p), 4) for p in pixels]).encode(), "application/json"),
            "png": (png, "image/png"),
        }
        port = _free_port()
        log = open(pathlib.Path(scratch) / "server.log", "w+b")  # noqa: SIM115
        server = _start_server(models_dir, port, log)
        try:
            print(
                f"{args.requests} requests from {args.clients} concurrent clients per row; "
                f"explain={args.explain}; server pid {server.pid}; load average "
                f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}"
            )
            header = (
                f"{'model':8} {'payload':7} {'p50 ms':>7} {'p90 ms':>7} {'p99 ms':>7} "
                f"{'max ms':>7} {'req/s':>7} {'in-process ms':>13} {'errors':>6}"
            )
            print(header)
            for model in args.models:
                for payload in args.payloads:
                    latencies, seconds, errors = _load(
                        port, model, payloads[payload], args.explain, args.requests, args.clients
                    )
                    baseline = _baseline(models_dir, model, payload, png, pixels, args.explain)
                    p50, p90, p99 = np.percentile(latencies, [50, 90, 99])
                    print(
                        f"{model:8} {payload:7} {p50:7.1f} {p90:7.1f} {p99:7.1f} "
                        f"{latencies.max():7.1f} {len(latencies) / seconds:7.0f} "
                        f"{baseline:13.2f} {len(errors):6d}",
                        flush=True,
                    )
            print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()


if __name__ == "__main__":
    main()
