"""Session 7 sweep B (nlintz/TensorFlow-Tutorials, dennybritz/cnn-text-classification-tf,
sherjilozair/char-rnn-tensorflow, carpedm20/DCGAN-tensorflow, the generative-model
collection): what those programs needed, as specifications. TensorFlow's own answers for
the same constructs are in tests/oracle/cases_sweep_session7b.py."""

import importlib.util

import numpy as np
import pytest

import smallflow as tf
from smallflow import flags as flags_module

# tf.graph_util works on GraphDef protos, which come with the tensorboard extra.
needs_graph_protos = pytest.mark.skipif(
    importlib.util.find_spec("tensorboard") is None,
    reason="the tensorboard extra is not installed (GraphDef protos)")


@pytest.fixture
def fresh_flags(monkeypatch):
    fresh = flags_module._new_flags()
    monkeypatch.setattr(flags_module, "FLAGS", fresh)
    monkeypatch.setattr(tf.flags, "FLAGS", fresh)
    return fresh


# -- tf.flags: the pre-1.5 registry read from outside (eval.py, DCGAN's main.py) --------------


def test_flags_registry_is_readable_as_dunder_flags(fresh_flags):
    # `for attr, value in sorted(FLAGS.__flags.items())` at module level: no name mangling
    # there, so the attribute is literally `__flags`, which absl (and TF 1.5+) keeps.
    tf.flags.DEFINE_integer("batch_size", 64, "Batch Size")
    tf.flags.DEFINE_string("checkpoint_dir", "", "dir")
    fresh_flags(["prog", "--batch_size=8"])
    registry = getattr(fresh_flags, "__flags")
    assert sorted(registry) == ["batch_size", "checkpoint_dir"]
    assert registry["batch_size"].value == 8
    assert isinstance(registry["checkpoint_dir"], tf.flags.Flag)


def test_parse_flags_of_tf_before_1_5_is_gone_as_in_absl(fresh_flags):
    with pytest.raises(AttributeError, match="_parse_flags"):
        fresh_flags._parse_flags()


# -- slim.model_analyzer ------------------------------------------------------------------------


def test_analyze_vars_prints_each_variable_and_returns_totals(capsys):
    with tf.Graph().as_default():
        with tf.variable_scope("g"):
            tf.get_variable("w", [5, 5, 1, 64])
            tf.get_variable("b", [64], dtype=tf.float64)
        total = tf.contrib.slim.model_analyzer.analyze_vars(tf.trainable_variables(),
                                                            print_info=True)
    assert total == (1600 + 64, 1600 * 4 + 64 * 8)
    assert capsys.readouterr().out.splitlines() == [
        "---------",
        "Variables: name (type shape) [size]",
        "---------",
        "g/w:0 (float32_ref 5x5x1x64) [1600, bytes: 6400]",
        "g/b:0 (float64_ref 64) [64, bytes: 512]",
        "Total size of variables: 1664",
        "Total bytes of variables: 6912",
    ]


@pytest.mark.parametrize(("shape", "described", "line"), [
    ([2, 3], "(float32 2x3)", "x \t-> (float32 2x3) [6]"),
    ([None, 3], "(float32 ?x3)", "x \t-> (float32 ?x3) [0]"),  # unknown sizes count as 0
    ([], "(float32 )", "x \t-> (float32 ) [1]"),
    (None, "(float32 )", "x \t->  [0]"),  # an unknown rank is not described
])
def test_analyze_ops_sizes_and_descriptions(shape, described, line, capsys):
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, shape, name="x")
        assert tf.contrib.slim.model_analyzer.tensor_description(x) == described
        total = tf.contrib.slim.model_analyzer.analyze_ops(graph, print_info=True)
    assert total == int(line.rsplit("[", 1)[1][:-1])
    assert capsys.readouterr().out.splitlines()[3:] == [line]


# -- tf.graph_util -------------------------------------------------------------------------------


def _model():
    x = tf.placeholder(tf.float32, [None, 3], name="x")
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2), name="w")
    b = tf.Variable([0.5, -1.0], name="b")
    tf.Variable(7.0, name="unused")
    return x, tf.identity(tf.nn.relu(tf.matmul(x, w) + b), name="out")


