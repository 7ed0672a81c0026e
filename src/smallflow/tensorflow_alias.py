"""``import tensorflow`` answered by smallflow: an import hook, and the runner behind
``smallflow run PROGRAM.py`` and ``python -m smallflow.run PROGRAM.py``.

After :func:`install_as_tensorflow`, ``tensorflow`` and every ``tensorflow.X.Y`` name the very
module objects ``smallflow`` and ``smallflow.X.Y`` do (``import tensorflow.compat.v1 as tf``,
``from tensorflow.python.ops import array_ops``, ``import tensorflow.contrib.slim as slim``),
in the program and in every library it imports. Nothing is written to disk and no module is
loaded twice, so a Tensor made through one name passes ``isinstance`` checks made through
the other. The hook is a finder at the front of ``sys.meta_path``: see docs/architecture.md
for why it is not a ``tensorflow`` package on ``sys.path``.
"""

import importlib
import importlib.abc
import importlib.machinery
import os
import runpy
import sys

ALIAS = "tensorflow"
TARGET = "smallflow"


class TensorFlowAliasError(ImportError):
    """The hook cannot stand in for TensorFlow in this process (TensorFlow itself is loaded)."""


def _target_name(fullname):
    """``tensorflow.X.Y`` -> ``smallflow.X.Y``; None for names outside ``tensorflow``."""
    if fullname == ALIAS:
        return TARGET
    if fullname.startswith(ALIAS + "."):
        return TARGET + fullname[len(ALIAS) :]
    return None


class _AliasLoader(importlib.abc.Loader):
    """Hands the import system the smallflow module already loaded: nothing is executed."""

    def __init__(self, module):
        self._module = module
        self._own_spec = getattr(module, "__spec__", None)

    def create_module(self, spec):
        return self._module

    def exec_module(self, module):
        # The module ran under its own name when smallflow imported it; running it again
        # under the alias would make a second copy whose classes differ from the first.
        # The import system has just set the alias's spec on it: put its own back, or its
        # relative imports and submodules would be resolved under the alias's name.
        module.__spec__ = self._own_spec


class _TensorFlowFinder(importlib.abc.MetaPathFinder):
    """Resolves ``tensorflow`` and ``tensorflow.*`` to smallflow's modules of the same path."""

    def find_spec(self, fullname, path=None, target=None):
        target_name = _target_name(fullname)
        if target_name is None:
            return None
        try:
            module = importlib.import_module(target_name)
        except ModuleNotFoundError as error:
            missing = error.name or ""
            ours = target_name == missing or target_name.startswith(missing + ".")
            if not (missing.startswith(TARGET) and ours):
                raise  # a module that smallflow's own code needs (a bug or an extra)
            raise ModuleNotFoundError(
                f"No module named {fullname!r}: smallflow stands in for TensorFlow in this "
                f"process and has no module {target_name!r} (the TensorFlow 1.x path "
                f"{fullname!r} is not implemented)",
                name=fullname,
            ) from None
        # Not ``fullname`` itself: the import system, finding it in sys.modules already, would
        # take the module's own spec and execute its file a second time.
        _mirror_loaded_modules(but=fullname)
        return importlib.machinery.ModuleSpec(fullname, _AliasLoader(module))


def _mirror_loaded_modules(but=None):
    """Enter every loaded ``smallflow.X`` in sys.modules as ``tensorflow.X`` too.

    An import the finder answers ends with the import system setting the module as an
    attribute of its parent package. Where smallflow's package rebinds that attribute (its
    ``__init__`` imports the function ``arg_scope`` over the submodule ``arg_scope``, as
    TensorFlow's does), that would undo the rebinding; a name already in sys.modules is
    returned without touching the parent.
    """
    prefix = TARGET + "."
    for name, module in list(sys.modules.items()):
        alias = ALIAS + name[len(TARGET) :]
        if module is not None and name.startswith(prefix) and alias != but:
            sys.modules.setdefault(alias, module)


