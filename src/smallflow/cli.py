"""The ``smallflow`` command: train, evaluate, predict and show; the only module that prints."""

import argparse
import collections
import json
import math
import os
import sys
import time

import numpy as np

import smallflow as tf
from smallflow import models

__all__ = ["main"]

DATA_ENV = "SMALLFLOW_DATA"
DEFAULT_SEED = 0
DEFAULT_VALIDATION_SIZE = 5000
# Steps over which the training loss is averaged for the "final loss" (whatever --log-interval
# is, so the figure does not change with how often progress is printed).
LOSS_WINDOW = 100
# Most pictures `show samples -n` / `show mistakes -n` draw: each costs a matplotlib axes, and
# a grid of thousands is unreadable anyway (100,000 took 9.3 GB).
MAX_PICTURES = 400
# Below this probability for its best guess, predict warns that the answer is doubtful.
LOW_CONFIDENCE = 0.5


class CommandError(Exception):
    """A problem the user can fix; printed as one ``error: ...`` line, exit code 1."""


class _Diverged(Exception):
    """The training loss became NaN or infinite at ``step``."""

    def __init__(self, step, loss):
        super().__init__(step, loss)
        self.step = step
        self.loss = loss


def main(argv=None):
    """Run the command line ``argv`` (default: sys.argv[1:]); return the exit code."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["run"]:  # the program's arguments are its own: no parsing here
        from smallflow import cli_run

        return cli_run.main(argv[1:])
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as stop:  # --help, --version, or a usage error (code 2)
        return _exit_code(stop)
    try:
        _apply_threads(args.threads)
        return args.run(args)
    except CommandError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except MemoryError:
        print(
            "error: out of memory; the input is larger than this machine can hold",
            file=sys.stderr,
        )
        return 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader went away (smallflow evaluate ... | head): stop quietly, as Unix tools do.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1


def _exit_code(stop):
    if stop.code is None:
        return 0
    if isinstance(stop.code, int):
        return stop.code
    print(stop.code, file=sys.stderr)
    return 1


# -- arguments ---------------------------------------------------------------------------------


def _positive_int(text):
    value = _int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text}")
    return value


def _non_negative_int(text):
    value = _int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or a positive whole number, got {text}")
    return value


def _int(text):
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, got {text!r}") from None


def _path(text):
    """A file or folder name: refuse the empty string, which would silently mean 'here'."""
    if not text:
        raise argparse.ArgumentTypeError("must not be empty; give a file name")
    if "\0" in text:
        raise argparse.ArgumentTypeError("must not contain a NUL character")
    return text


def _picture_count(text):
    value = _positive_int(text)
    if value > MAX_PICTURES:
        raise argparse.ArgumentTypeError(f"at most {MAX_PICTURES} pictures, got {text}")
    return value


def _positive_float(text):
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a number, got {text!r}") from None
    if not (math.isfinite(value) and value > 0.0):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text}")
    return value


class _HelpFormatter(argparse.ArgumentDefaultsHelpFormatter):
    """States defaults in --help, except where there is none worth stating."""

    def _get_help_string(self, action):
        if action.default is None or action.default is False:
            return action.help
        return super()._get_help_string(action)


def default_data_dir():
    """Where MNIST is kept when --data-dir is not given: $SMALLFLOW_DATA or a user cache."""
    chosen = os.environ.get(DATA_ENV)
    if chosen:
        return chosen
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "smallflow", "mnist")


def _per_model(key):
    """'softmax 1000, mlp 5000': the default of setting ``key`` for each model."""
    values = (models.hyperparameters(name)[key] for name in models.MODELS)
    return ", ".join(f"{name} {value}" for name, value in zip(models.MODELS, values, strict=True))


def _build_parser():
    parser = argparse.ArgumentParser(
        prog="smallflow",
        description="Train MNIST models on smallflow, evaluate them, look at them, "
        "and read your own digits.",
        formatter_class=_HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"smallflow {tf.SMALLFLOW_VERSION}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    _add_train(commands)
    _add_evaluate(commands)
    _add_predict(commands)
    from smallflow import cli_serve, cli_show

    cli_show.add_show(commands)
    cli_serve.add_export(commands)
    _add_committee(commands)
    cli_serve.add_serve(commands)
    _add_run(commands)
    # Every command takes --threads, including those added later by other modules' few lines.
    seen = set()
    for command in _leaf_parsers(parser):
        if id(command) not in seen:
            seen.add(id(command))
            _add_threads(command)
    return parser


def _add_run(commands):
    from smallflow import cli_run

    cli_run.add_run(commands, _HelpFormatter)


def _leaf_parsers(parser):
    """The parsers that run a command: those without sub-commands of their own."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _leaf_parsers(sub)
            return
    yield parser