@needs_graph_protos
@pytest.mark.parametrize(("whitelist", "blacklist", "constants", "variables"), [
    (None, None, {"w", "b"}, set()),
    (["w"], None, {"w"}, {"b"}),
    (None, ["w"], {"b"}, {"w"}),
])
def test_convert_variables_to_constants(whitelist, blacklist, constants, variables):
    feed = [[1.0, 2.0, 3.0], [-1.0, 0.0, 1.0]]
    with tf.Graph().as_default():
        x, out = _model()
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            expected = sess.run(out, {x: feed})
            frozen = tf.graph_util.convert_variables_to_constants(
                sess, sess.graph_def, ["out"], variable_names_whitelist=whitelist,
                variable_names_blacklist=blacklist)
    ops = {node.name: node.op for node in frozen.node}
    assert "unused" not in ops
    assert {n for n, op in ops.items() if op == "Const"} == constants
    assert {n for n, op in ops.items() if op == "VariableV2"} == variables
    if not variables:
        with tf.Graph().as_default():
            got, = tf.import_graph_def(frozen, return_elements=["out:0"], name="")
            with tf.Session() as sess:
                np.testing.assert_array_equal(sess.run(got, {"x:0": feed}), expected)


@needs_graph_protos
@pytest.mark.parametrize(("dest", "error", "message"), [
    ("out", TypeError, "dest_nodes must be a list"),
    (["nope"], AssertionError, "nope is not in graph"),
])
def test_extract_sub_graph_refuses(dest, error, message):
    with tf.Graph().as_default() as graph:
        _model()
        with pytest.raises(error, match=message):
            tf.graph_util.extract_sub_graph(graph.as_graph_def(), dest)
    with pytest.raises(TypeError, match="GraphDef"):
        tf.graph_util.extract_sub_graph(graph, ["out"])


@needs_graph_protos
def test_extract_sub_graph_keeps_dependencies_in_graph_order():
    with tf.Graph().as_default() as graph:
        a = tf.constant(1.0, name="a")
        with tf.control_dependencies([tf.no_op(name="first")]):
            c = tf.identity(a, name="c")
        tf.add(c, 1.0, name="d")
        tf.constant(0.0, name="other")
        pruned = tf.graph_util.extract_sub_graph(graph.as_graph_def(), ["d"])
    assert [n.name for n in pruned.node] == ["a", "first", "c", "d/y", "d"]


@needs_graph_protos
@pytest.mark.parametrize(("protected", "expected"), [
    ((), {"MatMul": ["x", "w"], "add": ["MatMul", "b"], "sq": ["Relu"]}),
    (["w/read", "out"], {"MatMul": ["x", "w/read"], "add": ["MatMul", "b"], "sq": ["out"]}),
])
def test_remove_training_nodes(protected, expected):
    # CheckNumerics nodes go (their consumers lose that input, as in TensorFlow); Identity
    # nodes are spliced out unless protected.
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, [None, 3], name="x")
        w = tf.Variable(tf.zeros([3, 2]), name="w")
        b = tf.Variable(tf.zeros([2]), name="b")
        relu = tf.nn.relu(tf.matmul(x, w) + b, name="Relu")
        tf.check_numerics(relu, "bad", name="check")
        tf.square(tf.identity(relu, name="out"), name="sq")
        cleaned = tf.graph_util.remove_training_nodes(graph.as_graph_def(), protected)
    inputs = {n.name: list(n.input) for n in cleaned.node}
    assert "check" not in inputs
    assert ("out" in inputs) == ("out" in protected)
    for name, names in expected.items():
        assert inputs[name] == names


@needs_graph_protos
def test_remove_training_nodes_keeps_identities_with_control_edges():
    with tf.Graph().as_default() as graph:
        x = tf.placeholder(tf.float32, name="x")
        guard = tf.identity(x, name="guard")
        with tf.control_dependencies([guard]):
            tf.identity(x, name="z")
        cleaned = tf.graph_util.remove_training_nodes(graph.as_graph_def())
    assert {n.name for n in cleaned.node} == {"x", "guard", "z"}


@needs_graph_protos
@pytest.mark.parametrize(("build", "pin", "expected"), [
    (lambda: tf.constant([1, 2]), False, True),
    (lambda: tf.constant(["a"]), False, True),
    (lambda: tf.constant([1.0]), False, False),
    (lambda: tf.cast(tf.constant([1]), tf.float32), False, True),
    (lambda: tf.Variable(1.0), True, True),
    (lambda: tf.Variable(1.0), False, False),
])
def test_must_run_on_cpu(build, pin, expected):
    with tf.Graph().as_default():
        op = build().op
        assert tf.graph_util.must_run_on_cpu(op, pin) is expected
        assert tf.graph_util.must_run_on_cpu(op.node_def, pin) is expected


def test_tensor_shape_from_node_def_name():
    with tf.Graph().as_default() as graph:
        tf.placeholder(tf.float32, [None, 3], name="x")
        tf.split(tf.zeros([4, 2]), 2, name="parts")
        assert graph_shape(graph, "x") == [None, 3]
        assert graph_shape(graph, "parts:1") == [2, 2]


