"""``tf.test``: ``TestCase`` and ``main`` for TF1 test files, the gradient checker, graph
comparison, benchmarks, and answers about the hardware smallflow runs on (the CPU only)."""

import functools
import inspect
import sys
import time
import unittest

from . import flags
from . import logging as _logging
from .gradient_checker import compute_gradient, compute_gradient_error
from .protos import ConfigProto
from .test_case import TestCase, get_temp_dir


def main(argv=None):
    """Run the tests of the main module (unittest's runner) after parsing ``tf.app.flags``
    from ``argv``; exits with the tests' status."""
    args = sys.argv if argv is None else list(argv)
    remaining = flags.FLAGS(args, known_only=True)
    return unittest.main(argv=remaining)


def is_gpu_available(cuda_only=False, min_cuda_compute_capability=None):
    """smallflow runs on the CPU only."""
    return False


def is_built_with_cuda():
    return False


def is_built_with_gpu_support():
    return False


def is_built_with_rocm():
    return False


def is_built_with_xla():
    return False


def gpu_device_name():
    return ""


def create_local_cluster(num_workers, num_ps, protocol="grpc", worker_config=None,
                         ps_config=None):
    """``(workers, ps_servers)``: servers of one local cluster of ``num_workers`` workers and
    ``num_ps`` parameter servers, all in this process, on free ports of localhost; each
    worker's ``target`` opens sessions that share the variables placed on the cluster's
    tasks."""
    from .train.server_lib import ClusterSpec, Server, _free_port

    if num_workers < 1 or num_ps < 0:
        raise ValueError(f"create_local_cluster needs num_workers >= 1 and num_ps >= 0, got "
                         f"{num_workers} and {num_ps}")
    cluster = {"worker": [f"localhost:{_free_port()}" for _ in range(num_workers)]}
    if num_ps > 0:
        cluster["ps"] = [f"localhost:{_free_port()}" for _ in range(num_ps)]
    spec = ClusterSpec(cluster)
    workers = [Server(spec, job_name="worker", protocol=protocol, task_index=index,
                      config=worker_config, start=True) for index in range(num_workers)]
    ps_servers = [Server(spec, job_name="ps", protocol=protocol, task_index=index,
                         config=ps_config, start=True) for index in range(num_ps)]
    return workers, ps_servers


def benchmark_config():
    """The ConfigProto for benchmarks: TensorFlow turns its graph rewriting off; smallflow
    never rewrites graphs, so it is a default ConfigProto."""
    return ConfigProto()


def disable_with_predicate(pred, skip_message):
    """Decorator: skip the test (function or class) when ``pred()`` is true."""

    def decorate(target):
        if inspect.isclass(target):
            return unittest.skipIf(pred(), skip_message)(target)

        @functools.wraps(target)
        def wrapper(self, *args, **kwargs):
            if pred():
                self.skipTest(skip_message)
            return target(self, *args, **kwargs)

        return wrapper

    return decorate


def assert_equal_graph_def(actual, expected, checkpoint_v2=False,
                           hash_table_shared_name=False):
    """Raise AssertionError naming the first difference between two GraphDefs (node order
    does not matter, nor the order of control inputs)."""
    for value, what in ((actual, "actual"), (expected, "expected")):
        if not hasattr(value, "node"):
            raise TypeError(f"Expected tf.GraphDef for {what}, got {type(value).__name__}")
    actual_nodes = {node.name: node for node in actual.node}
    expected_nodes = {node.name: node for node in expected.node}
    for name in actual_nodes:
        if name not in expected_nodes:
            raise AssertionError(f"Found unexpected node '{name}' not in expected graph:\n"
                                 f"{actual_nodes[name]}")
    for name, want in expected_nodes.items():
        got = actual_nodes.get(name)
        if got is None:
            raise AssertionError(f"Expected node '{name}' not found in actual graph.")
        _assert_equal_node(got, want, checkpoint_v2)


def _split_inputs(node):
    data = [i for i in node.input if not i.startswith("^")]
    control = sorted(i for i in node.input if i.startswith("^"))
    return data, control


def _assert_equal_node(got, want, checkpoint_v2):
    if got.op != want.op:
        raise AssertionError(f"Node named '{got.name}' has op '{got.op}' that does not match "
                             f"expected '{want.op}'")
    if got.device != want.device:
        raise AssertionError(f"Node named '{got.name}' has device '{got.device}' that does "
                             f"not match expected '{want.device}'")
    if _split_inputs(got) != _split_inputs(want):
        raise AssertionError(f"Node named '{got.name}' has inputs {list(got.input)} that "
                             f"do not match expected {list(want.input)}")
    ignored = {"_class"} if checkpoint_v2 else set()
    got_attrs = {k: v for k, v in got.attr.items() if k not in ignored}
    want_attrs = {k: v for k, v in want.attr.items() if k not in ignored}
    for key in sorted(set(got_attrs) | set(want_attrs)):
        if key not in want_attrs:
            raise AssertionError(f"Node named '{got.name}' has unexpected attr '{key}'")
        if key not in got_attrs:
            raise AssertionError(f"Node named '{got.name}' missing expected attr '{key}'")
        if got_attrs[key] != want_attrs[key]:
            raise AssertionError(f"Node named '{got.name}' has attr '{key}' with value "
                                 f"{got_attrs[key]} that does not match expected "
                                 f"{want_attrs[key]}")