def _apply_threads(threads):
    from smallflow import config

    config.set_threads(threads)


def _add_threads(parser):
    """--threads, which every command takes (applied by main before the command runs)."""
    parser.add_argument(
        "--threads",
        type=_non_negative_int,
        default=0,
        help="BLAS threads for the arithmetic; 0 chooses automatically from the cores "
        "other programs leave free (see the README)",
    )


def _add_data_dir(parser, validation_default):
    parser.add_argument(
        "--data-dir",
        type=_path,
        default=default_data_dir(),
        help=f"folder of the MNIST files, filled from smallflow's own copy when empty "
        f"(${DATA_ENV} sets the default)",
    )
    parser.add_argument(
        "--validation-size",
        type=_non_negative_int,
        default=validation_default,
        help="training examples held out for validation"
        + ("" if validation_default is not None else " (default: as in training)"),
    )


def _add_train(commands):
    model_lines = "; ".join(f"{name}: {m.DESCRIPTION}" for name, m in models.MODELS.items())
    train = commands.add_parser(
        "train",
        help="train a model and print its test accuracy",
        description=f"Train a model on MNIST and print its test accuracy. Models: {model_lines}.",
        formatter_class=_HelpFormatter,
    )
    train.add_argument(
        "--model",
        choices=list(models.MODELS),
        default=next(iter(models.MODELS)),
        help="which model to train",
    )
    _add_data_dir(train, DEFAULT_VALIDATION_SIZE)
    length = train.add_mutually_exclusive_group()
    length.add_argument(
        "--steps",
        type=_positive_int,
        help=f"training steps (default: the model's: {_per_model('steps')})",
    )
    length.add_argument(
        "--epochs",
        type=_positive_int,
        help="train for this many passes over the training set instead of --steps",
    )
    train.add_argument(
        "--batch-size",
        type=_positive_int,
        help=f"examples per step (default: {_per_model('batch_size')})",
    )
    rates = "; ".join(
        f"{name}: " + ", ".join(f"{opt} {rate}" for opt, rate in _rates(module).items())
        for name, module in models.MODELS.items()
    )
    train.add_argument(
        "--learning-rate",
        type=_positive_float,
        help=f"learning rate (default: the model's for the optimizer; {rates})",
    )
    train.add_argument(
        "--optimizer",
        choices=models.OPTIMIZERS,
        help=f"tf.train optimizer (default: {_per_model('optimizer')})",
    )
    train.add_argument(
        "--seed",
        type=_non_negative_int,
        default=DEFAULT_SEED,
        help="seed of the batch order and of random initial weights",
    )
    train.add_argument(
        "--log-interval",
        type=_non_negative_int,
        help="report loss and validation accuracy every N steps, 0 for never "
        f"(default: the model's: {_per_model('log_interval')})",
    )
    train.add_argument(
        "--save",
        metavar="PATH",
        type=_path,
        help="save the trained model here (missing folders are created)",
    )
    train.add_argument(
        "--logdir",
        metavar="DIR",
        help="write TensorBoard logs here (loss, accuracy, weight histograms and pictures, the "
        "graph; view with: tensorboard --logdir DIR; needs smallflow[tensorboard])",
    )
    train.add_argument(
        "--distributed",
        action="store_true",
        help="train one model on every process of an MPI job (mpirun -np N smallflow train "
        "--distributed): each takes its shard of the data and --batch-size examples a step, "
        "gradients are averaged; rank 0 alone reports and saves (needs smallflow[mpi])",
    )
    train.add_argument(
        "--json",
        action="store_true",
        help="print the results as one JSON object (progress goes to stderr)",
    )
    from smallflow import cli_committee

    cli_committee.add_ensemble_arguments(train)
    train.set_defaults(run=_train)


