"""tf.app.run and tf.app.flags, as TF1-era scripts use them (absl's documented semantics)."""

import enum

import pytest

import smallflow as tf
from smallflow import flags as flags_module

F = tf.app.flags


@pytest.fixture
def fresh_flags(monkeypatch):
    """An empty FLAGS for each test (flags are process-global in TensorFlow too)."""
    fresh = flags_module._new_flags()
    monkeypatch.setattr(flags_module, "FLAGS", fresh)
    return fresh


class Color(enum.Enum):
    RED = 1
    GREEN = 2


def test_app_run_passes_unparsed_arguments_and_exits_with_mains_result(fresh_flags):
    seen = []

    def main(argv):
        seen.append(argv)
        return 3

    with pytest.raises(SystemExit) as info:
        tf.app.run(main=main, argv=["prog.py", "--unknown", "x"])
    assert info.value.code == 3
    assert seen == [["prog.py", "--unknown", "x"]]


def test_app_run_reports_a_bad_value_and_exits_1(fresh_flags, capsys):
    F.DEFINE_integer("steps", 1, "")
    with pytest.raises(SystemExit) as info:
        tf.app.run(main=lambda argv: 0, argv=["prog", "--steps", "many"])
    assert info.value.code == 1
    err = capsys.readouterr().err
    assert "FATAL Flags parsing error: flag --steps=many" in err


def test_help_flag_prints_the_flags_and_exits_1(fresh_flags, capsys):
    F.DEFINE_integer("max_steps", 1000, "Number of steps to run trainer.")
    with pytest.raises(SystemExit) as info:
        tf.app.run(main=lambda argv: 0, argv=["prog", "--helpfull"])
    assert info.value.code == 1
    out = capsys.readouterr().out
    assert "--max_steps: Number of steps to run trainer." in out
    assert "(default: '1000')" in out


def test_defined_flags_are_parsed_with_their_types(fresh_flags):
    F.DEFINE_string("data_dir", "/tmp/data/", "Directory for storing data")
    F.DEFINE_integer("max_steps", 1000, "Number of steps")
    F.DEFINE_float("learning_rate", 0.5, "Learning rate")
    F.DEFINE_boolean("fake_data", False, "Use fake data")
    rest = fresh_flags(["prog", "--max_steps", "20", "--learning_rate=0.1", "--fake_data",
                        "extra"])
    assert (fresh_flags.data_dir, fresh_flags.max_steps, fresh_flags.learning_rate,
            fresh_flags.fake_data) == ("/tmp/data/", 20, 0.1, True)
    assert rest == ["prog", "extra"]


