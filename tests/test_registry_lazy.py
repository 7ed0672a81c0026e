"""Subpackages loaded on first use, and the op types they own (registry.LAZY_OP_MODULES)."""

import json
import subprocess
import sys
import textwrap

import smallflow
from smallflow import registry


def _run(code):
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_lazy_table_names_exactly_what_the_lazy_packages_register():
    # Every op type (and gradient) that appears only once a lazily loaded subpackage is
    # imported must be in the table, under the module that registers it.
    out = _run("""
        import importlib, json
        import smallflow
        from smallflow.registry import GRADIENTS, OP_DEFS
        before = set(OP_DEFS._entries) | set(GRADIENTS._entries)
        for name in sorted(smallflow._LAZY_SUBPACKAGES):
            importlib.import_module("smallflow." + name)
        print(json.dumps({
            "ops": {n: OP_DEFS.where(n) for n in set(OP_DEFS._entries) - before},
            "gradients": {n: GRADIENTS.where(n) for n in set(GRADIENTS._entries) - before},
        }))
    """)
    found = json.loads(out)
    assert found["ops"] == registry.LAZY_OP_MODULES
    for op_type, module in found["gradients"].items():
        assert op_type in registry.LAZY_OP_MODULES, (op_type, module)


def test_import_smallflow_leaves_the_lazy_subpackages_unloaded():
    out = _run("""
        import sys
        import smallflow
        print(sorted(m for m in ("smallflow.keras", "smallflow.estimator",
                                 "smallflow.distributions", "smallflow.profiler",
                                 "smallflow.contrib", "smallflow.distribute")
                     if m in sys.modules))
    """)
    assert out.strip() == "[]"


def test_a_lazy_op_type_is_found_before_its_package_is_touched():
    out = _run("""
        import sys
        from smallflow.registry import GRADIENTS, OP_DEFS
        assert "smallflow.estimator.boosted_trees" not in sys.modules
        print("SmallflowBoostedTreesPredict" in OP_DEFS,
              OP_DEFS.lookup("SmallflowBoostedTreesUpdate").type,
              "smallflow.estimator.boosted_trees" in sys.modules,
              "NoSuchOpType" in OP_DEFS)
    """)
    assert out.split() == ["True", "SmallflowBoostedTreesUpdate", "True", "False"]


def test_lazy_subpackages_are_attributes_and_listed():
    for name in ("keras", "estimator", "distributions", "profiler", "contrib"):
        assert name in dir(smallflow)
        assert getattr(smallflow, name).__name__ == f"smallflow.{name}"
