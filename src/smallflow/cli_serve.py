"""``smallflow export`` (a saved model as ONNX, ``smallflow.onnx``) and ``smallflow serve``
(the drawing page and its JSON API, ``smallflow.web``): the command lines only."""

import os
import sys

from smallflow import cli, models


def add_export(commands):
    export = commands.add_parser(
        "export",
        help="write a saved model as an ONNX file (needs smallflow[onnx])",
        description="Write a saved model as an ONNX file (opset 13): input 'images' [N, 784], "
        "output 'probabilities' [N, 10]; runs in onnxruntime on computers and phones.",
        formatter_class=cli._HelpFormatter,
    )
    export.add_argument("model", metavar="MODEL", help="a model saved by train --save")
    export.add_argument("-o", "--output", required=True, metavar="FILE", help="the .onnx file")
    export.set_defaults(run=run_export)


def run_export(args):
    from smallflow import onnx as onnx_export

    try:
        model = onnx_export.export_model(args.model, args.output)
    except (ImportError, models.ModelFileError, onnx_export.UnsupportedOpError) as error:
        raise cli.CommandError(str(error)) from None
    except OSError as error:
        raise cli.CommandError(f"cannot write {args.output}: {error.strerror or error}") from None
    size = os.path.getsize(args.output)
    print(f"Wrote {args.output} ({size:,} bytes, ONNX opset {model.opset_import[0].version})")
    return 0


def add_serve(commands):
    from smallflow import web

    serve = commands.add_parser(
        "serve",
        help="draw digits in the browser and watch a model read them (needs smallflow[web])",
        description="Serve a page where you draw a digit and see the model's probabilities, "
        "the 28x28 image it sees and its evidence, plus a JSON API (POST /api/predict).",
        formatter_class=cli._HelpFormatter,
    )
    serve.add_argument("model", metavar="MODEL|DIR", help="a saved model, or a folder of them")
    serve.add_argument("--host", default=web.DEFAULT_HOST, help="address to listen on")
    serve.add_argument("--port", type=cli._non_negative_int, default=web.DEFAULT_PORT, help="port")
    serve.set_defaults(run=run_serve)


def run_serve(args):
    from smallflow import web

    try:
        app = web.create_app(args.model)
    except (ImportError, models.ModelFileError) as error:
        raise cli.CommandError(str(error)) from None
    names = ", ".join(model.id for model in app.state.store)
    for name, problem in app.state.store.skipped:
        print(f"warning: skipped {name}: {problem}", file=sys.stderr)
    if not web.is_loopback(args.host):
        print(f"warning: --host {args.host} lets other machines reach this server", file=sys.stderr)
    print(f"Serving {names} at http://{args.host}:{args.port}/ (Ctrl+C stops)", flush=True)
    web.serve(app, args.host, args.port)
    return 0