def _add_committee(commands):
    from smallflow import cli_committee

    cli_committee.add_combine(commands)


def _rates(module):
    rates = dict(getattr(module, "LEARNING_RATES", {}))
    rates[module.DEFAULTS["optimizer"]] = module.DEFAULTS["learning_rate"]
    return {name: rates[name] for name in models.OPTIMIZERS if name in rates}


def _add_evaluate(commands):
    evaluate = commands.add_parser(
        "evaluate",
        help="accuracy, per-class precision and recall, confusion matrix of a saved model",
        description="Measure a saved model on the test (or validation) set.",
        formatter_class=_HelpFormatter,
    )
    evaluate.add_argument(
        "model", metavar="MODEL", type=_path, help="a model saved by train --save"
    )
    evaluate.add_argument(
        "--split",
        choices=("test", "validation"),
        default="test",
        help="which examples to measure on",
    )
    _add_data_dir(evaluate, None)
    evaluate.add_argument("--json", action="store_true", help="print the results as JSON")
    evaluate.set_defaults(run=_evaluate)


def _add_predict(commands):
    predict = commands.add_parser(
        "predict",
        help="classify your own pictures of digits",
        description="Classify pictures of handwritten digits (PNG, JPEG, ...; any size and "
        "colour). Each is prepared as MNIST digits were: grayscale, white on black, fitted "
        "into 20x20 and centred by mass in 28x28.",
        formatter_class=_HelpFormatter,
    )
    predict.add_argument(
        "model", metavar="MODEL", type=_path, help="a model saved by train --save"
    )
    predict.add_argument("images", metavar="IMAGE", type=_path, nargs="+", help="picture files")
    predict.add_argument(
        "--show-input",
        metavar="PNG",
        type=_path,
        help="also write the 28x28 image(s) the model saw to this picture (several images "
        "side by side)",
    )
    predict.add_argument("--json", action="store_true", help="print the results as JSON")
    predict.set_defaults(run=_predict)


# -- shared steps ------------------------------------------------------------------------------


def _read_data(data_dir, validation_size, seed=None):
    from smallflow.datasets import mnist

    try:
        return mnist.read_data_sets(
            data_dir, one_hot=True, validation_size=validation_size, seed=seed
        )
    except (OSError, ValueError, TypeError) as error:
        raise CommandError(f"cannot read MNIST from {data_dir}: {error}") from None


def _load(path):
    try:
        return models.load_model(path)
    except models.ModelFileError as error:
        raise CommandError(str(error)) from None


def _split_of(data, split):
    dataset = data.test if split == "test" else data.validation
    if dataset.num_examples == 0:
        raise CommandError(f"the {split} set is empty (see --validation-size)")
    return dataset


def _accuracy(probabilities, one_hot_labels):
    if len(probabilities) == 0:
        return float("nan")
    predicted = np.argmax(probabilities, axis=1)
    return float(np.mean(predicted == np.argmax(one_hot_labels, axis=1)))