DEFINES = [
    # (define, args, expected value)
    (lambda: F.DEFINE_boolean("b", False, ""), [], False),
    (lambda: F.DEFINE_boolean("b", False, ""), ["--b"], True),
    (lambda: F.DEFINE_boolean("b", False, ""), ["--b=true"], True),
    (lambda: F.DEFINE_boolean("b", True, ""), ["--b=false"], False),
    (lambda: F.DEFINE_boolean("b", True, ""), ["--b=0"], False),
    (lambda: F.DEFINE_bool("b", True, ""), ["--nob"], False),
    (lambda: F.DEFINE_bool("b", False, ""), ["-b"], True),
    (lambda: F.DEFINE_integer("b", 1, ""), ["--b=0x1f"], 31),
    (lambda: F.DEFINE_integer("b", 1, ""), ["--b", "-5"], -5),
    (lambda: F.DEFINE_integer("b", "7", ""), [], 7),  # a text default is parsed
    (lambda: F.DEFINE_float("b", 1, ""), [], 1.0),
    (lambda: F.DEFINE_float("b", 1, ""), ["--b=2.5e-3"], 0.0025),
    (lambda: F.DEFINE_string("b", None, ""), [], None),
    (lambda: F.DEFINE_string("b", "x", ""), ["--b="], ""),
    (lambda: F.DEFINE_enum("b", "sgd", ["sgd", "adam"], ""), ["--b", "adam"], "adam"),
    (lambda: F.DEFINE_enum_class("b", Color.RED, Color, ""), ["--b=green"], Color.GREEN),
    (lambda: F.DEFINE_enum_class("b", "red", Color, ""), [], Color.RED),
    (lambda: F.DEFINE_list("b", "x,y", ""), [], ["x", "y"]),
    (lambda: F.DEFINE_list("b", [], ""), ['--b=a,"b,c", d'], ["a", "b,c", "d"]),
    (lambda: F.DEFINE_spaceseplist("b", "", ""), ["--b=a  b c"], ["a", "b", "c"]),
    (lambda: F.DEFINE_spaceseplist("b", "", "", comma_compat=True), ["--b=a,b c"],
     ["a", "b", "c"]),
    (lambda: F.DEFINE_multi_string("b", "x", ""), [], ["x"]),
    (lambda: F.DEFINE_multi_string("b", "x", ""), ["--b=y", "--b", "z"], ["y", "z"]),
    (lambda: F.DEFINE_multi_integer("b", [1], ""), ["--b=2", "--b=3"], [2, 3]),
    (lambda: F.DEFINE_multi_float("b", None, ""), ["--b=2"], [2.0]),
    (lambda: F.DEFINE_multi_enum("b", ["a"], ["a", "b"], ""), ["--b=b", "--b=a"], ["b", "a"]),
    (lambda: F.DEFINE_multi_enum_class("b", [Color.RED], Color, ""), ["--b=GREEN"],
     [Color.GREEN]),
    (lambda: F.DEFINE(F.IntegerParser(), "b", 3, ""), ["--b=4"], 4),
    (lambda: F.DEFINE_multi(F.FloatParser(), F.ArgumentSerializer(), "b", [], ""),
     ["--b=1", "--b=2"], [1.0, 2.0]),
    (lambda: F.DEFINE_flag(F.BooleanFlag("b", False, "")), ["--b"], True),
    (lambda: F.DEFINE_string(flag_name="b", default_value="old", docstring="TF's old names"),
     [], "old"),
]


@pytest.mark.parametrize(("define", "args", "expected"), DEFINES)
def test_each_flag_kind_parses_as_absl_documents(fresh_flags, define, args, expected):
    define()
    fresh_flags(["prog", *args])
    assert fresh_flags.b == expected
    assert type(fresh_flags.b) is type(expected)


BAD_VALUES = [
    (lambda: F.DEFINE_integer("b", 1, ""), "--b=many", "invalid literal"),
    (lambda: F.DEFINE_integer("b", 1, "", lower_bound=0), "--b=-1",
     "-1 is not a non-negative integer"),
    (lambda: F.DEFINE_integer("b", 1, "", lower_bound=1, upper_bound=5), "--b=6",
     r"6 is not a value in the range \[1, 5\]"),
    (lambda: F.DEFINE_float("b", 0, "", upper_bound=0), "--b=1", "is not a non-positive"),
    (lambda: F.DEFINE_boolean("b", False, ""), "--b=yes", "Non-boolean argument"),
    (lambda: F.DEFINE_enum("b", "a", ["a", "b"], ""), "--b=c", r"value should be one of <a\|b>"),
    (lambda: F.DEFINE_enum_class("b", "red", Color, ""), "--b=blue", "value should be one of"),
]


@pytest.mark.parametrize(("define", "arg", "message"), BAD_VALUES)
def test_bad_values_raise_illegal_flag_value_error(fresh_flags, define, arg, message):
    define()
    with pytest.raises(F.IllegalFlagValueError, match=message):
        fresh_flags(["prog", arg])


def test_unknown_flags_are_errors_unless_known_only(fresh_flags):
    F.DEFINE_integer("steps", 1, "")
    with pytest.raises(F.UnrecognizedFlagError, match="Unknown command line flag 'step'"):
        fresh_flags(["prog", "--step=3"])
    assert fresh_flags(["prog", "--step=3", "--steps=4"], known_only=True) == ["prog",
                                                                              "--step=3"]
    assert fresh_flags.steps == 4


def test_undefok_skips_named_unknown_flags(fresh_flags):
    assert fresh_flags(["prog", "--undefok=foo,bar", "--foo=1", "--nobar", "x"]) == ["prog",
                                                                                   "x"]


