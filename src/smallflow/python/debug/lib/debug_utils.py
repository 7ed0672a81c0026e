"""tfdbg's watch helpers: add tensor watches to ``RunOptions.debug_options``."""

import re


def _as_list(value):
    return [value] if isinstance(value, str) else list(value)


def add_debug_tensor_watch(run_options, node_name, output_slot=0, debug_ops="DebugIdentity",
                           debug_urls=None, tolerate_debug_op_creation_failures=False,
                           global_step=-1):
    """Watch ``node_name:output_slot`` in runs made with ``run_options``."""
    debug_options = run_options.debug_options
    debug_options.global_step = global_step
    watch = debug_options.debug_tensor_watch_opts.add()
    watch.tolerate_debug_op_creation_failures = tolerate_debug_op_creation_failures
    watch.node_name = node_name
    watch.output_slot = output_slot
    watch.debug_ops.extend(_as_list(debug_ops))
    if debug_urls:
        watch.debug_urls.extend(_as_list(debug_urls))


def _watch_filtered(run_options, graph, debug_ops, debug_urls, keep_op, keep_dtype,
                    tolerate, global_step):
    for op in graph.get_operations():
        if not op.outputs or not keep_op(op):
            continue
        for slot, tensor in enumerate(op.outputs):
            if not keep_dtype(tensor.dtype.name):
                continue
            add_debug_tensor_watch(run_options, op.name, output_slot=slot,
                                   debug_ops=debug_ops, debug_urls=debug_urls,
                                   tolerate_debug_op_creation_failures=tolerate,
                                   global_step=global_step)


def watch_graph(run_options, graph, debug_ops="DebugIdentity", debug_urls=None,
                node_name_regex_whitelist=None, op_type_regex_whitelist=None,
                tensor_dtype_regex_whitelist=None, tolerate_debug_op_creation_failures=False,
                global_step=-1, reset_disk_byte_usage=False):
    """Watch every output of ``graph``'s ops whose name, type and dtype match the (ANDed)
    regular expressions given; with none given, also a wildcard watch (``*``, slot -1)."""
    if not debug_ops:
        raise ValueError("debug_ops must not be empty or None.")
    if not debug_urls:
        raise ValueError("debug_urls must not be empty or None.")
    debug_ops = _as_list(debug_ops)
    name_re = re.compile(node_name_regex_whitelist) if node_name_regex_whitelist else None
    type_re = re.compile(op_type_regex_whitelist) if op_type_regex_whitelist else None
    dtype_re = re.compile(tensor_dtype_regex_whitelist) if tensor_dtype_regex_whitelist else None

    def keep_op(op):
        return ((name_re is None or name_re.match(op.name))
                and (type_re is None or type_re.match(op.type)))

    _watch_filtered(run_options, graph, debug_ops, debug_urls, keep_op,
                    lambda dtype: dtype_re is None or dtype_re.match(dtype),
                    tolerate_debug_op_creation_failures, global_step)
    if name_re is None and type_re is None and dtype_re is None:
        add_debug_tensor_watch(run_options, "*", output_slot=-1, debug_ops=debug_ops,
                               debug_urls=debug_urls,
                               tolerate_debug_op_creation_failures=(
                                   tolerate_debug_op_creation_failures),
                               global_step=global_step)
    run_options.debug_options.reset_disk_byte_usage = reset_disk_byte_usage


def watch_graph_with_blacklists(run_options, graph, debug_ops="DebugIdentity", debug_urls=None,
                                node_name_regex_blacklist=None, op_type_regex_blacklist=None,
                                tensor_dtype_regex_blacklist=None,
                                tolerate_debug_op_creation_failures=False, global_step=-1,
                                reset_disk_byte_usage=False):
    """Watch every output of ``graph``'s ops except those whose name, type or dtype match
    one of the (ORed) regular expressions given."""
    debug_ops = _as_list(debug_ops)
    name_re = re.compile(node_name_regex_blacklist) if node_name_regex_blacklist else None
    type_re = re.compile(op_type_regex_blacklist) if op_type_regex_blacklist else None
    dtype_re = re.compile(tensor_dtype_regex_blacklist) if tensor_dtype_regex_blacklist else None

    def keep_op(op):
        return not ((name_re is not None and name_re.match(op.name))
                    or (type_re is not None and type_re.match(op.type)))

    _watch_filtered(run_options, graph, debug_ops, debug_urls, keep_op,
                    lambda dtype: dtype_re is None or not dtype_re.match(dtype),
                    tolerate_debug_op_creation_failures, global_step)
    run_options.debug_options.reset_disk_byte_usage = reset_disk_byte_usage


def watch_graph_with_denylists(run_options, graph, debug_ops="DebugIdentity", debug_urls=None,
                               node_name_regex_denylist=None, op_type_regex_denylist=None,
                               tensor_dtype_regex_denylist=None,
                               tolerate_debug_op_creation_failures=False, global_step=-1,
                               reset_disk_byte_usage=False):
    """``watch_graph_with_blacklists`` under the name later TensorFlow releases give it."""
    watch_graph_with_blacklists(
        run_options, graph, debug_ops=debug_ops, debug_urls=debug_urls,
        node_name_regex_blacklist=node_name_regex_denylist,
        op_type_regex_blacklist=op_type_regex_denylist,
        tensor_dtype_regex_blacklist=tensor_dtype_regex_denylist,
        tolerate_debug_op_creation_failures=tolerate_debug_op_creation_failures,
        global_step=global_step, reset_disk_byte_usage=reset_disk_byte_usage)