def _evaluation_data(args, metadata):
    validation_size = args.validation_size
    if validation_size is None:
        validation_size = _setting(metadata, "validation_size", DEFAULT_VALIDATION_SIZE)
        if isinstance(validation_size, bool) or not isinstance(validation_size, int):
            raise CommandError(
                f"{args.model}: its metadata gives validation_size {validation_size!r}, not a "
                "whole number; pass --validation-size"
            )
        if validation_size < 0:
            raise CommandError(
                f"{args.model}: its metadata gives a negative validation_size "
                f"({validation_size}); pass --validation-size"
            )
    return _split_of(_read_data(args.data_dir, validation_size), args.split)


def _print_json(record):
    print(json.dumps(record, indent=2))


# -- train ---------------------------------------------------------------------------------------


def _train(args):
    if args.ensemble > 1 or args.views is not None:  # a committee (of one, with views)
        from smallflow import cli_committee

        return cli_committee.train_ensemble(args, _train_model)
    results = _train_model(args)
    if not isinstance(results, dict):
        return results  # an exit code: the training diverged
    if args.json:
        _print_json(results)
        return 0
    seconds, steps = results["seconds"], results["steps"]
    print(f"Trained in {seconds:.2f} s ({steps / seconds:,.0f} steps/s), final loss "
          f"{results['loss']:.4f}")
    print(f"Test accuracy: {results['accuracy']:.4f} ({results['test_examples']:,} images)")
    if args.save:
        print(f"Saved the model to {results['saved']}")
    return 0


def _train_model(args):
    """Train one model as ``args`` say; the results dict, or an exit code if it diverged."""
    settings = models.hyperparameters(
        args.model,
        steps=args.steps,
        batch_size=args.batch_size,
        optimizer=args.optimizer,
        learning_rate=args.learning_rate,
        log_interval=args.log_interval,
    )
    settings["validation_size"] = args.validation_size
    job = _join_job() if args.distributed else None
    chief = job is None or job.rank() == 0
    if args.save and chief:
        _check_save_path(args.save)
    data = _read_data(args.data_dir, args.validation_size, seed=args.seed)
    if job is not None:
        data = data._replace(train=data.train.shard(job.size(), job.rank()))
    train_count = data.train.num_examples
    batch_size = settings["batch_size"]
    if train_count == 0:
        raise CommandError(
            f"--validation-size {args.validation_size} leaves no training examples in "
            f"{args.data_dir}"
        )
    if batch_size > train_count:
        raise CommandError(
            f"--batch-size {batch_size} is larger than the {train_count:,} training examples"
        )
    if args.epochs is not None:
        settings["steps"] = math.ceil(args.epochs * train_count / batch_size)
    steps = settings["steps"]
    log = sys.stderr if args.json else sys.stdout
    if not chief:
        log = open(os.devnull, "w")  # noqa: SIM115 - closed with the process; rank 0 reports
    where = "" if job is None else f" (shard {job.rank()} of {job.size()} processes)"
    print(
        f"Training {args.model} on {train_count:,} images{where}: {steps:,} steps of "
        f"{batch_size}, {settings['optimizer']} at learning rate "
        f"{settings['learning_rate']:g}, seed {args.seed}",
        file=log,
    )
    wrap = None if job is None else job.DistributedOptimizer
    # A model with augmentation (cnn-bn) is fed through a tf.data pipeline that augments.
    augment = getattr(models.get_model(args.model), "augment_batch", None)
    graph = models.build_graph(
        args.model, settings["optimizer"], settings["learning_rate"], seed=args.seed,
        wrap_optimizer=wrap, augment_in_graph=augment is None, steps=steps,
    )
    summaries = _training_summaries(args.logdir, graph, settings) if chief else None
    with tf.Session(graph=graph.graph) as sess:
        sess.run(graph.initializer)
        if job is not None:
            with graph.graph.as_default():
                sess.run(job.broadcast_global_variables(0))
        if not chief:
            settings["log_interval"] = 0
        batches = None
        if augment is not None:
            from smallflow.models import pipeline

            batches = pipeline.training_batches(sess, graph, data.train, batch_size,
                                                args.seed, augment)
        try:
            seconds, loss, validation_accuracy = _training_loop(
                sess, graph, data, settings, settings["log_interval"], log, summaries,
                batches
            )
        except _Diverged as stop:
            return _report_divergence(args, stop, settings) if chief else 1
        if not chief:
            return 0
        probabilities = models.predict_probabilities(sess, graph, data.test.images)
        test_accuracy = _accuracy(probabilities, data.test.labels)
        if validation_accuracy is None and data.validation.num_examples:
            validation = data.validation
            probabilities = models.predict_probabilities(sess, graph, validation.images)
            validation_accuracy = _accuracy(probabilities, validation.labels)
        results = {
            "status": "ok",
            "model": args.model,
            "accuracy": test_accuracy,
            "validation_accuracy": validation_accuracy,
            "loss": loss,
            "steps": steps,
            "epochs": steps * batch_size / train_count,
            "batch_size": batch_size,
            "optimizer": settings["optimizer"],
            "learning_rate": settings["learning_rate"],
            "seconds": seconds,
            "seed": args.seed,
            "test_examples": data.test.num_examples,
        }
        if job is not None:
            results["processes"] = job.size()
            results["global_batch_size"] = batch_size * job.size()
        if args.save:
            metadata = {
                "hyperparameters": settings,
                "seed": args.seed,
                "accuracy": test_accuracy,
                "validation_accuracy": validation_accuracy,
                "loss": loss,
                "train_examples": train_count,
                "seconds": seconds,
                "threads": _threads_used(),
            }
            try:
                _make_folder(models.model_prefix(args.save))
                results["saved"] = models.save_model(sess, graph, args.save, metadata)
            except (OSError, ValueError, TypeError) as error:
                raise CommandError(f"cannot save the model to {args.save}: {error}") from None
    return results


