"""``smallflow combine`` and ``smallflow train --ensemble K``: committees of saved models.

The graph and its file format are ``models.committee``'s; this module chooses the views on
the validation set, measures, prints and saves. A committee is saved like any model, so
``evaluate``, ``predict``, ``show``, ``serve`` and ``export`` take it as they take one model.
"""

import argparse
import os
import sys
import tempfile

from smallflow import cli, models
from smallflow.models import committee

AUTO = "auto"
_NAMED = {name: views for name, views in committee.VIEW_CANDIDATES}
_NAMED["none"] = _NAMED["plain"]


def _views(text):
    """--views: auto, a candidate's name, or DEGREES:SCALE:DX:DY views separated by commas."""
    if text == AUTO or text in _NAMED:
        return text
    try:
        views = [tuple(float(part) for part in item.split(":")) for item in text.split(",")]
        return committee.check_views(views)
    except (ValueError, committee.CommitteeError) as error:
        names = ", ".join([AUTO, *_NAMED])
        raise argparse.ArgumentTypeError(
            f"{text!r}: give one of {names}, or views as DEGREES:SCALE:DX:DY separated by "
            f"commas, e.g. 0:1:0:0,-6:1:0:0,6:1:0:0 ({error})") from None


_VIEWS_HELP = (
    "test-time views inside the committee's graph: 'auto' picks, by accuracy on the "
    "VALIDATION set, among " + ", ".join(
        f"{name} ({len(views)})" for name, views in committee.VIEW_CANDIDATES)
    + "; or name one; or list DEGREES:SCALE:DX:DY views, e.g. 0:1:0:0,-6:1:0:0,6:1:0:0"
)


def add_ensemble_arguments(train):
    """``train --ensemble K [--views V]``."""
    train.add_argument(
        "--ensemble",
        metavar="K",
        type=cli._positive_int,
        default=1,
        help="train K models (seeds SEED, SEED+1, ...) one after the other and save them as "
        "one committee averaging their probabilities (members also saved, as "
        "PATH-member1.npz ...)",
    )
    train.add_argument("--views", type=_views, help=_VIEWS_HELP + " (default: auto; "
                       "with --ensemble)")


def add_combine(commands):
    combine = commands.add_parser(
        "combine",
        help="join saved models into one committee model (mean of their probabilities)",
        description="Join models saved by train --save into one saved committee: its graph "
        "holds every member (each under its own scope) and answers with the mean of their "
        "class probabilities, optionally over a few fixed moved views of each image. The "
        "views are chosen on the validation set; the test set only measures.",
        formatter_class=cli._HelpFormatter,
    )
    combine.add_argument("models", metavar="MODEL", type=cli._path, nargs="+",
                         help="models saved by train --save")
    combine.add_argument("--save", metavar="PATH", type=cli._path,
                         help="save the committee here (missing folders are created)")
    combine.add_argument("--views", type=_views, default=AUTO, help=_VIEWS_HELP)
    cli._add_data_dir(combine, None)
    combine.add_argument("--json", action="store_true", help="print the results as JSON")
    combine.set_defaults(run=_combine)


def _combine(args):
    if args.save:
        cli._check_save_path(args.save)
    built = _build(args.models, args.views, args, sys.stderr if args.json else sys.stdout)
    return _finish(args, built)


def train_ensemble(args, train_one):
    """Train ``args.ensemble`` members with ``train_one`` (cli's one-model training), then
    combine them as ``smallflow combine`` does."""
    if args.distributed:
        raise cli.CommandError("--ensemble trains its members one after the other; it does "
                               "not combine with --distributed")
    if args.save:
        cli._check_save_path(args.save)
    log = sys.stderr if args.json else sys.stdout
    with tempfile.TemporaryDirectory(prefix="smallflow-ensemble-") as scratch:
        prefix = (models.model_prefix(args.save) if args.save
                  else os.path.join(scratch, "committee"))
        paths, trained = [], []
        for index in range(args.ensemble):
            member = argparse.Namespace(**vars(args))
            member.ensemble = 1
            member.seed = args.seed + index
            member.save = f"{prefix}-member{index + 1}.npz"
            if args.logdir:
                member.logdir = os.path.join(args.logdir, f"member{index + 1}")
            print(f"Member {index + 1} of {args.ensemble} (seed {member.seed})", file=log,
                  flush=True)
            results = train_one(member)
            if not isinstance(results, dict):
                return results  # diverged: its error is printed
            print(f"  test accuracy {results['accuracy']:.4f}, {results['seconds']:.0f} s",
                  file=log, flush=True)
            paths.append(member.save)
            trained.append(results)
        kept = paths if args.save else [None] * len(paths)  # the scratch folder goes
        record, sess, graph = _build(paths, args.views or AUTO, args, log, kept)
        record["seconds"] = sum(result["seconds"] for result in trained)
        for member, result in zip(record["members"], trained, strict=True):
            member["seconds"] = result["seconds"]
        return _finish(args, (record, sess, graph))


