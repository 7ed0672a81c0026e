"""``import tensorflow`` answered by smallflow: the hook, ``smallflow run`` and its errors."""

import os
import subprocess
import sys
import textwrap
import types

import pytest

import smallflow
from smallflow import tensorflow_alias

SRC = os.path.join(os.path.dirname(__file__), os.pardir, "src")


def _run(args, cwd, env_extra=None):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [os.path.abspath(SRC), str(cwd), env.get("PYTHONPATH", "")])
    env.update(env_extra or {})
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=300, check=False)


def _write(path, text):
    path.write_text(textwrap.dedent(text))
    return path


@pytest.fixture
def alias():
    """The hook installed in this process for one test, and removed after it."""
    assert "tensorflow" not in sys.modules
    tensorflow_alias.install_as_tensorflow()
    yield
    tensorflow_alias.uninstall_tensorflow_alias()
    assert "tensorflow" not in sys.modules


PROGRAM = """\
    import sys
    import tensorflow as tf
    import tensorflow.compat.v1 as tf1
    import tensorflow.contrib.slim as slim
    from tensorflow.python.framework import ops
    from tensorflow.python.ops import array_ops, math_ops
    import smallflow
    import smallflow.contrib.slim
    import smallflow.python.framework.ops
    import smallflow.python.ops.array_ops
    import mylib

    assert tf is smallflow and tf1 is smallflow
    assert slim is smallflow.contrib.slim
    assert ops is smallflow.python.framework.ops
    assert array_ops is smallflow.python.ops.array_ops
    # one module object per path: nothing was executed a second time under either name
    for name, module in list(sys.modules.items()):
        if name.startswith("tensorflow."):
            own = "smallflow" + name[len("tensorflow"):]
            assert module is sys.modules[own], name
            spec = module.__spec__  # None for the modules smallflow builds in code
            assert spec is None or spec.name == module.__name__, name
    x = mylib.doubled([1.0, 2.0])
    assert isinstance(x, tf.Tensor) and isinstance(x, ops.Tensor)
    assert isinstance(x, smallflow.Tensor)
    with tf.Session() as sess:
        print(sess.run(math_ops.reduce_sum(x)), tf.__version__, sys.argv[1:], __name__)
"""

LIBRARY = """\
    # a third-party library importing TensorFlow inside its own module
    import tensorflow as tf
    from tensorflow.python.ops import array_ops

    def doubled(values):
        return array_ops.identity(tf.constant(values) * 2.0)
"""


def test_program_runs_with_tensorflow_names_giving_smallflows_modules(tmp_path):
    program = _write(tmp_path / "program.py", PROGRAM)
    _write(tmp_path / "mylib.py", LIBRARY)
    for command in (["-m", "smallflow.run"], ["-m", "smallflow", "run"]):
        result = _run([*command, str(program), "--flag", "1"], cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.split() == ["6.0", smallflow.__version__, "['--flag',", "'1']",
                                         "__main__"]


def test_program_exit_code_passes_through(tmp_path):
    program = _write(tmp_path / "program.py", "import sys, tensorflow\nsys.exit(3)\n")
    assert _run(["-m", "smallflow.run", str(program)], cwd=tmp_path).returncode == 3


def test_dash_m_runs_a_module_as_main(tmp_path):
    _write(tmp_path / "tool.py", """\
        import sys
        import tensorflow.compat.v1 as tf
        import smallflow
        print(tf is smallflow, __name__, sys.argv[1:])
    """)
    result = _run(["-m", "smallflow.run", "-m", "tool", "a"], cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "__main__", "['a']"]


def test_missing_program_and_no_program_are_reported(tmp_path):
    missing = _run(["-m", "smallflow", "run", "nowhere.py"], cwd=tmp_path)
    assert missing.returncode == 1
    assert "program 'nowhere.py' does not exist" in missing.stderr
    bare = _run(["-m", "smallflow.run"], cwd=tmp_path)
    assert bare.returncode == 2
    assert "usage: python -m smallflow.run PROGRAM.py" in bare.stderr


def test_run_is_listed_in_the_commands_help(tmp_path):
    result = _run(["-m", "smallflow", "--help"], cwd=tmp_path)
    assert "run a TensorFlow 1.x program unchanged" in result.stdout


def test_tensorflow_paths_are_the_same_module_objects(alias):
    import tensorflow
    import tensorflow.python.ops.array_ops as tf_array_ops
    from tensorflow.python.training import saver

    import smallflow.python.ops.array_ops as array_ops
    import smallflow.python.training.saver as smallflow_saver

    assert tensorflow is smallflow
    assert tf_array_ops is array_ops
    assert saver is smallflow_saver
    assert sys.modules["tensorflow.python.ops.array_ops"] is array_ops
    assert tensorflow.__version__ == smallflow.__version__ == "1.15.0"


def test_installing_twice_adds_one_finder(alias):
    assert tensorflow_alias.install_as_tensorflow() is smallflow
    finders = [f for f in sys.meta_path if isinstance(f, tensorflow_alias._TensorFlowFinder)]
    assert len(finders) == 1
    assert smallflow.install_as_tensorflow is tensorflow_alias.install_as_tensorflow


def test_missing_module_error_names_the_tensorflow_path(alias):
    with pytest.raises(ModuleNotFoundError) as caught:
        import tensorflow.contrib.no_such_module  # noqa: F401
    assert caught.value.name == "tensorflow.contrib.no_such_module"
    message = str(caught.value)
    assert "No module named 'tensorflow.contrib.no_such_module'" in message
    assert "smallflow.contrib.no_such_module" in message
    assert "tensorflow.contrib.no_such_module" not in sys.modules


def test_importing_a_submodule_keeps_the_parents_rebound_name(alias):
    # smallflow's contrib.framework.python.ops binds the function arg_scope over the
    # submodule of that name, as TensorFlow's package does; importing the submodule through
    # the alias must not put the module back in its place.
    import smallflow.contrib.framework.python.ops as framework_ops

    function = framework_ops.arg_scope
    assert callable(function)
    assert not isinstance(function, types.ModuleType)
    import tensorflow.contrib.framework.python.ops.arg_scope  # noqa: F401
    from tensorflow.contrib.framework.python.ops import arg_scope

    assert arg_scope is function
    assert framework_ops.arg_scope is function


def test_refuses_when_tensorflow_itself_is_imported(monkeypatch):
    real = types.ModuleType("tensorflow")
    real.__file__ = "/site-packages/tensorflow/__init__.py"
    monkeypatch.setitem(sys.modules, "tensorflow", real)
    with pytest.raises(tensorflow_alias.TensorFlowAliasError) as caught:
        tensorflow_alias.install_as_tensorflow()
    assert "TensorFlow is already imported" in str(caught.value)
    assert "/site-packages/tensorflow/__init__.py" in str(caught.value)
    assert not tensorflow_alias.is_installed()
    assert sys.modules["tensorflow"] is real


def test_refusal_is_reported_by_the_runner(tmp_path):
    _write(tmp_path / "sitecustomize.py", """\
        import sys, types
        sys.modules["tensorflow"] = types.ModuleType("tensorflow")
    """)
    program = _write(tmp_path / "program.py", "import tensorflow\n")
    result = _run(["-m", "smallflow.run", str(program)], cwd=tmp_path)
    assert result.returncode == 1
    assert "error: TensorFlow is already imported in this process" in result.stderr