def graph_shape(graph, name):
    return tf.graph_util.tensor_shape_from_node_def_name(graph, name).as_list()


# -- names of Python operands (TensorFlow's, seen in frozen graphs and TensorBoard) -----------

@pytest.mark.parametrize(("build", "op_name", "input_names"), [
    (lambda c, i: c * 2, "mul", ["c:0", "mul/y:0"]),
    (lambda c, i: 2 * c, "mul", ["mul/x:0", "c:0"]),
    (lambda c, i: c - 3, "sub", ["c:0", "sub/y:0"]),
    (lambda c, i: 1 / c, "truediv", ["truediv/x:0", "c:0"]),
    (lambda c, i: i / 2, "truediv", ["truediv/Cast:0", "truediv/Cast_1:0"]),
    (lambda c, i: c > 0, "Greater", ["c:0", "Greater/y:0"]),
    (lambda c, i: tf.add(1, 2), "Add", ["Add/x:0", "Add/y:0"]),
    (lambda c, i: tf.maximum(c, 0.0, name="mx"), "mx", ["c:0", "mx/y:0"]),
    (lambda c, i: tf.div(c, 2.0), "div", ["c:0", "div/y:0"]),
    (lambda c, i: tf.matmul([[1.0]], [[2.0]]), "MatMul", ["MatMul/a:0", "MatMul/b:0"]),
    (lambda c, i: c + i.dtype.size, "add", ["c:0", "add/y:0"]),
    (lambda c, i: c + c, "add", ["c:0", "c:0"]),
])
def test_python_operands_become_constants_inside_the_ops_scope(build, op_name, input_names):
    with tf.Graph().as_default():
        c = tf.placeholder(tf.float32, name="c")
        i = tf.placeholder(tf.int32, name="i")
        for scope in ("", "outer/"):
            with tf.name_scope(scope or None):
                out = build(c, i)
            assert out.op.name == scope + op_name
            assert [x.name for x in out.op.inputs] == [
                n if n in ("c:0", "i:0") else scope + n for n in input_names]


# -- contrib.rnn.NASCell (char-rnn's --model nas) ---------------------------------------------


def _nas_reference(x, c, m, kernel, recurrent, bias, projection):
    def sigmoid(v):
        return 1 / (1 + np.exp(-v))

    tanh, relu = np.tanh, lambda v: np.maximum(v, 0)
    hm = m @ recurrent + (0 if bias is None else bias)
    xs, hs = np.split(x @ kernel, 8, axis=1), np.split(hm, 8, axis=1)
    a = [sigmoid(xs[0] + hs[0]), relu(xs[1] + hs[1]), sigmoid(xs[2] + hs[2]),
         relu(xs[3] * hs[3]), tanh(xs[4] + hs[4]), sigmoid(xs[5] + hs[5]),
         tanh(xs[6] + hs[6]), sigmoid(xs[7] + hs[7])]
    new_c = tanh(tanh(a[0] * a[1]) + c) * tanh(a[2] + a[3])
    new_m = tanh(new_c * tanh(tanh(a[4] * a[5]) + sigmoid(a[6] + a[7])))
    return (new_m if projection is None else new_m @ projection), new_c


@pytest.mark.parametrize(("num_proj", "use_bias"), [(None, False), (3, False), (None, True),
                                                (2, True)])
