"""Session 12 (helper contrib): the ``tf.contrib.rnn`` cells added (IndRNN, IndyGRU,
IndyLSTM, ConvLSTM, coupled-gate LSTM, UGRNN, Intersection RNN, HighwayWrapper): variable
names and shapes as TensorFlow 1.15 made them, one step against NumPy statements of the
r1.15 formulas with the session's own weights."""

import numpy as np
import pytest

import smallflow as tf

rnn = tf.contrib.rnn


def _sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def _step(cell, depth=3, batch=2, seed=0):
    """One call of ``cell`` on random inputs and state: (inputs, state, output, new_state,
    {variable short name: value})."""
    rng = np.random.RandomState(seed)
    x = rng.randn(batch, depth).astype(np.float32)
    state_values = tf.contrib.framework.nest.map_structure(
        lambda n: rng.randn(batch, n).astype(np.float32), cell.state_size)
    state = tf.contrib.framework.nest.map_structure(tf.constant, state_values)
    with tf.variable_scope("outer"):
        output, new_state = cell(tf.constant(x), state)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, new = sess.run([output, new_state])
        weights = {}
        for v in tf.global_variables():
            name = v.op.name[len("outer/"):]
            weights[name] = weights[name.split("/", 1)[-1]] = sess.run(v)
    return x, state_values, out, new, weights


def test_ind_rnn_cell_names_and_step():
    x, h, out, new, w = _step(rnn.IndRNNCell(4))
    assert sorted(w) == ["bias", "ind_rnn_cell/bias", "ind_rnn_cell/kernel_u",
                         "ind_rnn_cell/kernel_w", "kernel_u", "kernel_w"]
    assert w["kernel_u"].shape == (1, 4)
    assert np.all(np.abs(w["kernel_u"]) <= 1.0)
    expected = np.tanh(x @ w["kernel_w"] + h * w["kernel_u"] + w["bias"])
    np.testing.assert_allclose(out, expected, rtol=1e-5)
    np.testing.assert_allclose(new, out)


def test_ind_rnn_cell_takes_an_activation():
    x, h, out, _, w = _step(rnn.IndRNNCell(4, activation=tf.nn.relu))
    expected = np.maximum(x @ w["kernel_w"] + h * w["kernel_u"] + w["bias"], 0)
    np.testing.assert_allclose(out, expected, rtol=1e-5)


def test_indy_gru_cell_names_and_step():
    x, h, out, _, w = _step(rnn.IndyGRUCell(4))
    assert {"indy_gru_cell/candidate/bias", "indy_gru_cell/candidate/kernel",
            "indy_gru_cell/candidate/kernel_u", "indy_gru_cell/gates/bias",
            "indy_gru_cell/gates/kernel_u", "indy_gru_cell/gates/kernel_w"} < set(w)
    np.testing.assert_allclose(w["gates/bias"], np.ones(8))
    gates = _sigmoid(x @ w["gates/kernel_w"] + np.tile(h, [1, 2]) * w["gates/kernel_u"]
                     + w["gates/bias"])
    r, u = gates[:, :4], gates[:, 4:]
    c = np.tanh(x @ w["candidate/kernel"] + (r * h) * w["candidate/kernel_u"]
                + w["candidate/bias"])
    np.testing.assert_allclose(out, u * h + (1 - u) * c, rtol=1e-5)


def test_indy_lstm_cell_names_and_step():
    x, (c, h), out, new, w = _step(rnn.IndyLSTMCell(4, forget_bias=0.5))
    assert {"indy_lstm_cell/bias", "indy_lstm_cell/kernel_u", "indy_lstm_cell/kernel_w"} < set(w)
    gates = x @ w["kernel_w"] + np.tile(h, [1, 4]) * w["kernel_u"] + w["bias"]
    i, j, f, o = np.split(gates, 4, axis=1)
    new_c = c * _sigmoid(f + 0.5) + _sigmoid(i) * np.tanh(j)
    np.testing.assert_allclose(new.c, new_c, rtol=1e-5)
    np.testing.assert_allclose(out, np.tanh(new_c) * _sigmoid(o), rtol=1e-5)


