"""``tf.sysconfig``: where a C++ extension would find TensorFlow's headers and library.

smallflow has no C++ library: these give the package's own directory and empty flags, so a
build script that only prints or records them runs; compiling a custom op against them is
not possible (``tf.load_op_library`` is not provided either)."""

import os

__all__ = ["get_compile_flags", "get_include", "get_lib", "get_link_flags"]

_PACKAGE = os.path.dirname(os.path.abspath(__file__))


def get_include():
    """The directory a TensorFlow build would keep its headers in (here: the package)."""
    return os.path.join(_PACKAGE, "include")


def get_lib():
    """The package's directory (TensorFlow: the one holding libtensorflow_framework)."""
    return _PACKAGE


def get_compile_flags():
    return [f"-I{get_include()}", "-D_GLIBCXX_USE_CXX11_ABI=1"]


def get_link_flags():
    return [f"-L{get_lib()}"]
