"""Oracle cases for the RNN cells (tf.nn.rnn_cell) under dynamic_rnn and static_rnn.

Each case builds one cell over a fixed [batch=2, time=3, depth=4] input, then fetches the
variables' names (in creation order) and shapes, the outputs, the final state, and the
gradients of a weighted sum of both with respect to the input and every variable. After
initialization every variable is assigned deterministic values (the runner's setup ops), so
both libraries compute with the same weights whatever their initializers draw.

TensorFlow 2's ``tf.compat.v1.nn.rnn_cell`` lives in the legacy Keras package ``tf-keras``;
runner.py selects it with ``TF_USE_LEGACY_KERAS=1`` in the TensorFlow process. Same rules as
cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case

BATCH, TIME, DEPTH = 2, 3, 4


def _fixed(np, shape, seed):
    """Deterministic, asymmetric values of the given shape (no two weights alike)."""
    size = int(np.prod(shape)) if shape else 1
    return (0.5 * np.sin(np.arange(size) * 0.37 + seed)).reshape(shape).astype("float32")


def _flatten(state):
    if isinstance(state, (tuple, list)):
        return [leaf for part in state for leaf in _flatten(part)]
    return [state]


def _cells(tf):
    rnn_cell = tf.nn.rnn_cell
    return {
        "basic_rnn": lambda: rnn_cell.BasicRNNCell(5),
        "basic_lstm": lambda: rnn_cell.BasicLSTMCell(5),
        "basic_lstm_forget0": lambda: rnn_cell.BasicLSTMCell(5, forget_bias=0.0),
        "lstm": lambda: rnn_cell.LSTMCell(5),
        "lstm_peephole_proj": lambda: rnn_cell.LSTMCell(5, use_peepholes=True, num_proj=3,
                                                       cell_clip=0.8, proj_clip=0.6),
        "gru": lambda: rnn_cell.GRUCell(5),
        "multi_lstm_gru": lambda: rnn_cell.MultiRNNCell([rnn_cell.BasicLSTMCell(5),
                                                         rnn_cell.GRUCell(3)]),
    }


def _build(cell_name, driver):
    def build(tf, np):
        inputs = tf.constant(_fixed(np, [BATCH, TIME, DEPTH], 0.0) * 4.0)
        cell = _cells(tf)[cell_name]()
        if driver == "static":
            outputs, state = tf.nn.static_rnn(cell, tf.unstack(inputs, axis=1),
                                              dtype=tf.float32)
            outputs = tf.stack(outputs, axis=1)
        elif driver == "dynamic_lengths":
            outputs, state = tf.nn.dynamic_rnn(cell, inputs, sequence_length=[3, 1],
                                               dtype=tf.float32)
        else:
            outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
        variables = tf.trainable_variables()
        states = _flatten(state)
        # Weight each output and state element differently so a swapped gate shows up.
        loss = tf.reduce_sum(outputs * _fixed(np, outputs.shape.as_list(), 1.0))
        for i, part in enumerate(states):
            loss += tf.reduce_sum(part * _fixed(np, part.shape.as_list(), 2.0 + i))
        grads = tf.gradients(loss, [inputs] + variables)
        fetches = {"outputs": outputs, "d_inputs": grads[0],
                   "names": tf.constant([v.name for v in variables]),
                   "shapes": tf.constant(str([v.shape.as_list() for v in variables]))}
        fetches.update({f"state{i}": part for i, part in enumerate(states)})
        setup = []
        for i, (variable, grad) in enumerate(zip(variables, grads[1:])):
            fetches[f"d_var{i}"] = grad
            setup.append(tf.assign(variable, _fixed(np, variable.shape.as_list(), 3.0 + i)))
        return fetches, {}, setup

    return build


_DYNAMIC = ("basic_rnn", "basic_lstm", "basic_lstm_forget0", "lstm", "lstm_peephole_proj",
            "gru", "multi_lstm_gru")
RNN_CASES = (
    [Case(f"rnn/dynamic/{name}", _build(name, "dynamic"), init=True, rtol=5e-4)
     for name in _DYNAMIC]
    + [Case("rnn/dynamic_lengths/lstm", _build("lstm", "dynamic_lengths"), init=True,
            rtol=5e-4),
       Case("rnn/static/basic_lstm", _build("basic_lstm", "static"), init=True, rtol=5e-4),
       Case("rnn/static/multi_lstm_gru", _build("multi_lstm_gru", "static"), init=True,
            rtol=5e-4)]
)


def _feed_captured_variable(tf, np):
    # Feeding a variable overrides its value for that run, also where a loop body reads it.
    weight = tf.Variable(1.0)
    total = tf.while_loop(lambda i, acc: i < 3, lambda i, acc: (i + 1, acc + weight),
                          [0, tf.constant(0.0)])[1]
    return {"total": total, "outside": weight * 1.0}, {weight: 5.0}


RNN_CASES.append(Case("rnn/feed_variable_in_while_loop", _feed_captured_variable, init=True))
