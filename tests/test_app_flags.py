"""tf.app.run and tf.app.flags, as TF1-era scripts use them."""

import pytest

import smallflow as tf
from smallflow import flags as flags_module


@pytest.fixture
def fresh_flags(monkeypatch):
    """An empty FLAGS object for each test (flags are process-global in TensorFlow too)."""
    fresh = flags_module._FlagValues()
    monkeypatch.setattr(flags_module, "FLAGS", fresh)
    return fresh


def test_app_run_passes_unparsed_arguments_and_exits_with_mains_result():
    seen = []

    def main(argv):
        seen.append(argv)
        return 3

    with pytest.raises(SystemExit) as info:
        tf.app.run(main=main, argv=["prog.py", "--unknown", "x"])
    assert info.value.code == 3
    assert seen == [["prog.py", "--unknown", "x"]]


def test_defined_flags_are_parsed_with_their_types(fresh_flags):
    tf.app.flags.DEFINE_string("data_dir", "/tmp/data/", "Directory for storing data")
    tf.app.flags.DEFINE_integer("max_steps", 1000, "Number of steps")
    tf.app.flags.DEFINE_float("learning_rate", 0.5, "Learning rate")
    tf.app.flags.DEFINE_boolean("fake_data", False, "Use fake data")
    rest = fresh_flags(["prog", "--max_steps", "20", "--learning_rate=0.1", "--fake_data",
                        "extra"])
    assert (fresh_flags.data_dir, fresh_flags.max_steps, fresh_flags.learning_rate,
            fresh_flags.fake_data) == ("/tmp/data/", 20, 0.1, True)
    assert rest == ["prog", "extra"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [([], False), (["--fake_data"], True), (["--fake_data=true"], True),
     (["--fake_data=false"], False), (["--nofake_data"], False)],
)
def test_boolean_flag_spellings(fresh_flags, args, expected):
    tf.app.flags.DEFINE_boolean("fake_data", False, "Use fake data")
    fresh_flags(["prog", *args])
    assert fresh_flags.fake_data is expected


def test_unknown_flag_attribute_is_named(fresh_flags):
    with pytest.raises(AttributeError, match="Unknown command line flag 'nope'"):
        _ = fresh_flags.nope


def test_a_flag_defined_twice_is_refused(fresh_flags):
    tf.app.flags.DEFINE_integer("steps", 1, "")
    with pytest.raises(ValueError, match="defined twice"):
        tf.app.flags.DEFINE_integer("steps", 2, "")


def test_bad_flag_value_is_a_usage_error(fresh_flags):
    tf.app.flags.DEFINE_integer("steps", 1, "")
    with pytest.raises(SystemExit) as info:
        fresh_flags(["prog", "--steps", "many"])
    assert info.value.code == 2


def test_logging_names_exist():
    tf.logging.set_verbosity(tf.logging.INFO)
    assert tf.logging.get_verbosity() == tf.logging.INFO
    tf.logging.info("smallflow %s", "works")
