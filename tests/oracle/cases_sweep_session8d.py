"""Oracle cases from session 8's sweep D (research programs): the block recurrent cells of
``tf.contrib.rnn`` against TensorFlow's own kernels, and SparseTensor-by-dense arithmetic.

TensorFlow 2 has no ``tf.contrib``, but it still ships the C++ kernels the contrib cells
ran on (``tf.raw_ops.GRUBlockCell``, ``LSTMBlockCell``, ``BlockLSTM``). So on the
TensorFlow side each case drives the kernel by hand with fixed weights, and on smallflow's
side the contrib cell (under ``dynamic_rnn``, or called whole for the fused cell) gets the
same weights assigned to its variables: outputs and final states must agree. TensorFlow 2
registers gradients only for ``BlockLSTM``, so only the fused cell compares gradients.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

from cases import Case

BATCH, TIME, DEPTH, UNITS = 2, 3, 4, 5


def _fixed(np, shape, seed):
    size = int(np.prod(shape)) if shape else 1
    return (0.5 * np.sin(np.arange(size) * 0.37 + seed)).reshape(shape).astype("float32")


def _is_tensorflow(tf):
    return tf.__name__.startswith("tensorflow")


def _inputs(tf, np):
    return tf.constant(_fixed(np, [BATCH, TIME, DEPTH], 0.0) * 4.0)


def _gru_block(tf, np):
    weights = [_fixed(np, [DEPTH + UNITS, 2 * UNITS], 3.0), _fixed(np, [2 * UNITS], 4.0),
               _fixed(np, [DEPTH + UNITS, UNITS], 5.0), _fixed(np, [UNITS], 6.0)]
    inputs = _inputs(tf, np)
    if _is_tensorflow(tf):
        h = tf.zeros([BATCH, UNITS])
        outputs = []
        for t in range(TIME):
            h = tf.raw_ops.GRUBlockCell(x=inputs[:, t], h_prev=h, w_ru=weights[0],
                                        w_c=weights[2], b_ru=weights[1], b_c=weights[3])[3]
            outputs.append(h)
        return {"outputs": tf.stack(outputs, 1), "state": h}
    cell = tf.contrib.rnn.GRUBlockCell(UNITS)
    outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
    setup = [tf.assign(v, w) for v, w in zip(cell.variables, weights)]
    return {"outputs": outputs, "state": state}, {}, setup


def _lstm_weights(np, peephole):
    weights = [_fixed(np, [DEPTH + UNITS, 4 * UNITS], 3.0), _fixed(np, [4 * UNITS], 4.0)]
    if peephole:
        weights += [_fixed(np, [UNITS], 5.0 + i) for i in range(3)]
    return weights


def _lstm_kernel_args(tf, weights, peephole, clip):
    zeros = tf.zeros([UNITS])
    wci, wcf, wco = weights[2:] if peephole else (zeros, zeros, zeros)
    return dict(w=weights[0], b=weights[1], wci=wci, wcf=wcf, wco=wco, forget_bias=1.0,
                cell_clip=clip, use_peephole=peephole)


def _lstm_block(peephole, clip):
    def build(tf, np):
        weights = _lstm_weights(np, peephole)
        inputs = _inputs(tf, np)
        if _is_tensorflow(tf):
            cs = h = tf.zeros([BATCH, UNITS])
            outputs = []
            for t in range(TIME):
                result = tf.raw_ops.LSTMBlockCell(x=inputs[:, t], cs_prev=cs, h_prev=h,
                                                  **_lstm_kernel_args(tf, weights, peephole,
                                                                      clip))
                cs, h = result[1], result[6]
                outputs.append(h)
            return {"outputs": tf.stack(outputs, 1), "c": cs, "h": h}
        cell = tf.contrib.rnn.LSTMBlockCell(UNITS, use_peephole=peephole,
                                            cell_clip=clip if clip > 0 else None)
        outputs, state = tf.nn.dynamic_rnn(cell, inputs, dtype=tf.float32)
        setup = [tf.assign(v, w) for v, w in zip(cell.variables, weights)]
        return {"outputs": outputs, "c": state.c, "h": state.h}, {}, setup

    return build


def _lstm_fused(peephole, lengths):
    # Time-major [TIME, BATCH, DEPTH]; with lengths the outputs past each length are zero
    # and the final state is each sequence's own last step (TensorFlow's LSTMBlockWrapper).
    def build(tf, np):
        weights = _lstm_weights(np, peephole)
        inputs = tf.transpose(_inputs(tf, np), [1, 0, 2])
        loss_weights = _fixed(np, [TIME, BATCH, UNITS], 1.0)
        if _is_tensorflow(tf):
            consts = [tf.constant(w) for w in weights]
            zeros = tf.zeros([BATCH, UNITS])
            top = max(lengths) if lengths else TIME
            result = tf.raw_ops.BlockLSTM(seq_len_max=tf.constant(top, tf.int64), x=inputs,
                                          cs_prev=zeros, h_prev=zeros,
                                          **_lstm_kernel_args(tf, consts, peephole, -1.0))
            cs, outputs = result[1], result[6]
            if lengths:
                mask = np.array([[1.0 if t < n else 0.0 for n in lengths]
                                 for t in range(TIME)], np.float32)[:, :, None]
                outputs = outputs * mask
                last = [[n - 1, b] for b, n in enumerate(lengths)]
                c, h = tf.gather_nd(cs, last), tf.gather_nd(outputs, last)
            else:
                c, h = cs[-1], outputs[-1]
            targets = [inputs] + consts
            setup = []
        else:
            cell = tf.contrib.rnn.LSTMBlockFusedCell(UNITS, use_peephole=peephole)
            outputs, (c, h) = cell(inputs, dtype=tf.float32,
                                   sequence_length=lengths if lengths else None)
            targets = [inputs] + cell.variables
            setup = [tf.assign(v, w) for v, w in zip(cell.variables, weights)]
        loss = tf.reduce_sum(outputs * loss_weights) + tf.reduce_sum(c * 0.5) + \
            tf.reduce_sum(h * 0.25)
        grads = tf.gradients(loss, targets)
        fetches = {"outputs": outputs, "c": c, "h": h}
        fetches.update({f"d{i}": g for i, g in enumerate(grads)})
        return fetches, {}, setup

    return build


def _sparse_dense_cwise(tf, np):
    # SparseTensor * dense and / dense (the dense side broadcasts), their gradients, and a
    # Python operand converted inside the operator's scope.
    sp = tf.SparseTensor([[0, 0, 1], [1, 1, 0], [1, 2, 1]], [1.5, -2.0, 4.0], [2, 3, 2])
    dense = tf.constant(np.arange(1.0, 7.0, dtype=np.float32).reshape(3, 2))
    row = tf.constant(np.array([2.0, -0.5], np.float32))
    product, quotient = sp * dense, sp / row
    scaled = sp * 3.0
    loss = tf.reduce_sum(product.values * [1.0, 2.0, 3.0]) + tf.reduce_sum(quotient.values)
    d_dense, d_row = tf.gradients(loss, [dense, row])
    ints = tf.SparseTensor([[0], [2]], tf.constant([7, -7]), [3])
    return {"product": product.values, "quotient": quotient.values, "scaled": scaled.values,
            "shape": product.dense_shape, "d_dense": d_dense, "d_row": d_row,
            "int_truediv": (ints / tf.constant([2, 1, 2])).values,
            "names": tf.constant([product.values.op.name, scaled.values.op.name,
                                  scaled.values.op.inputs[3].op.name])}


def _sparse_placeholder_shape_tensor(tf, np):
    # gcn's `tf.sparse_placeholder(tf.float32, shape=tf.constant(dims, dtype=tf.int64))`.
    x = tf.sparse_placeholder(tf.float32, shape=tf.constant([3, 4], dtype=tf.int64), name="sp")
    total = tf.sparse_reduce_sum(x)
    dense = tf.sparse_tensor_dense_matmul(x, tf.ones([4, 2]))
    value = tf.SparseTensorValue([[0, 1], [2, 3]], [1.0, 2.0], [3, 4])
    return ({"total": total, "dense": dense, "shape": tf.constant(str(x.shape)),
             "names": tf.constant([x.values.name, x.indices.name, x.dense_shape.name])},
            {x: value})


def _tensor_moving_average(zero_debias):
    # pix2pix averages its losses (tensors): the shadow starts at zero and, by default,
    # is not debiased.
    def build(tf, np):
        x = tf.placeholder_with_default(tf.constant([2.0, 4.0]), [2])
        ema = tf.train.ExponentialMovingAverage(0.5, zero_debias=zero_debias)
        update = ema.apply([x])
        return {"average": ema.average(x),
                "names": tf.constant(sorted(v.op.name for v in tf.global_variables()))}, \
            {}, [update]

    return build


SWEEP_SESSION8D_CASES = [
    Case("sweep_8d/tensor_moving_average", _tensor_moving_average(False)),
    Case("sweep_8d/tensor_moving_average_zero_debias", _tensor_moving_average(True)),
    Case("sweep_8d/gru_block_cell", _gru_block, rtol=1e-5),
    Case("sweep_8d/lstm_block_cell", _lstm_block(False, -1.0), rtol=1e-5),
    Case("sweep_8d/lstm_block_cell_peephole_clip", _lstm_block(True, 0.3), rtol=1e-5),
    Case("sweep_8d/lstm_block_fused", _lstm_fused(False, None), rtol=1e-4),
    Case("sweep_8d/lstm_block_fused_peephole_lengths", _lstm_fused(True, [3, 1]), rtol=1e-4),
    Case("sweep_8d/sparse_dense_cwise", _sparse_dense_cwise),
    Case("sweep_8d/sparse_placeholder_shape_tensor", _sparse_placeholder_shape_tensor),
]
