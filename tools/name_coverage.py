"""Print the share of TensorFlow 1.x's ``tf.compat.v1`` names that smallflow provides, over
the namespaces smallflow has (the top level, ``nn``, ``train``, ``math``, ...).

The list of names comes from an installed TensorFlow when one can be imported (here, or in
the interpreter ``SMALLFLOW_ORACLE_PYTHON`` names), else from the checked-in
``tools/tf1_names.txt`` (written by ``tools/tf1_names.py``).

Usage: PYTHONPATH=src python tools/name_coverage.py [--missing NAMESPACE] [--list FILE]
"""

import argparse
import importlib
import inspect
import os
import pathlib
import subprocess
import sys
import tempfile
from collections import Counter

NAMES_FILE = pathlib.Path(__file__).with_name("tf1_names.txt")


def tf1_names(list_file):
    """(names, source): from TensorFlow if it imports here, else from the interpreter named by
    ``SMALLFLOW_ORACLE_PYTHON`` (one with tensorflow-cpu), else from ``list_file``."""
    if list_file is None:
        try:
            import tensorflow.compat.v1 as tf1  # noqa: F401
        except ImportError:
            pass
        else:
            sys.path.insert(0, str(pathlib.Path(__file__).parent))
            from tf1_names import collect

            names = []
            collect(tf1, "", {id(tf1)}, names)
            return sorted(set(names)), "installed TensorFlow"
        other = os.environ.get("SMALLFLOW_ORACLE_PYTHON")
        if other:
            with tempfile.TemporaryDirectory() as folder:
                out = pathlib.Path(folder) / "names.txt"
                script = pathlib.Path(__file__).with_name("tf1_names.py")
                env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3")
                env.pop("PYTHONPATH", None)
                subprocess.run([other, str(script), str(out)], check=True, env=env,
                               capture_output=True, timeout=600)
                return sorted(set(out.read_text().split())), f"TensorFlow in {other}"
        list_file = NAMES_FILE
    lines = pathlib.Path(list_file).read_text().split()
    return sorted(set(lines)), str(list_file)


_MISSING = object()


def _resolve(root, dotted):
    """The object at ``root.<dotted>``, or ``_MISSING`` (a name may hold None: tf.newaxis)."""
    value = root
    for part in dotted.split("."):
        try:
            value = getattr(value, part)
        except (AttributeError, ImportError):  # ImportError: an optional extra is missing
            return _MISSING
    return value


def provided_namespaces(tf, names):
    """The namespaces (prefixes before the last dot) that smallflow has as modules."""
    prefixes = {n.rpartition(".")[0] for n in names}
    found = {""}
    for prefix in prefixes:
        if prefix and inspect.ismodule(_resolve(tf, prefix)):  # _MISSING is not a module
            found.add(prefix)
    return found


def coverage(tf, names):
    namespaces = provided_namespaces(tf, names)
    total = Counter()
    present = Counter()
    missing = {}
    for name in names:
        namespace = name.rpartition(".")[0]
        if namespace not in namespaces:
            continue
        total[namespace] += 1
        if _resolve(tf, name) is not _MISSING:
            present[namespace] += 1
        else:
            missing.setdefault(namespace, []).append(name)
    return total, present, missing


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", metavar="NAMESPACE", default=None,
                        help="also list the missing names of NAMESPACE ('' for the top level)")
    parser.add_argument("--list", metavar="FILE", default=None,
                        help="read the TensorFlow names from FILE instead")
    args = parser.parse_args(argv)
    tf = importlib.import_module("smallflow")
    importlib.import_module("smallflow.contrib")
    names, source = tf1_names(args.list)
    total, present, missing = coverage(tf, names)
    print(f"tf.compat.v1 names from {source}")
    print(f"{'namespace':<24} {'present':>8} {'of':>6} {'share':>7}")
    for namespace in sorted(total):
        share = present[namespace] / total[namespace]
        label = namespace or "(top level)"
        print(f"{label:<24} {present[namespace]:>8} {total[namespace]:>6} {share:>7.1%}")
    all_present = sum(present.values())
    all_total = sum(total.values())
    print(f"{'total':<24} {all_present:>8} {all_total:>6} {all_present / all_total:>7.1%}")
    if args.missing is not None:
        print("\n".join(missing.get(args.missing, [])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