def test_coupled_input_forget_gate_lstm_step_with_peepholes_and_projection():
    cell = rnn.CoupledInputForgetGateLSTMCell(4, use_peepholes=True, num_proj=3)
    x, (c, m), out, new, w = _step(cell)
    prefix = "coupled_input_forget_gate_lstm_cell/"
    assert {prefix + n for n in ["B", "W_0", "W_F_diag", "W_O_diag", "W_P_0"]} < set(w)
    assert w["W_0"].shape == (3 + 3, 12)
    gates = np.concatenate([x, m], 1) @ w["W_0"] + w["B"]
    j, f, o = np.split(gates, 3, axis=1)
    forget = _sigmoid(f + 1.0 + w["W_F_diag"] * c)
    new_c = forget * c + (1 - forget) * np.tanh(j)
    new_m = (_sigmoid(o + w["W_O_diag"] * new_c) * np.tanh(new_c)) @ w["W_P_0"]
    np.testing.assert_allclose(new.c, new_c, rtol=1e-5)
    np.testing.assert_allclose(out, new_m, rtol=1e-5, atol=1e-6)


def test_coupled_lstm_shards_its_weights():
    cell = rnn.CoupledInputForgetGateLSTMCell(4, num_unit_shards=3)
    _, _, _, _, w = _step(cell)
    assert [w[f"W_{i}"].shape for i in range(3)] == [(3, 12), (2, 12), (2, 12)]


def test_ugrnn_cell_step():
    x, h, out, _, w = _step(rnn.UGRNNCell(4))
    assert {"ugrnn_cell/bias", "ugrnn_cell/kernel"} < set(w)
    g_act, c_act = np.split(np.concatenate([x, h], 1) @ w["kernel"] + w["bias"], 2, axis=1)
    g = _sigmoid(g_act + 1.0)
    np.testing.assert_allclose(out, g * h + (1 - g) * np.tanh(c_act), rtol=1e-5)


def test_intersection_rnn_cell_step_with_input_projection():
    x, h, out, new, w = _step(rnn.IntersectionRNNCell(4, num_in_proj=4))
    assert {"intersection_rnn_cell/" + n for n in ["bias", "in_projection/bias",
                                                   "in_projection/kernel", "kernel"]} < set(w)
    projected = x @ w["in_projection/kernel"] + w["in_projection/bias"]
    pre = np.concatenate([projected, h], 1) @ w["kernel"] + w["bias"]
    gh, hh, gy, y = np.split(pre, 4, axis=1)
    gh, gy = _sigmoid(gh + 1.0), _sigmoid(gy + 1.0)
    np.testing.assert_allclose(new, gh * h + (1 - gh) * np.tanh(hh), rtol=1e-5)
    np.testing.assert_allclose(out, gy * projected + (1 - gy) * np.maximum(y, 0), rtol=1e-5,
                               atol=1e-6)


def test_intersection_rnn_cell_needs_equal_sizes():
    cell = rnn.IntersectionRNNCell(4)
    with pytest.raises(ValueError, match="num_in_proj should be set to num_units"):
        cell(tf.zeros([2, 3]), tf.zeros([2, 4]))


@pytest.mark.parametrize("coupled", [True, False])
def test_highway_wrapper_mixes_input_and_output(coupled):
    wrapped = rnn.HighwayWrapper(rnn.IndRNNCell(3), couple_carry_transform_gates=coupled,
                                 carry_bias_init=0.5)
    x, h, out, _, w = _step(wrapped)
    assert {"carry_w", "carry_b", "ind_rnn_cell/kernel_w"} < set(w)
    inner = np.tanh(x @ w["ind_rnn_cell/kernel_w"] + h * w["ind_rnn_cell/kernel_u"]
                    + w["ind_rnn_cell/bias"])
    np.testing.assert_allclose(w["carry_b"], np.full(3, 0.5))
    carry = _sigmoid(x @ w["carry_w"] + w["carry_b"])
    if coupled:
        transform = 1 - carry
    else:
        np.testing.assert_allclose(w["transform_b"], np.full(3, -0.5))
        transform = _sigmoid(x @ w["transform_w"] + w["transform_b"])
    np.testing.assert_allclose(out, x * carry + inner * transform, rtol=1e-5)