def _build(paths, views_option, args, log, files=None):
    """Load the members, choose the views, measure: ``(record, session, graph)``, the record
    saying what to report and save. ``files`` are the members' names to record (default:
    ``paths``; None for one not kept)."""
    try:
        members = committee.load_members(paths)
    except models.ModelFileError as error:
        raise cli.CommandError(str(error)) from None
    validation_size = _validation_size(paths, members, views_option, args.validation_size)
    data = cli._read_data(args.data_dir, validation_size)
    if views_option == AUTO:
        candidates = committee.VIEW_CANDIDATES
    elif isinstance(views_option, str):
        candidates = ((views_option, _NAMED[views_option]),)
    else:
        candidates = (("given", views_option),)
    plain = ("plain", [committee.IDENTITY])
    validation = None
    if data.validation.num_examples:
        validation = _measure(members, [plain, *candidates], data.validation)
    chosen_name, chosen = candidates[0]
    if views_option == AUTO:
        chosen_name = committee.choose_views(validation)
        chosen = _NAMED[chosen_name]
    assembled = committee.assemble(members, chosen)
    sess, graph, spec = assembled
    try:
        test = _measure(members, [plain, (chosen_name, chosen)], data.test, assembled)
    except BaseException:
        sess.close()
        raise
    record = {
        "model": committee.KIND,
        "members": [_member_record(index, path, metadata, validation, test, chosen_name)
                    for index, (path, (metadata, _)) in enumerate(zip(files or paths,
                                                                      members))],
        "views": chosen_name,
        "view_count": len(chosen),
        "chosen_on": "validation" if views_option == AUTO else "given",
        "accuracy": test[chosen_name]["committee"],
        "plain_accuracy": test["plain"]["committee"],
        "validation_accuracy": validation[chosen_name]["committee"] if validation else None,
        "candidates": {name: {"views": len(views),
                              "validation": validation[name]["committee"] if validation
                              else None}
                       for name, views in [plain, *candidates]},
        "validation_size": validation_size,
        "committee": spec,
    }
    _report(record, log)
    return record, sess, graph


def _validation_size(paths, members, views_option, given):
    """The validation examples the members held out; they must agree to choose on them."""
    sizes = {cli._setting(metadata, "validation_size", cli.DEFAULT_VALIDATION_SIZE)
             for metadata, _ in members}
    if given is not None:
        return given
    if len(sizes) > 1:
        listed = ", ".join(f"{path}: {cli._setting(m, 'validation_size')}"
                           for path, (m, _) in zip(paths, members))
        raise cli.CommandError(
            "the models held out different validation sets (--validation-size when trained: "
            f"{listed}); views cannot be chosen on examples some member trained on")
    (size,) = sizes
    if views_option == AUTO and not size:
        raise cli.CommandError("the models held out no validation set to choose the views "
                               "on; give --views")
    return size


def _measure(members, candidates, dataset, assembled=None):
    """Accuracy of each member and of the committee for each candidate's views, over the
    ``assembled`` committee if its views are the candidates' (else over a new one)."""
    views = committee.union_of_views(candidates)
    if assembled is not None and assembled[2]["views"] == [list(v) for v in views]:
        sess, graph, _ = assembled
        member_view = committee.member_view_probabilities(sess, graph, dataset.images)
    else:
        sess, graph, _ = committee.assemble(members, views)
        with sess:
            member_view = committee.member_view_probabilities(sess, graph, dataset.images)
    return committee.accuracies(member_view, dataset.labels, views, candidates)


def _member_record(index, path, metadata, validation, test, chosen):
    return {
        "file": None if path is None else os.fspath(path),
        "model": metadata["model"],
        "seed": metadata.get("seed"),
        "validation_accuracy": validation["plain"]["members"][index] if validation else None,
        "accuracy": test["plain"]["members"][index],
        "accuracy_with_views": test[chosen]["members"][index],
        "seconds": metadata.get("seconds"),
        "threads": metadata.get("threads"),
    }


def _report(record, log):
    for number, member in enumerate(record["members"], 1):
        validation = member["validation_accuracy"]
        seen = "" if validation is None else f"validation {validation:.4f}, "
        where = f" ({member['file']})" if member["file"] else ""
        print(f"Member {number}: {member['model']} seed {member['seed']}{where}: "
              f"{seen}test {member['accuracy']:.4f} ({member['accuracy_with_views']:.4f} with "
              f"the views)", file=log)
    candidates = record["candidates"]
    if record["validation_accuracy"] is not None:
        print("Committee on the validation set: " + ", ".join(
            f"{name} ({_views_count(c['views'])}) {c['validation']:.4f}"
            for name, c in candidates.items()), file=log)
    how = "chosen on the validation set" if record["chosen_on"] == "validation" else "given"
    print(f"Views {how}: {record['views']} ({_views_count(record['view_count'])})", file=log,
          flush=True)


def _views_count(count):
    return f"{count} view" + ("s" if count != 1 else "")


def _finish(args, built):
    record, sess, graph = built
    with sess:
        if args.save:
            metadata = {key: value for key, value in record.items() if key != "model"}
            metadata["hyperparameters"] = {"validation_size": record["validation_size"]}
            try:
                cli._make_folder(models.model_prefix(args.save))
                record["saved"] = models.save_model(sess, graph, args.save, metadata)
            except (OSError, ValueError, TypeError) as error:
                raise cli.CommandError(
                    f"cannot save the committee to {args.save}: {error}") from None
    if args.json:
        cli._print_json({"status": "ok", **record})
        return 0
    count = len(record["members"])
    print(f"Committee of {count}: test accuracy {record['accuracy']:.4f} with the views "
          f"{record['views']} ({_views_count(record['view_count'])}), "
          f"{record['plain_accuracy']:.4f} plain")
    if "seconds" in record:
        print(f"Training took {record['seconds']:.0f} s in all ({count} members in turn)")
    if args.save:
        print(f"Saved the committee to {record['saved']}")
    return 0