def test_double_dash_ends_the_flags(fresh_flags):
    F.DEFINE_integer("steps", 1, "")
    assert fresh_flags(["prog", "--", "--steps=3"]) == ["prog", "--steps=3"]
    assert fresh_flags.steps == 1


def test_missing_value_is_an_error(fresh_flags):
    F.DEFINE_integer("steps", 1, "")
    with pytest.raises(F.Error, match="Missing value for flag --steps"):
        fresh_flags(["prog", "--steps"])


def test_argv_must_be_a_list_with_the_program_name(fresh_flags):
    with pytest.raises(TypeError, match="argv should be a tuple/list"):
        fresh_flags("prog --x")
    with pytest.raises(ValueError, match="argv cannot be an empty list"):
        fresh_flags([])


def test_tf_flags_parse_sys_argv_on_first_read(fresh_flags, monkeypatch):
    F.DEFINE_integer("steps", 1, "")
    monkeypatch.setattr("sys.argv", ["prog", "--steps=9", "-f", "kernel.json"])
    assert fresh_flags.steps == 9  # TensorFlow's FLAGS wrapper: no UnparsedFlagAccessError


def test_plain_flag_values_refuse_reads_before_parsing():
    values = F.FlagValues()
    F.DEFINE_integer("steps", 1, "", flag_values=values)
    with pytest.raises(F.UnparsedFlagAccessError,
                       match="Trying to access flag --steps before flags were parsed"):
        _ = values.steps
    values.mark_as_parsed()
    assert values.steps == 1
    assert values["steps"].default == 1


def test_flag_holder_reads_the_value_and_refuses_comparison(fresh_flags):
    holder = F.DEFINE_integer("steps", 5, "")
    fresh_flags(["prog", "--steps=6"])
    assert (holder.name, holder.value, holder.default, holder.present) == ("steps", 6, 5, True)
    assert holder.serialize() == "--steps=6"
    with pytest.raises(TypeError, match="did you mean to use 'FlagHolder.value'"):
        _ = holder == 6
    F.override_value(holder, 7)
    assert fresh_flags.steps == 7
    F.set_default(holder, 8)
    assert fresh_flags["steps"].default == 8
    assert fresh_flags.steps == 7


def test_unknown_flag_attribute_is_an_attribute_error(fresh_flags):
    fresh_flags(["prog"])
    with pytest.raises(AttributeError, match="nope"):
        _ = fresh_flags.nope
    with pytest.raises(F.UnrecognizedFlagError):
        fresh_flags.nope = 1


def test_a_flag_defined_twice_is_refused(fresh_flags):
    F.DEFINE_integer("steps", 1, "First")
    with pytest.raises(F.DuplicateFlagError, match="The flag 'steps' is defined twice"):
        F.DEFINE_integer("steps", 2, "")


def test_a_flag_named_like_a_method_is_refused(fresh_flags):
    with pytest.raises(F.FlagNameConflictsWithMethodError, match='named "get_help"'):
        F.DEFINE_string("get_help", "", "")


def test_short_names_and_aliases(fresh_flags):
    F.DEFINE_integer("batch_size", 1, "", short_name="n")
    F.DEFINE_alias("bs", "batch_size")
    fresh_flags(["prog", "-n", "4"])
    assert fresh_flags.batch_size == 4
    fresh_flags(["prog", "--bs=7"])
    assert (fresh_flags.batch_size, fresh_flags.bs) == (7, 7)
    with pytest.raises(F.UnrecognizedFlagError):
        F.DEFINE_alias("x", "nothing")


def test_required_flags_and_validators_run_after_parsing(fresh_flags):
    F.DEFINE_string("model_dir", None, "")
    F.DEFINE_integer("steps", 10, "")
    F.mark_flag_as_required("model_dir")

    @F.validator("steps", message="steps must be even")
    def _even(value):
        return value % 2 == 0

    with pytest.raises(F.IllegalFlagValueError,
                       match="flag --model_dir=None: Flag --model_dir must have a value"):
        fresh_flags(["prog"])
    with pytest.raises(F.IllegalFlagValueError, match="flag --steps=3: steps must be even"):
        fresh_flags(["prog", "--model_dir=/m", "--steps=3"])
    fresh_flags(["prog", "--model_dir=/m", "--steps=4"])
    with pytest.raises(F.IllegalFlagValueError, match="steps must be even"):
        fresh_flags.steps = 5


