"""Shared fixtures: where the real MNIST files live for tests."""

import os
import pathlib

import pytest
from threadpoolctl import threadpool_limits

SHARED_MNIST = pathlib.Path(__file__).resolve().parents[1].parent / "shared" / "datasets" / "mnist"


@pytest.fixture(scope="session")
def shared_mnist_dir(tmp_path_factory):
    """A read-only folder of the real MNIST files: the shared copy beside the checkout, or,
    where there is none (a fresh clone), a copy of the one bundled in the package - so no
    test that needs real data is skipped."""
    if SHARED_MNIST.is_dir():
        return SHARED_MNIST
    import importlib.resources
    import shutil

    folder = tmp_path_factory.mktemp("bundled-mnist")
    bundled = importlib.resources.files("smallflow.datasets").joinpath("data")
    for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                 "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        with importlib.resources.as_file(bundled.joinpath(name)) as source:
            shutil.copyfile(source, folder / name)
        (folder / name).chmod(0o444)
    folder.chmod(0o555)  # read-only, as the shared copy is
    return folder


@pytest.fixture(autouse=True)
def _fresh_default_graph():
    """Each test starts with an empty default graph, no default session, in graph mode."""
    import smallflow.graph as graph_module
    from smallflow.eager import context

    graph_module.reset_default_graph()
    yield
    graph_module._default_session_stack.stack.clear()
    graph_module._default_graph_stack.stack.clear()
    context.disable_eager_execution()
    graph_module.reset_default_graph()


# Programs the tests start (examples, the CLI) read this before they load NumPy.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


@pytest.fixture(autouse=True, scope="session")
def _one_blas_thread():
    """Run BLAS on one thread: the tests' matrices are small, and a multi-threaded BLAS on a
    shared 2-core machine spends far longer waiting for its threads than computing."""
    with threadpool_limits(limits=1, user_api="blas"):
        yield


@pytest.fixture
def local_cluster():
    """``make(num_workers, num_ps)``: ``tf.test.create_local_cluster``, its servers stopped
    (their ports freed) when the test ends."""
    import smallflow as tf

    made = []

    def make(num_workers, num_ps):
        workers, ps_servers = tf.test.create_local_cluster(num_workers, num_ps)
        made.extend(workers + ps_servers)
        return workers, ps_servers

    yield make
    for server in made:
        server._stop()
