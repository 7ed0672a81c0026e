"""The layer-table machinery the Inception definitions share.

A layer is written as a short string, ``"C 64 3x3 Conv2d_0b_3x3 s2 VALID w0.09"``: kind (``C``
conv2d, ``S`` separable conv2d, ``M`` max pool, ``A`` average pool), depth (convolutions),
kernel, scope name, then options: ``sN`` stride, ``VALID``/``SAME`` padding, ``wX`` a
truncated-normal initializer of stddev X. Two layers joined by `` | `` run side by side on
the same input and are concatenated (Inception v3's 1x3 / 3x1 pairs). A mixed block is a list
of branches (``Branch_0``, ``Branch_1``, ...), each a list of layers; their outputs are
concatenated along the channel axis.
"""

from .... import init_ops
from ....ops import array_ops
from ....variable_scope import variable_scope
from ...layers import avg_pool2d, conv2d, max_pool2d
from ...layers_extra import separable_conv2d

__all__ = ["build_layer", "build_stem_and_blocks", "reduced_kernel_size", "trunc_normal"]


def trunc_normal(stddev):
    return init_ops.truncated_normal_initializer(0.0, stddev)


def _parse(spec):
    words = spec.split()
    kind = words[0]
    rest = words[1:]
    depth = int(rest.pop(0)) if kind in ("C", "S") else None
    kernel = [int(k) for k in rest.pop(0).split("x")]
    scope = rest.pop(0)
    options = {}
    for word in rest:
        if word in ("VALID", "SAME"):
            options["padding"] = word
        elif word.startswith("s"):
            options["stride"] = int(word[1:])
        elif word.startswith("w"):
            options["weights_initializer"] = trunc_normal(float(word[1:]))
        else:
            raise ValueError(f"unknown option {word!r} in layer {spec!r}")
    return kind, depth, kernel, scope, options


def build_layer(net, spec, depth):
    """Apply the layer(s) ``spec`` to ``net``; ``depth`` maps a table depth to the built one
    (the depth multiplier)."""
    if "|" in spec:
        parts = [build_layer(net, part.strip(), depth) for part in spec.split("|")]
        return array_ops.concat(parts, axis=3)
    kind, width, kernel, scope, options = _parse(spec)
    if kind == "C":
        return conv2d(net, depth(width), kernel, scope=scope, **options)
    if kind == "S":
        multiplier = min(int(depth(width) / 3), 8)
        return separable_conv2d(net, depth(width), kernel, depth_multiplier=multiplier,
                                scope=scope, **options)
    pool = max_pool2d if kind == "M" else avg_pool2d
    return pool(net, kernel, scope=scope, **options)


def _mixed(net, branches, depth):
    outputs = []
    for index, layers in enumerate(branches):
        with variable_scope(f"Branch_{index}"):
            branch = net
            for spec in layers:
                branch = build_layer(branch, spec, depth)
            outputs.append(branch)
    return array_ops.concat(outputs, axis=3)


def build_stem_and_blocks(net, table, final_endpoint, depth, end_points, stem_scope=None):
    """Build ``table`` (stem layer strings, then ``(name, branches)`` mixed blocks) up to
    ``final_endpoint``, recording each end point; returns ``(net, done)``.

    ``stem_scope`` (a context manager factory) wraps the stem layers (Inception v3 builds its
    stem with VALID padding)."""
    for entry in table:
        if isinstance(entry, str):
            name = _parse(entry)[3]
            if stem_scope is not None:
                with stem_scope():
                    net = build_layer(net, entry, depth)
            else:
                net = build_layer(net, entry, depth)
        else:
            name, branches = entry
            with variable_scope(name):
                net = _mixed(net, branches, depth)
        end_points[name] = net
        if name == final_endpoint:
            return net, True
    return net, False


def reduced_kernel_size(tensor, kernel_size):
    """``kernel_size`` cut down to the spatial size of ``tensor`` when that is known and
    smaller (small inputs still reach a 1x1 map)."""
    shape = tensor.shape.as_list()
    if shape[1] is None or shape[2] is None:
        return kernel_size
    return [min(shape[1], kernel_size[0]), min(shape[2], kernel_size[1])]