def test_conv_lstm_with_1x1_kernel_is_a_per_pixel_lstm():
    cell = rnn.Conv2DLSTMCell(input_shape=[4, 5, 2], output_channels=3, kernel_shape=[1, 1],
                              skip_connection=True, forget_bias=0.25)
    assert cell.output_size == tf.TensorShape([4, 5, 5])
    rng = np.random.RandomState(1)
    x = rng.randn(2, 4, 5, 2).astype(np.float32)
    c = rng.randn(2, 4, 5, 3).astype(np.float32)
    h = rng.randn(2, 4, 5, 3).astype(np.float32)
    output, new_state = cell(tf.constant(x), rnn.LSTMStateTuple(tf.constant(c),
                                                                tf.constant(h)))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        out, new = sess.run([output, new_state])
        kernel = sess.run(tf.global_variables()[0])
        biases = sess.run(tf.global_variables()[1])
    assert [v.op.name for v in tf.global_variables()] == ["conv_2d_lstm_cell/kernel",
                                                          "conv_2d_lstm_cell/biases"]
    pre = np.concatenate([x, h], -1) @ kernel[0, 0] + biases
    i, j, f, o = np.split(pre, 4, axis=-1)
    new_c = _sigmoid(f + 0.25) * c + _sigmoid(i) * np.tanh(j)
    np.testing.assert_allclose(new.c, new_c, rtol=1e-5, atol=1e-6)
    expected = np.concatenate([np.tanh(new_c) * _sigmoid(o), x], -1)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-6)


def test_conv_lstm_runs_in_dynamic_rnn_and_checks_its_shape():
    with pytest.raises(ValueError, match="Invalid input_shape"):
        rnn.ConvLSTMCell(2, input_shape=[4, 2], output_channels=3, kernel_shape=[3, 3])
    cell = rnn.Conv1DLSTMCell(input_shape=[6, 2], output_channels=3, kernel_shape=[3])
    inputs = tf.placeholder(tf.float32, [2, 5, 6, 2])
    outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
    assert outputs.shape.as_list() == [2, 5, 6, 3]
    loss = tf.reduce_sum(outputs)
    grads = tf.gradients(loss, tf.trainable_variables())
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        values = sess.run(grads, {inputs: np.ones([2, 5, 6, 2], np.float32)})
    assert all(np.all(np.isfinite(g)) for g in values)


def test_transpose_batch_time_and_batch_size():
    x = tf.zeros([3, 5, 2])
    assert rnn.transpose_batch_time(x).shape.as_list() == [5, 3, 2]
    assert rnn.best_effort_input_batch_size([tf.placeholder(tf.float32, [4, None, 2]),
                                             tf.zeros([4, 7, 1])]) == 7


# -- tf.contrib.cudnn_rnn ----------------------------------------------------------------------

cudnn = tf.contrib.cudnn_rnn


def test_cudnn_compatible_lstm_cell_is_a_block_lstm_without_forget_bias():
    x, (c, h), out, new, w = _step(cudnn.CudnnCompatibleLSTMCell(4))
    assert {"cudnn_compatible_lstm_cell/kernel", "cudnn_compatible_lstm_cell/bias"} < set(w)
    gates = np.concatenate([x, h], 1) @ w["kernel"] + w["bias"]
    i, j, f, o = np.split(gates, 4, axis=1)
    new_c = c * _sigmoid(f) + _sigmoid(i) * np.tanh(j)
    np.testing.assert_allclose(new.c, new_c, rtol=1e-5)
    np.testing.assert_allclose(out, np.tanh(new_c) * _sigmoid(o), rtol=1e-5)


def test_cudnn_compatible_gru_cell_resets_after_the_hidden_projection():
    x, h, out, _, w = _step(cudnn.CudnnCompatibleGRUCell(4))
    names = ["gates/kernel", "gates/bias", "candidate/input_projection/kernel",
             "candidate/input_projection/bias", "candidate/hidden_projection/kernel",
             "candidate/hidden_projection/bias"]
    assert {"cudnn_compatible_gru_cell/" + n for n in names} < set(w)
    np.testing.assert_allclose(w["gates/bias"], np.ones(8))
    gates = _sigmoid(np.concatenate([x, h], 1) @ w["gates/kernel"] + w["gates/bias"])
    r, u = gates[:, :4], gates[:, 4:]
    hidden = h @ w["candidate/hidden_projection/kernel"] + w["candidate/hidden_projection/bias"]
    c = np.tanh(x @ w["candidate/input_projection/kernel"]
                + w["candidate/input_projection/bias"] + r * hidden)
    np.testing.assert_allclose(out, (1 - u) * c + u * h, rtol=1e-5)


@pytest.mark.parametrize(("layer", "states"), [(cudnn.CudnnLSTM, 2), (cudnn.CudnnGRU, 1),
                                                 (cudnn.CudnnRNNTanh, 1)])