def test_nas_cell_matches_its_definition(num_proj, use_bias):
    rng = np.random.default_rng(0)
    units, depth, batch = 4, 5, 3
    out = units if num_proj is None else num_proj
    with tf.Graph().as_default():
        cell = tf.contrib.rnn.NASCell(units, num_proj=num_proj, use_bias=use_bias)
        assert cell.state_size == (units, out)
        assert cell.output_size == out
        x = tf.constant(rng.normal(size=(batch, depth)), tf.float32)
        state = tf.contrib.rnn.LSTMStateTuple(
            tf.constant(rng.normal(size=(batch, units)), tf.float32),
            tf.constant(rng.normal(size=(batch, out)), tf.float32))
        output, new_state = cell(x, state)
        shapes = {v.op.name: v.shape.as_list() for v in cell.variables}
        expected = {"nas_cell/recurrent_kernel": [out, 8 * units],
                    "nas_cell/kernel": [depth, 8 * units]}
        if use_bias:
            expected["nas_cell/bias"] = [8 * units]
        if num_proj is not None:
            expected["nas_cell/projection_weights"] = [units, num_proj]
        assert shapes == expected
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if use_bias:
                sess.run(cell.bias.assign(rng.normal(size=[8 * units]).astype(np.float32)))
            got_m, got_c, weights, feeds = sess.run(
                [output, new_state.c, {k: v for k, v in zip(
                    ("kernel", "recurrent", "bias", "projection"),
                    [cell.kernel, cell.recurrent_kernel, getattr(cell, "bias", cell.kernel),
                     getattr(cell, "projection_weights", cell.kernel)])}, [x, *state]])
    want_m, want_c = _nas_reference(
        *feeds, weights["kernel"], weights["recurrent"],
        weights["bias"] if use_bias else None,
        weights["projection"] if num_proj is not None else None)
    np.testing.assert_allclose(got_c, want_c, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(got_m, want_m, rtol=1e-5, atol=1e-6)
    assert new_state.h is output


def test_nas_cell_needs_a_known_input_depth():
    with tf.Graph().as_default():
        cell = tf.contrib.rnn.NASCell(4)
        state = cell.zero_state(2, tf.float32)
        with pytest.raises(ValueError, match="Could not infer input size"):
            cell(tf.placeholder(tf.float32, [2, None]), state)


# -- contrib.layers.layer_norm and contrib.rnn.LayerNormBasicLSTMCell ----------------------------


def _layer_norm_reference(x, begin_norm_axis, gamma=1.0, beta=0.0, epsilon=1e-12):
    axes = tuple(range(begin_norm_axis, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    variance = x.var(axis=axes, keepdims=True)
    return (x - mean) / np.sqrt(variance + epsilon) * gamma + beta


@pytest.mark.parametrize(("shape", "begin_norm_axis", "begin_params_axis", "params_shape"), [
    ([4, 6], 1, -1, [6]),
    ([2, 3, 3, 5], 1, -1, [5]),
    ([2, 3, 3, 5], -1, -1, [5]),
    ([2, 3, 4], 1, 1, [3, 4]),
])
def test_layer_norm(shape, begin_norm_axis, begin_params_axis, params_shape):
    x = np.random.default_rng(1).normal(size=shape).astype(np.float32) * 3 + 1
    with tf.Graph().as_default():
        out = tf.contrib.layers.layer_norm(tf.constant(x), begin_norm_axis=begin_norm_axis,
                                           begin_params_axis=begin_params_axis)
        again = tf.contrib.layers.layer_norm(tf.constant(x), center=False,
                                             activation_fn=tf.nn.relu)
        assert {v.op.name: v.shape.as_list() for v in tf.model_variables()} == {
            "LayerNorm/beta": params_shape, "LayerNorm/gamma": params_shape,
            "LayerNorm_1/gamma": [shape[-1]]}
        assert out.shape.as_list() == shape
        assert out.dtype == tf.float32
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got, got_relu = sess.run([out, again])
    axis = begin_norm_axis % len(shape)
    np.testing.assert_allclose(got, _layer_norm_reference(x, axis), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_relu, np.maximum(_layer_norm_reference(x, 1), 0),
                               rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize(("shape", "kwargs", "message"), [
    (None, {}, "undefined rank"),
    ([2, None], {}, "is not fully defined"),
    ([2, 3], {"begin_norm_axis": 2}, "must be < rank"),
])
def test_layer_norm_refuses(shape, kwargs, message):
    with tf.Graph().as_default(), pytest.raises(ValueError, match=message):
        tf.contrib.layers.layer_norm(tf.placeholder(tf.float32, shape), **kwargs)


@pytest.mark.parametrize("layer_norm", [True, False])
def test_layer_norm_basic_lstm_cell(layer_norm):
    rng = np.random.default_rng(2)
    units, depth, batch = 3, 4, 2
    x = rng.normal(size=(batch, depth)).astype(np.float32)
    c0 = rng.normal(size=(batch, units)).astype(np.float32)
    h0 = rng.normal(size=(batch, units)).astype(np.float32)
    with tf.Graph().as_default():
        cell = tf.contrib.rnn.LayerNormBasicLSTMCell(units, layer_norm=layer_norm,
                                                     norm_gain=1.5, norm_shift=0.25)
        state = tf.contrib.rnn.LSTMStateTuple(tf.constant(c0), tf.constant(h0))
        output, new_state = cell(tf.constant(x), state)
        names = sorted(v.op.name for v in tf.global_variables())
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            kernel = sess.run(tf.global_variables()[0])
            bias = sess.run(tf.global_variables()[1]) if not layer_norm else 0
            got_h, got_c = sess.run([output, new_state.c])
    scope = "layer_norm_basic_lstm_cell/"
    if layer_norm:
        assert names == sorted([scope + "kernel"] + [
            scope + f"{part}/{v}" for part in ("input", "transform", "forget", "output",
                                                "state") for v in ("beta", "gamma")])
    else:
        assert names == [scope + "bias", scope + "kernel"]

    def norm(v):
        return _layer_norm_reference(v, 1, 1.5, 0.25) if layer_norm else v

    def sigmoid(v):
        return 1 / (1 + np.exp(-v))

    i, j, f, o = np.split(np.concatenate([x, h0], 1) @ kernel + bias, 4, axis=1)
    new_c = norm(c0 * sigmoid(norm(f) + 1.0) + sigmoid(norm(i)) * np.tanh(norm(j)))
    np.testing.assert_allclose(got_c, new_c, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got_h, np.tanh(new_c) * sigmoid(norm(o)), rtol=1e-4, atol=1e-5)


# -- contrib.rnn.stack_bidirectional_(dynamic_)rnn ----------------------------------------------


@pytest.mark.parametrize("dynamic", [True, False])
def test_stacked_bidirectional_rnn_feeds_each_layer_both_directions(dynamic):
    rng = np.random.default_rng(3)
    batch, steps, depth, units = 2, 4, 3, 5
    x = rng.normal(size=(batch, steps, depth)).astype(np.float32)
    lengths = np.array([4, 2], np.int32)
    with tf.Graph().as_default():
        cells = lambda: [tf.nn.rnn_cell.GRUCell(units), tf.nn.rnn_cell.GRUCell(units)]  # noqa
        if dynamic:
            out, states_fw, states_bw = tf.contrib.rnn.stack_bidirectional_dynamic_rnn(
                cells(), cells(), tf.constant(x), dtype=tf.float32, sequence_length=lengths)
        else:
            outs, states_fw, states_bw = tf.contrib.rnn.stack_bidirectional_rnn(
                cells(), cells(), tf.unstack(tf.constant(x), axis=1), dtype=tf.float32,
                sequence_length=lengths)
            out = tf.stack(outs, axis=1)
        shapes = {v.op.name: v.shape.as_list() for v in tf.trainable_variables()}
        # The same layers by hand, reusing the variables: layer 2 reads layer 1's [fw, bw].
        with tf.variable_scope("stack_bidirectional_rnn", reuse=True):
            layer = tf.constant(x)
            for i in range(2):
                with tf.variable_scope(f"cell_{i}") as cell_scope:
                    pair = [tf.nn.rnn_cell.GRUCell(units, name="gru_cell") for _ in "fb"]
                    if dynamic:
                        both, _ = tf.nn.bidirectional_dynamic_rnn(
                            *pair, layer, dtype=tf.float32, sequence_length=lengths)
                        layer = tf.concat(both, 2)
                    else:  # static_bidirectional_rnn takes the layer's scope as its own
                        steps_out, _, _ = tf.nn.static_bidirectional_rnn(
                            *pair, tf.unstack(layer, axis=1), dtype=tf.float32,
                            sequence_length=lengths, scope=cell_scope)
                        layer = tf.stack(steps_out, axis=1)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            got, want, fw, bw = sess.run([out, layer, states_fw, states_bw])
    prefix = ("stack_bidirectional_rnn/cell_{}/" + ("bidirectional_rnn/" if dynamic else "")
              + "{}/gru_cell/gates/kernel")
    assert shapes[prefix.format(0, "fw")] == [depth + units, 2 * units]
    assert shapes[prefix.format(1, "bw")] == [2 * units + units, 2 * units]
    assert len(shapes) == 16
    assert got.shape == (batch, steps, 2 * units)
    assert len(fw) == len(bw) == 2
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(got[1, 2:], 0)  # past the sequence's end


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"cells_fw": []}, "at least one fw cell"),
    ({"cells_fw": "cell"}, "cells_fw must be a list"),
    ({"cells_bw": [1, 2]}, "same depth"),
    ({"initial_states_fw": [None, None]}, "initial_states_fw must be a list"),
])
def test_stacked_bidirectional_rnn_refuses(kwargs, message):
    with tf.Graph().as_default():
        args = {"cells_fw": [tf.nn.rnn_cell.GRUCell(2)], "cells_bw": [tf.nn.rnn_cell.GRUCell(2)],
                "inputs": tf.zeros([1, 2, 3]), "dtype": tf.float32, **kwargs}
        with pytest.raises(ValueError, match=message):
            tf.contrib.rnn.stack_bidirectional_dynamic_rnn(**args)
