"""Print what a checkpoint holds (``tensorflow.python.tools.inspect_checkpoint``).

``print_tensors_in_checkpoint_file(file_name, tensor_name, all_tensors)`` prints, as
TensorFlow 1.x does, the names, dtypes and shapes of a checkpoint's tensors (its reader's
debug string), one tensor's value, or every name and value, then the number of parameters.
A problem reading the file is printed, not raised, with TensorFlow's hint when a file name
was given instead of a prefix. Also a command:
``python -m smallflow.python.tools.inspect_checkpoint --file_name=PREFIX [--tensor_name=N]
[--all_tensors] [--all_tensor_names]``.
"""

import argparse
import re
import sys

import numpy as np

from ... import errors
from ...train import checkpoint_utils


def _count_total_params(reader, count_exclude_pattern=""):
    """The number of values in the checkpoint's tensors whose names the pattern leaves in."""
    exclude = re.compile(count_exclude_pattern) if count_exclude_pattern else None
    total = 0
    for name, shape in reader.get_variable_to_shape_map().items():
        if exclude is not None and exclude.search(name):
            continue
        total += int(np.prod(shape, dtype=np.int64)) if shape else 1
    return total


def print_tensors_in_checkpoint_file(file_name, tensor_name, all_tensors,
                                     all_tensor_names=False, count_exclude_pattern=""):
    """Print a checkpoint's tensors (see the module docstring)."""
    try:
        reader = checkpoint_utils.NewCheckpointReader(file_name)
        if all_tensors or all_tensor_names:
            for key in sorted(reader.get_variable_to_shape_map()):
                print("tensor_name: ", key)
                if all_tensors:
                    print(reader.get_tensor(key))
        elif not tensor_name:
            print(reader.debug_string().decode("utf-8"))
        else:
            print("tensor_name: ", tensor_name)
            print(reader.get_tensor(tensor_name))
        print(f"# Total number of params: {_count_total_params(reader, count_exclude_pattern)}")
    except Exception as error:  # noqa: BLE001 - TensorFlow's tool prints every failure
        print(str(error))
        named_a_file = any(suffix in file_name for suffix in (".index", ".meta", ".data"))
        if isinstance(error, errors.DataLossError) and named_a_file:
            proposed = ".".join(file_name.split(".")[:-1])
            print("\nIt's likely that this is a V2 checkpoint and you need to provide the "
                  "filename\n*prefix*.  Try removing the '.' and all that follows from "
                  f"the filename, e.g.:\n'{proposed}'")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--file_name", required=True, help="checkpoint prefix or directory")
    parser.add_argument("--tensor_name", default="", help="the tensor to print")
    parser.add_argument("--all_tensors", action="store_true", help="print every tensor")
    parser.add_argument("--all_tensor_names", action="store_true",
                        help="print every tensor's name")
    args = parser.parse_args(argv)
    print_tensors_in_checkpoint_file(args.file_name, args.tensor_name, args.all_tensors,
                                     args.all_tensor_names)
    return 0


if __name__ == "__main__":
    sys.exit(main())