def test_cudnn_layers_build_with_tensorflows_shapes(layer, states):
    inputs = tf.placeholder(tf.float32, [7, None, 5])
    rnn_layer = layer(2, 8, direction=cudnn.CUDNN_RNN_BIDIRECTION)
    outputs, final = rnn_layer(inputs)
    assert outputs.shape.as_list() == [7, None, 16]
    assert len(final) == states
    assert all(s.shape.as_list() == [4, None, 8] for s in final)
    assert rnn_layer.kernel.op.name.endswith("/opaque_kernel")
    assert rnn_layer.trainable_variables == [rnn_layer.kernel]


def test_cudnn_layers_fail_to_run_on_the_cpu_as_in_tensorflow():
    """TensorFlow 1.x pins the parameter packing to /gpu:0 and has GPU kernels only for the
    cuDNN ops: a CPU session cannot place the initializer; with soft placement it finds no
    kernel. Training builds (the gradient is cuDNN's backward op) and fails the same way."""
    inputs = tf.placeholder(tf.float32, [3, 2, 5])
    outputs, _ = cudnn.CudnnLSTM(1, 4)(inputs)
    train = tf.train.AdamOptimizer(0.1).minimize(tf.reduce_sum(outputs))
    types = {op.type for op in tf.get_default_graph().get_operations()}
    assert {"CudnnRNNCanonicalToParams", "CudnnRNNV3", "CudnnRNNBackpropV3"} <= types
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                       match="Cannot assign a device for operation "
                             "cudnn_lstm/CudnnRNNCanonicalToParams.*explicitly assigned to "
                             "/device:GPU:0"):
        sess.run(tf.global_variables_initializer())
    soft = tf.ConfigProto(allow_soft_placement=True)
    with tf.Session(config=soft) as sess:
        with pytest.raises(tf.errors.InvalidArgumentError,
                           match="No OpKernel was registered to support Op "
                                 "'CudnnRNNCanonicalToParams' with these attrs: "
                                 r"\[T=DT_FLOAT\]"):
            sess.run(tf.global_variables_initializer())
        with pytest.raises(tf.errors.InvalidArgumentError, match="'CudnnRNNV3'"):
            sess.run(train, {inputs: np.zeros([3, 2, 5], np.float32)})


def test_cudnn_canonical_shapes():
    layer = cudnn.CudnnLSTM(2, 4, direction=cudnn.CUDNN_RNN_BIDIRECTION)
    with pytest.raises(RuntimeError, match="before input shape is known"):
        _ = layer.canonical_weight_shapes
    layer.build([7, 3, 5])
    weights = layer.canonical_weight_shapes
    assert len(weights) == 32
    assert weights[:8] == [(4, 5)] * 4 + [(4, 4)] * 4
    assert weights[16:20] == [(4, 8)] * 4
    assert layer.canonical_bias_shapes == [[4]] * 32
    gru = cudnn.CudnnGRU(1, 3)
    gru.build([2, 2, 6])
    assert gru.canonical_weight_shapes == [(3, 6)] * 3 + [(3, 3)] * 3


def test_unknown_shape_variables_get_unknown_shape_slots():
    value = tf.placeholder_with_default(np.ones(5, np.float32), [None])
    variable = tf.get_variable("unshaped_w", initializer=value, validate_shape=False)
    optimizer = tf.train.AdamOptimizer(0.1)
    optimizer.minimize(tf.reduce_sum(variable * variable))
    assert optimizer.get_slot(variable, "m").shape.as_list() == [None]


def test_cudnn_layer_arguments_are_checked():
    with pytest.raises(ValueError, match="Invalid direction"):
        cudnn.CudnnLSTM(1, 4, direction="both")
    with pytest.raises(ValueError, match="Expecting input_shape with 3 dims"):
        cudnn.CudnnGRU(1, 4)(tf.zeros([2, 3]))
    with pytest.raises(TypeError, match="expecting tuple"):
        cudnn.CudnnGRU(1, 4)(tf.zeros([2, 3, 4]), initial_state=tf.zeros([1, 3, 4]))


def test_get_variable_without_shape_validation():
    """``validate_shape=False`` reaches the variable (cuDNN's opaque parameters)."""
    value = tf.placeholder_with_default(np.zeros(6, np.float32), [None])
    variable = tf.get_variable("unshaped", initializer=value, validate_shape=False)
    assert variable.shape.as_list() == [None]
    with tf.Session() as sess:
        sess.run(variable.initializer)
        assert sess.run(variable).shape == (6,)
