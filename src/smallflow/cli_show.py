"""``smallflow show``: pictures (PNG) of a saved model's weights, of training digits, of the
confusion matrix and of the most confident mistakes (matplotlib, through ``smallflow.viz``)."""

import numpy as np

from smallflow import cli, models


def add_show(commands):
    show = commands.add_parser(
        "show",
        help="draw a picture (PNG) of a model's weights, samples, confusion or mistakes",
        description="Draw pictures of models and data.",
        formatter_class=cli._HelpFormatter,
    )
    kinds = show.add_subparsers(dest="kind", metavar="WHAT", required=True)

    weights = kinds.add_parser(
        "weights",
        help="the learned weights, one map per digit (red -, blue +)",
        formatter_class=cli._HelpFormatter,
    )
    weights.add_argument(
        "model", metavar="MODEL", type=cli._path, help="a model saved by train --save"
    )
    weights.add_argument(
        "-o", "--output", type=cli._path, default="weights.png", help="picture file to write"
    )
    weights.set_defaults(run=show_weights)

    samples = kinds.add_parser(
        "samples",
        help="a grid of training digits with their labels",
        formatter_class=cli._HelpFormatter,
    )
    samples.add_argument(
        "-n",
        "--count",
        type=cli._picture_count,
        default=36,
        help=f"how many digits to draw (at most {cli.MAX_PICTURES})",
    )
    cli._add_data_dir(samples, cli.DEFAULT_VALIDATION_SIZE)
    samples.add_argument(
        "-o", "--output", type=cli._path, default="samples.png", help="picture file to write"
    )
    samples.set_defaults(run=show_samples)

    for kind, about, run in (
        ("confusion", "the confusion matrix on the test set", show_confusion),
        ("mistakes", "the most confident wrong predictions", show_mistakes),
    ):
        picture = kinds.add_parser(kind, help=about, formatter_class=cli._HelpFormatter)
        picture.add_argument(
            "model", metavar="MODEL", type=cli._path, help="a model saved by train --save"
        )
        picture.add_argument(
            "--split", choices=("test", "validation"), default="test", help="which examples to use"
        )
        if kind == "mistakes":
            picture.add_argument(
                "-n",
                "--count",
                type=cli._picture_count,
                default=25,
                help=f"how many mistakes to draw (at most {cli.MAX_PICTURES})",
            )
        cli._add_data_dir(picture, None)
        picture.add_argument(
            "-o", "--output", type=cli._path, default=f"{kind}.png", help="picture file to write"
        )
        picture.set_defaults(run=run)


def write_figure(viz, figure, output):
    try:
        written = viz.save_figure(figure, output)
    except (OSError, ValueError) as error:
        raise cli.CommandError(f"cannot write {output}: {error}") from None
    width, height = figure.canvas.get_width_height()
    print(f"Wrote {written} ({width}x{height} pixels)")
    return 0


def show_weights(args):
    viz = cli._import_plots("show weights", "smallflow.viz")
    sess, graph, metadata = cli._load(args.model)
    module = models.get_model(graph.name)
    weight_map = getattr(module, "WEIGHT_MAP", None)
    if weight_map is None:
        raise cli.CommandError(
            f"{args.model}: a {graph.name} model has no single 784x10 weight map to draw"
        )
    with sess:
        (variable,) = [v for v in graph.model_variables if v.op.name == weight_map]
        weights = sess.run(variable)
    title = (
        f"Learned weights of {graph.name} ({accuracy_note(metadata)}): red negative, blue positive"
    )
    return write_figure(viz, viz.weights_figure(weights, title=title), args.output)


def accuracy_note(metadata):
    accuracy = metadata.get("accuracy")
    if isinstance(accuracy, float):
        return f"test accuracy {accuracy:.2%}"
    return "test accuracy not recorded"


def show_samples(args):
    viz = cli._import_plots("show samples", "smallflow.viz")
    train = cli._read_data(args.data_dir, args.validation_size).train
    count = min(args.count, train.num_examples)
    if count == 0:
        raise cli.CommandError(
            f"--validation-size {args.validation_size} leaves no training digits")
    # The training set starts after the examples held out for validation.
    first = args.validation_size
    if first:
        title = (
            f"Training digits {first + 1:,}-{first + count:,} of the MNIST training file "
            f"(the first {first:,} are held out for validation), with their labels"
        )
    else:
        title = f"The first {count} digits of the MNIST training file, with their labels"
    figure = viz.samples_figure(train.images[:count], train.labels[:count], n=count, title=title)
    return write_figure(viz, figure, args.output)


def predictions_on(args):
    sess, graph, metadata = cli._load(args.model)
    with sess:
        dataset = cli._evaluation_data(args, metadata)
        probabilities = models.predict_probabilities(sess, graph, dataset.images)
    return dataset, probabilities


def show_confusion(args):
    viz = cli._import_plots("show confusion", "smallflow.viz")
    from smallflow import evaluation as metrics

    dataset, probabilities = predictions_on(args)
    matrix = metrics.confusion_matrix(dataset.labels, probabilities)
    return write_figure(viz, viz.confusion_figure(matrix), args.output)


def show_mistakes(args):
    viz = cli._import_plots("show mistakes", "smallflow.viz")
    dataset, probabilities = predictions_on(args)
    predicted = np.argmax(probabilities, axis=1)
    figure = viz.mistakes_figure(
        dataset.images, dataset.labels, predicted, probabilities, n=args.count
    )
    return write_figure(viz, figure, args.output)
