"""Write the public names of ``tf.compat.v1`` and its sub-namespaces, one per line
(``nn.relu``, ``train.AdamOptimizer``, ``assign``), from an installed TensorFlow.

Usage: python tools/tf1_names.py [OUTPUT]   (default: tools/tf1_names.txt)
The checked-in list is what ``tools/name_coverage.py`` reads when TensorFlow is absent.
"""

import inspect
import pathlib
import sys

DEFAULT_OUTPUT = pathlib.Path(__file__).with_name("tf1_names.txt")


def collect(module, prefix, seen, names):
    for name in sorted(dir(module)):
        # tf.compat.v1.compat.v1... and compat.v2 repeat whole trees: list compat's own names.
        if name.startswith("_") or name == "compat" and prefix:
            continue
        if prefix == "compat." and name in ("v1", "v2"):
            continue
        try:
            value = getattr(module, name)
        except Exception:  # noqa: BLE001 - a lazily loaded attribute may fail to import
            continue
        full = f"{prefix}{name}"
        try:
            is_module = inspect.ismodule(value)
        except Exception:  # noqa: BLE001 - Keras 3 proxies refuse some introspection
            continue
        if is_module:
            module_name = getattr(value, "__name__", "") or ""
            if id(value) in seen or not module_name.startswith("tensorflow"):
                continue
            seen.add(id(value))
            collect(value, full + ".", seen, names)
        else:
            names.append(full)


def main(argv):
    import tensorflow.compat.v1 as tf1

    output = pathlib.Path(argv[1]) if len(argv) > 1 else DEFAULT_OUTPUT
    names = []
    collect(tf1, "", {id(tf1)}, names)
    temporary = output.with_suffix(".tmp")
    temporary.write_text("".join(f"{n}\n" for n in sorted(set(names))))
    temporary.replace(output)
    print(f"{len(set(names))} names written to {output}")


if __name__ == "__main__":
    main(sys.argv)