def _threads_used():
    """The --threads setting the arithmetic ran with ("automatic" for the policy)."""
    from smallflow import config

    return config.get_threads() or "automatic"


def _join_job():
    """``smallflow.distribute`` after joining the MPI job, or CommandError naming the extra."""
    import smallflow.distribute as job

    try:
        job.init()
    except ImportError as error:
        raise CommandError(str(error)) from None
    return job


def _report_divergence(args, stop, settings):
    """A NaN/infinite loss: one error line, exit code 1, nothing saved; JSON says so too."""
    if args.json:
        _print_json(
            {
                "status": "diverged",
                "model": args.model,
                "diverged_at_step": stop.step,
                "loss": None,
                "accuracy": None,
                "optimizer": settings["optimizer"],
                "learning_rate": settings["learning_rate"],
                "seed": args.seed,
            }
        )
    saved = f"; nothing was saved to {args.save}" if args.save else ""
    print(
        f"error: training diverged: the loss became {stop.loss} at step {stop.step:,}"
        f"{saved}. Try a smaller --learning-rate (it was {settings['learning_rate']:g})",
        file=sys.stderr,
    )
    return 1


def _check_save_path(path):
    """Refuse a --save path that cannot be written before training, not after it."""
    prefix = models.model_prefix(path)
    if os.path.isdir(prefix) or os.path.isdir(prefix + ".npz"):
        raise CommandError(f"cannot save the model to {path}: it is a folder; give a file name")
    # Missing folders are created when saving (as show -o does); what exists must allow it.
    folder = os.path.dirname(os.path.abspath(prefix))
    existing = folder
    while not os.path.exists(existing):
        existing = os.path.dirname(existing)
    if not os.path.isdir(existing):
        raise CommandError(f"cannot save the model to {path}: {existing} is not a folder")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise CommandError(f"cannot save the model to {path}: folder {existing} is not writable")


def _make_folder(path):
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)