class StubOutForTesting:
    """Replace attributes of modules or objects for a test and put them back afterwards
    (``Set``/``SmartSet``, then ``CleanUp``/``UnsetAll``; a context manager too)."""

    def __init__(self):
        self.cache = []
        self.stubs = []

    def __del__(self):
        self.SmartUnsetAll()
        self.UnsetAll()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc_value, traceback):
        self.CleanUp()

    def CleanUp(self):  # noqa: N802 - TensorFlow's method names
        self.SmartUnsetAll()
        self.UnsetAll()

    def SmartSet(self, obj, attr_name, new_attr):  # noqa: N802
        """Replace ``obj.attr_name``; ``SmartUnsetAll`` restores it (a class's static or
        class methods keep their kind)."""
        if inspect.ismodule(obj) or (not inspect.isclass(obj) and attr_name in obj.__dict__):
            orig_obj = obj
            orig_attr = getattr(obj, attr_name)
        else:
            if not inspect.isclass(obj):
                mro = list(inspect.getmro(obj.__class__))
            else:
                mro = list(inspect.getmro(obj))
            mro.reverse()
            orig_attr = None
            found_attr = False
            for cls in mro:
                try:
                    orig_obj = cls
                    orig_attr = getattr(obj, attr_name)
                    found_attr = True
                except AttributeError:
                    continue
            if not found_attr:
                raise AttributeError("Attribute not found.")
        old_attribute = obj.__dict__.get(attr_name)
        if old_attribute is not None and isinstance(old_attribute, staticmethod):
            orig_attr = staticmethod(orig_attr)
        self.stubs.append((orig_obj, attr_name, orig_attr))
        setattr(orig_obj, attr_name, new_attr)

    def SmartUnsetAll(self):  # noqa: N802
        for obj, attr_name, old_attr in reversed(self.stubs):
            setattr(obj, attr_name, old_attr)
        self.stubs = []

    def Set(self, parent, child_name, new_child):  # noqa: N802
        """Replace ``parent.child_name`` by ``new_child``; ``UnsetAll`` restores it."""
        old_child = getattr(parent, child_name)
        old_attribute = parent.__dict__.get(child_name)
        if old_attribute is not None and isinstance(old_attribute, classmethod):
            old_child = old_attribute
        self.cache.append((parent, old_child, child_name))
        setattr(parent, child_name, new_child)

    def UnsetAll(self):  # noqa: N802
        for parent, old_child, child_name in reversed(self.cache):
            setattr(parent, child_name, old_child)
        self.cache = []


class Benchmark:
    """Base class of benchmarks: ``report_benchmark`` records a result (logged at INFO),
    ``run_op_benchmark`` times ``sess.run`` of an op."""

    def _get_name(self, overwrite_name=None):
        if overwrite_name:
            return overwrite_name
        caller = inspect.stack()[2].function
        return f"{type(self).__name__}.{caller}"

    def report_benchmark(self, iters=None, cpu_time=None, wall_time=None, throughput=None,
                         extras=None, name=None, metrics=None):
        """Record one benchmark result; returns it as a dict."""
        entry = {"name": self._get_name(overwrite_name=name), "iters": iters,
                 "cpu_time": cpu_time, "wall_time": wall_time, "throughput": throughput,
                 "extras": extras or {}, "metrics": metrics or []}
        _logging.info("Benchmark [%s] iters: %s, wall_time: %s, cpu_time: %s, throughput: "
                      "%s, extras: %s", entry["name"], iters, wall_time, cpu_time,
                      throughput, entry["extras"])
        return entry

    def evaluate(self, tensors):
        from .graph import get_default_session

        sess = get_default_session()
        if sess is None:
            raise ValueError("Benchmark.evaluate needs a default session "
                             "(use `with tf.Session() as sess:` or sess.as_default()).")
        return sess.run(tensors)

    def run_op_benchmark(self, sess, op_or_tensor, feed_dict=None, burn_iters=2,
                         min_iters=10, store_trace=False, store_memory_usage=True, name=None,
                         extras=None, mbs=0):
        """Run ``op_or_tensor`` ``burn_iters`` times untimed, then ``min_iters`` times timed;
        report and return ``{"name", "iters", "wall_time", "extras"}`` (median seconds)."""
        for _ in range(burn_iters):
            sess.run(op_or_tensor, feed_dict=feed_dict)
        deltas = []
        for _ in range(min_iters):
            start = time.perf_counter()
            sess.run(op_or_tensor, feed_dict=feed_dict)
            deltas.append(time.perf_counter() - start)
        deltas.sort()
        median = deltas[len(deltas) // 2] if deltas else 0.0
        extras = dict(extras or {})
        throughput = mbs / median if mbs and median > 0 else None
        if throughput is not None:
            extras["throughput_mbs"] = throughput
        entry = self.report_benchmark(iters=min_iters, wall_time=median, extras=extras,
                                      name=self._get_name(overwrite_name=name))
        return {"name": entry["name"], "iters": min_iters, "wall_time": median,
                "extras": extras}



__all__ = ["Benchmark", "StubOutForTesting", "TestCase", "assert_equal_graph_def",
           "benchmark_config", "compute_gradient", "compute_gradient_error",
           "create_local_cluster",
           "disable_with_predicate", "get_temp_dir", "gpu_device_name",
           "is_built_with_cuda", "is_built_with_gpu_support", "is_built_with_rocm",
           "is_built_with_xla", "is_gpu_available", "main"]