def test_required_define_and_multi_flag_validators(fresh_flags):
    F.DEFINE_string("a", None, "", required=True)
    F.DEFINE_string("b", None, "")
    F.DEFINE_string("c", None, "")
    F.mark_flags_as_mutual_exclusive(["b", "c"])
    F.register_multi_flags_validator(["a", "b"], lambda d: d["a"] != d["b"], message="same")
    with pytest.raises(F.IllegalFlagValueError, match=r"At most one of \(b, c\)"):
        fresh_flags(["prog", "--a=1", "--b=2", "--c=3"])
    fresh_flags.unparse_flags()  # values given earlier stay until unparsed, as in absl
    with pytest.raises(F.IllegalFlagValueError, match="flags a=1, b=1: same"):
        fresh_flags(["prog", "--a=1", "--b=1"])
    with pytest.raises(ValueError, match="needs to have None as default"):
        F.DEFINE_string("d", "x", "", required=True)


def test_bool_flags_mutual_exclusion(fresh_flags):
    F.DEFINE_boolean("x", False, "")
    F.DEFINE_boolean("y", False, "")
    F.mark_bool_flags_as_mutual_exclusive(["x", "y"], required=True)
    with pytest.raises(F.IllegalFlagValueError, match=r"Exactly one of \(x, y\) must be True"):
        fresh_flags(["prog"])
    fresh_flags(["prog", "--y"])


def test_flagfile_lines_are_flags(fresh_flags, tmp_path):
    F.DEFINE_integer("steps", 1, "")
    F.DEFINE_string("name", "", "")
    inner = tmp_path / "inner.cfg"
    inner.write_text("--name=inner\n")
    outer = tmp_path / "outer.cfg"
    outer.write_text(f"# comment\n--steps=12\n// other comment\n--flagfile={inner}\n")
    fresh_flags(["prog", f"--flagfile={outer}"])
    assert (fresh_flags.steps, fresh_flags.name) == (12, "inner")
    with pytest.raises(F.CantOpenFlagFileError, match="Unable to open flagfile"):
        fresh_flags(["prog", f"--flagfile={tmp_path / 'missing'}"])


def test_flags_into_string_round_trips(fresh_flags):
    F.DEFINE_integer("steps", 1, "")
    F.DEFINE_boolean("fast", True, "")
    F.DEFINE_list("names", ["a", "b"], "")
    fresh_flags(["prog", "--steps=3", "--nofast"])
    text = fresh_flags.flags_into_string()
    assert set(text.split()) == {"--steps=3", "--nofast", "--names=a,b"}
    assert fresh_flags.flag_values_dict() == {"steps": 3, "fast": False, "names": ["a", "b"]}
    fresh_flags.unparse_flags()
    assert fresh_flags["steps"].value == 1


@pytest.mark.parametrize(
    ("flag_map", "multi", "expected"),
    [({"a": 1, "b": None, "c": True, "d": False}, None, ["--a=1", "--c", "--nod"]),
     ({"l": [1, 2]}, None, ["--l=1,2"]),
     ({"l": [1, 2]}, {"l"}, ["--l=1", "--l=2"])],
)
def test_flag_dict_to_args(flag_map, multi, expected):
    assert list(F.flag_dict_to_args(flag_map, multi)) == expected


def test_help_text_helpers():
    assert F.doc_to_help("  First line\n    more of it.\n\n    Second.") == (
        "First line more of it.\n\nSecond.")
    assert F.text_wrap("aaa bbb ccc", length=8, indent="  ") == "  aaa\n  bbb\n  ccc"
    assert F.get_help_width() >= 40


def test_logging_names_exist():
    tf.logging.set_verbosity(tf.logging.INFO)
    assert tf.logging.get_verbosity() == tf.logging.INFO
    tf.logging.info("smallflow %s", "works")