def _training_summaries(logdir, graph, settings):
    """The ``--logdir`` writer (``smallflow.training_summaries``), or None without the flag."""
    if not logdir:
        return None
    from smallflow.training_summaries import TrainingSummaries

    try:
        return TrainingSummaries(logdir, graph, every=max(settings["log_interval"] // 10, 1))
    except (ImportError, OSError, ValueError) as error:
        raise CommandError(f"cannot write TensorBoard logs to {logdir}: {error}") from None


def _training_loop(sess, graph, data, settings, log_interval, log, summaries=None,
                   batches=None):
    """Run the training steps; return (seconds, mean loss of the last steps, last validation
    accuracy). ``batches()`` gives each step's (images, labels); by default ``next_batch``.

    Every ``log_interval`` steps a line with the mean loss since the last line and the
    validation accuracy is printed to ``log``; a progress bar is drawn on stderr when it is
    a terminal. The first NaN or infinite loss raises _Diverged: nothing after it is useful.
    """
    import tqdm

    steps = settings["steps"]
    batch_size = settings["batch_size"]
    keep_prob = settings["keep_prob"]
    validation = data.validation
    since_report = []
    final = collections.deque(maxlen=LOSS_WINDOW)
    validation_accuracy = None
    bar = tqdm.tqdm(
        total=steps,
        unit="step",
        file=sys.stderr,
        disable=not sys.stderr.isatty(),
        leave=False,
        dynamic_ncols=True,
    )
    start = time.perf_counter()
    with bar:
        for step in range(1, steps + 1):
            images, labels = (batches() if batches is not None
                              else data.train.next_batch(batch_size))
            feed = {graph.images: images, graph.labels: labels}
            if keep_prob != 1.0:
                feed[graph.keep_prob] = keep_prob
            _, loss = sess.run((graph.train_op, graph.loss), feed_dict=feed)
            loss = float(loss)
            if not math.isfinite(loss):
                raise _Diverged(step, loss)
            since_report.append(loss)
            final.append(loss)
            bar.update(1)
            if summaries is not None:
                summaries.after_step(sess, step, feed)
            if not log_interval or (step % log_interval and step != steps):
                continue
            mean_loss = sum(since_report) / len(since_report)
            since_report.clear()
            line = f"step {step:>{len(str(steps))}}/{steps}  loss {mean_loss:.4f}"
            if validation.num_examples:
                probabilities = models.predict_probabilities(sess, graph, validation.images)
                validation_accuracy = _accuracy(probabilities, validation.labels)
                line += f"  validation accuracy {validation_accuracy:.4f}"
                if summaries is not None:
                    summaries.validation_accuracy(step, validation_accuracy)
            bar.set_postfix_str(f"loss {mean_loss:.4f}", refresh=False)
            tqdm.tqdm.write(line, file=log)
    seconds = time.perf_counter() - start
    if summaries is not None:
        summaries.close()
    return seconds, sum(final) / len(final), validation_accuracy


# -- evaluate ------------------------------------------------------------------------------------


def _evaluate(args):
    from smallflow import evaluation as metrics

    sess, graph, metadata = _load(args.model)
    with sess:
        dataset = _evaluation_data(args, metadata)
        probabilities = models.predict_probabilities(sess, graph, dataset.images)
    accuracy = _accuracy(probabilities, dataset.labels)
    matrix = metrics.confusion_matrix(dataset.labels, probabilities)
    precision, recall = metrics.precision_recall(matrix)
    if args.json:
        _print_json(
            {
                "model": args.model,
                "split": args.split,
                "examples": int(dataset.num_examples),
                "accuracy": accuracy,
                "precision": precision.tolist(),
                "recall": recall.tolist(),
                "confusion_matrix": matrix.tolist(),
            }
        )
        return 0
    print(f"{args.model}: {_describe(metadata)}")
    print(f"{args.split.capitalize()} accuracy: {accuracy:.4f} ({dataset.num_examples:,} images)")
    print()
    print("digit  precision  recall  images")
    for digit in range(matrix.shape[0]):
        count = int(matrix[digit].sum())
        print(f"{digit:>5}  {precision[digit]:>9.4f}  {recall[digit]:>6.4f}  {count:>6,}")
    print()
    print("Confusion matrix (rows: true digit, columns: predicted digit)")
    width = max(4, len(f"{int(matrix.max()):,}") + 1)
    print("     " + "".join(f"{digit:>{width}}" for digit in range(matrix.shape[1])))
    for digit, row in enumerate(matrix):
        print(f"{digit:>5}" + "".join(f"{int(count):>{width},}" for count in row))
    return 0


def _setting(metadata, key, default=None):
    """A training setting from a model's metadata, which may have been edited by hand."""
    settings = metadata.get("hyperparameters")
    if not isinstance(settings, dict):
        return default
    return settings.get(key, default)


def _describe(metadata):
    if metadata.get("model") == "committee":
        members = metadata["committee"]["members"]
        seeds = ", ".join(str(m.get("seed")) for m in metadata.get("members", []))
        kinds = ", ".join(sorted({m["model"] for m in members}))
        return (f"committee of {len(members)} {kinds} (seeds {seeds or '?'}), "
                f"{len(metadata['committee']['views'])} views")
    parts = [str(metadata.get("model", "?"))]
    steps = _setting(metadata, "steps")
    if isinstance(steps, int):
        parts.append(f"{steps:,} steps of {_setting(metadata, 'batch_size', '?')}")
    optimizer = _setting(metadata, "optimizer")
    if optimizer is not None:
        parts.append(f"{optimizer} at {_setting(metadata, 'learning_rate', '?')}")
    if "seed" in metadata:
        parts.append(f"seed {metadata['seed']}")
    return ", ".join(parts)


# -- predict -------------------------------------------------------------------------------------


def _predict(args):
    imaging = _import_plots("predict", "smallflow.imaging")
    if args.show_input:
        _check_output_path(args.show_input)
    sess, graph, _ = _load(args.model)
    digits = []
    failed = 0
    for path in args.images:
        notes = []
        try:
            digits.append((path, imaging.load_digit(path, notes=notes), notes))
        except imaging.ImageError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
    with sess:
        batch = np.stack([digit for _, digit, _ in digits]) if digits else np.zeros((0, 784))
        probabilities = models.predict_probabilities(sess, graph, batch)
    if not np.isfinite(probabilities).all():
        raise CommandError(f"{args.model}: the model computes NaN probabilities; retrain it")
    results = []
    for (path, _, notes), row in zip(digits, probabilities, strict=True):
        guess = int(np.argmax(row))
        if row[guess] < LOW_CONFIDENCE:
            notes.append(
                f"low confidence ({row[guess]:.2f}): the picture may not show one clear digit"
            )
        for note in notes:
            print(f"warning: {path}: {note}", file=sys.stderr)
        results.append(
            {
                "file": path,
                "digit": guess,
                "probability": float(row[guess]),
                "probabilities": [float(p) for p in row],
                "warnings": notes,
            }
        )
    if args.show_input and digits:
        written = _write_inputs(imaging, [digit for _, digit, _ in digits], args.show_input)
        print(f"Wrote the model's input to {written}", file=sys.stderr)
    if args.json:
        _print_json(results)
    else:
        for result in results:
            print(f"{result['file']}: {result['digit']} (probability {result['probability']:.3f})")
    return 1 if failed else 0


def _write_inputs(imaging, digits, output):
    try:
        _make_folder(output)
        return imaging.save_digits(digits, output)
    except (OSError, ValueError) as error:
        raise CommandError(f"cannot write {output}: {error}") from None


def _check_output_path(path):
    if os.path.isdir(path):
        raise CommandError(f"cannot write {path}: it is a folder; give a file name")


def _import_plots(command, module):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as error:
        raise CommandError(
            f"{command} needs matplotlib and Pillow ({error}); "
            "install them with: pip install 'smallflow[plots]'"
        ) from None

