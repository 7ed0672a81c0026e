"""tools/name_coverage.py counts the TF1 names smallflow has, per namespace it provides."""

import pathlib
import sys

import smallflow as tf

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "tools"))

import name_coverage  # noqa: E402


def test_counts_present_and_missing_names_in_provided_namespaces():
    names = ["assign", "newaxis", "no_such_top_level_name", "nn.relu", "nn.not_there",
             "linalg.inv", "no_such_namespace.thing"]
    total, present, missing = name_coverage.coverage(tf, names)
    assert dict(total) == {"": 3, "nn": 2, "linalg": 1}
    assert dict(present) == {"": 2, "nn": 1, "linalg": 1}
    assert missing == {"": ["no_such_top_level_name"], "nn": ["nn.not_there"]}


def test_checked_in_list_is_read_when_tensorflow_is_absent(tmp_path):
    listing = tmp_path / "names.txt"
    listing.write_text("b\na\na\n")
    names, source = name_coverage.tf1_names(str(listing))
    assert names == ["a", "b"]
    assert source == str(listing)