_FINDER = _TensorFlowFinder()


def _foreign_tensorflow():
    """The first ``tensorflow`` / ``tensorflow.*`` module in sys.modules that is not ours."""
    for name, module in list(sys.modules.items()):
        if _target_name(name) is None or module is None:
            continue
        own = getattr(module, "__name__", "")
        if not (own == TARGET or own.startswith(TARGET + ".")):
            return name, module
    return None


def is_installed():
    """True when ``import tensorflow`` gives smallflow in this process."""
    return _FINDER in sys.meta_path


def install_as_tensorflow():
    """Make ``import tensorflow`` (and every ``tensorflow.X.Y``) give smallflow's modules.

    Call it before the program, or any library it uses, imports TensorFlow. Calling it again
    does nothing. Returns the ``smallflow`` module. Raises :class:`TensorFlowAliasError`
    when TensorFlow itself is already imported: two frameworks under one name would give
    tensors neither accepts.
    """
    smallflow = importlib.import_module(TARGET)
    if is_installed():
        return smallflow
    foreign = _foreign_tensorflow()
    if foreign is not None:
        name, module = foreign
        where = getattr(module, "__file__", None) or repr(module)
        raise TensorFlowAliasError(
            f"TensorFlow is already imported in this process ({name!r} from {where}); "
            f"smallflow cannot stand in for it. Install the alias before anything imports "
            f"tensorflow (run the program with `smallflow run PROGRAM.py`), or run the "
            f"program without smallflow.",
            name=name,
        )
    sys.meta_path.insert(0, _FINDER)
    sys.modules[ALIAS] = smallflow
    _mirror_loaded_modules()
    return smallflow


def uninstall_tensorflow_alias():
    """Undo :func:`install_as_tensorflow`: drop the finder and the ``tensorflow`` names."""
    while _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [name for name in sys.modules if _target_name(name) is not None]:
        module = sys.modules[name]
        own = getattr(module, "__name__", "")
        if own == TARGET or own.startswith(TARGET + "."):
            del sys.modules[name]


def run_program(argv):
    """Run ``argv`` = ``[PROGRAM.py, ARGS...]`` or ``["-m", MODULE, ARGS...]`` as ``__main__``
    with ``import tensorflow`` giving smallflow, as ``python PROGRAM.py ARGS`` would run it:
    ``sys.argv`` is ``argv`` and the program's folder comes first on ``sys.path``."""
    if not argv:
        raise ValueError("run_program needs a program: [PROGRAM.py, ARGS...] or [-m, MODULE, ...]")
    install_as_tensorflow()
    if argv[0] == "-m":
        if len(argv) < 2:
            raise ValueError("run_program: -m needs a module name")
        sys.argv = [argv[1], *argv[2:]]
        sys.path.insert(0, os.getcwd())
        runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
        return
    program = argv[0]
    if not os.path.isfile(program):
        raise FileNotFoundError(f"program {program!r} does not exist")
    sys.argv = list(argv)
    sys.path.insert(0, os.path.dirname(os.path.abspath(program)))
    runpy.run_path(program, run_name="__main__")


USAGE = (
    "usage: python -m smallflow.run PROGRAM.py [ARGS...]\n"
    "       python -m smallflow.run -m MODULE [ARGS...]\n"
    "Runs a TensorFlow 1.x program unchanged: `import tensorflow` gives smallflow."
)


def main(argv=None):
    """``python -m smallflow.run``: the exit code of the program (its SystemExit passes)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stdout if argv else sys.stderr)
        return 0 if argv else 2
    if argv[0] != "-m" and not os.path.isfile(argv[0]):
        print(f"error: program {argv[0]!r} does not exist", file=sys.stderr)
        return 1
    try:
        install_as_tensorflow()
    except TensorFlowAliasError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    run_program(argv)
    return 0
