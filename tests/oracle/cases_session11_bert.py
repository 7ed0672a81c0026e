"""Oracle cases from session 11's BERT sweep (google-research/bert): a tiny BERT-shaped
encoder built the way BERT's ``modeling.py`` builds it, its outputs and the gradients of a
loss with respect to every variable; ``tf.expand_dims`` with the one-element list axis BERT
passes (``axis=[-1]``) and its errors.

Same rules as cases.py. BERT's own code is not ours to copy, so the encoder is written here
from the paper's description with the ops BERT uses: embeddings by ``gather`` (or by a
one-hot ``matmul``), token-type and position embeddings, layer normalization by ``moments``
and ``batch_normalization`` (what ``tf.contrib.layers.layer_norm`` computes; TensorFlow 2.21
has no contrib), an additive attention mask, multi-head attention through reshapes and
transposes, the tanh approximation of GELU, ``tf.layers.dense`` and the tanh pooler. Weights
are NumPy constants, so both engines compute on the same numbers.
"""

from cases import Case

_HIDDEN = 16
_HEADS = 4
_INTERMEDIATE = 32
_VOCAB = 30
_LAYERS = 2


def _init(tf, np, rng, shape, scale=0.3):
    return tf.constant_initializer((rng.standard_normal(shape) * scale).astype(np.float32))


def _layer_norm(tf, np, rng, x, scope):
    with tf.variable_scope(scope):
        beta = tf.get_variable("beta", [_HIDDEN], initializer=_init(tf, np, rng, [_HIDDEN], 0.1))
        gamma = tf.get_variable("gamma", [_HIDDEN],
                                initializer=tf.constant_initializer(
                                    (1 + 0.1 * rng.standard_normal(_HIDDEN)).astype(np.float32)))
        mean, variance = tf.nn.moments(x, [x.shape.ndims - 1], keep_dims=True)
        return tf.nn.batch_normalization(x, mean, variance, beta, gamma, 1e-12)


def _gelu(tf, np, x):
    inner = np.sqrt(2 / np.pi) * (x + 0.044715 * tf.pow(x, 3))
    return x * 0.5 * (1.0 + tf.tanh(inner))


def _dense(tf, np, rng, x, units, name, activation=None):
    width = x.shape.as_list()[-1]
    return tf.layers.dense(x, units, activation=activation, name=name,
                           kernel_initializer=_init(tf, np, rng, [width, units]),
                           bias_initializer=_init(tf, np, rng, [units], 0.1))


def _heads(tf, x, batch, length):
    size = _HIDDEN // _HEADS
    return tf.transpose(tf.reshape(x, [batch, length, _HEADS, size]), [0, 2, 1, 3])


def _attention(tf, np, rng, x2d, mask, batch, length):
    query = _heads(tf, _dense(tf, np, rng, x2d, _HIDDEN, "query"), batch, length)
    key = _heads(tf, _dense(tf, np, rng, x2d, _HIDDEN, "key"), batch, length)
    value = _heads(tf, _dense(tf, np, rng, x2d, _HIDDEN, "value"), batch, length)
    scores = tf.matmul(query, key, transpose_b=True) / np.sqrt(_HIDDEN // _HEADS)
    # [batch, 1, from, to]: 0 where attending is allowed, -10000 where the key is padding.
    scores += (1.0 - tf.expand_dims(mask, axis=[1])) * -10000.0
    probs = tf.nn.softmax(scores)
    context = tf.transpose(tf.matmul(probs, value), [0, 2, 1, 3])
    return tf.reshape(context, [batch * length, _HIDDEN])


def _encoder(tf, np, one_hot):
    rng = np.random.RandomState(5)
    batch, length = 3, 7
    ids = np.random.RandomState(2).randint(0, _VOCAB, size=(batch, length)).astype(np.int32)
    input_mask = np.ones((batch, length), np.int32)
    input_mask[1, 5:] = 0
    input_mask[2, 3:] = 0
    types = np.zeros((batch, length), np.int32)
    types[:, 4:] = 1
    with tf.variable_scope("bert"):
        table = tf.get_variable("word_embeddings", [_VOCAB, _HIDDEN],
                                initializer=_init(tf, np, rng, [_VOCAB, _HIDDEN]))
        expanded = tf.expand_dims(tf.constant(ids), axis=[-1])
        flat = tf.reshape(expanded, [-1])
        if one_hot:
            words = tf.matmul(tf.one_hot(flat, depth=_VOCAB), table)
        else:
            words = tf.gather(table, flat)
        words = tf.reshape(words, [batch, length, _HIDDEN])
        type_table = tf.get_variable("token_type_embeddings", [2, _HIDDEN],
                                     initializer=_init(tf, np, rng, [2, _HIDDEN]))
        type_rows = tf.matmul(tf.one_hot(tf.reshape(types, [-1]), depth=2), type_table)
        positions = tf.get_variable("position_embeddings", [16, _HIDDEN],
                                    initializer=_init(tf, np, rng, [16, _HIDDEN]))
        position_rows = tf.slice(positions, [0, 0], [length, -1])
        embedded = (words + tf.reshape(type_rows, [batch, length, _HIDDEN])
                    + tf.reshape(position_rows, [1, length, _HIDDEN]))
        embedded = _layer_norm(tf, np, rng, embedded, "embeddings/LayerNorm")
        # The attention mask BERT builds: from-ones times the to-mask, [batch, from, to].
        to_mask = tf.cast(tf.reshape(input_mask, [batch, 1, length]), tf.float32)
        mask = tf.ones([batch, length, 1], tf.float32) * to_mask
        x2d = tf.reshape(embedded, [batch * length, _HIDDEN])
        layers = []
        for index in range(_LAYERS):
            with tf.variable_scope(f"encoder/layer_{index}"):
                with tf.variable_scope("attention/self"):
                    context = _attention(tf, np, rng, x2d, mask, batch, length)
                with tf.variable_scope("attention/output"):
                    attended = _dense(tf, np, rng, context, _HIDDEN, "dense")
                    attended = _layer_norm(tf, np, rng, attended + x2d, "LayerNorm")
                with tf.variable_scope("intermediate"):
                    inner = _dense(tf, np, rng, attended, _INTERMEDIATE, "dense",
                                   activation=lambda t: _gelu(tf, np, t))
                with tf.variable_scope("output"):
                    out = _dense(tf, np, rng, inner, _HIDDEN, "dense")
                    x2d = _layer_norm(tf, np, rng, out + attended, "LayerNorm")
                layers.append(tf.reshape(x2d, [batch, length, _HIDDEN]))
        sequence = layers[-1]
        with tf.variable_scope("pooler"):
            first = tf.squeeze(sequence[:, 0:1, :], axis=1)
            pooled = _dense(tf, np, rng, first, _HIDDEN, "dense", activation=tf.tanh)
    loss = tf.reduce_sum(pooled * 0.7) + tf.reduce_sum(tf.square(sequence))
    variables = sorted(tf.trainable_variables(), key=lambda v: v.name)
    grads = tf.gradients(loss, variables)
    out = {"pooled": pooled, "sequence": sequence, "layer0": layers[0], "loss": loss,
           "names": tf.constant(" ".join(f"{v.op.name}{v.shape.as_list()}" for v in variables))}
    for variable, grad in zip(variables, grads, strict=True):
        # A key bias shifts every score of a query by the same amount, which the softmax
        # ignores: its gradient is zero in exact arithmetic and rounding noise in both engines.
        if not variable.op.name.endswith("key/bias"):
            out[f"grad/{variable.op.name}"] = tf.convert_to_tensor(grad)
    return out


def _expand_dims_axes(tf, np):
    x = tf.constant(np.arange(6, dtype=np.int32).reshape(2, 3))
    return {"list": tf.expand_dims(x, axis=[-1]), "array": tf.expand_dims(x, np.array([1])),
            "nested": tf.expand_dims(x, [[0]]), "tensor": tf.expand_dims(x, tf.constant([2])),
            "int64": tf.expand_dims(x, np.int64(-3)), "dim": tf.expand_dims(x, dim=[1])}


SESSION11_BERT_CASES = [
    Case("session11_bert/encoder_gather", lambda tf, np: _encoder(tf, np, False), init=True,
         rtol=1e-3, atol=2e-5),
    Case("session11_bert/encoder_one_hot", lambda tf, np: _encoder(tf, np, True), init=True,
         rtol=1e-3, atol=2e-5),
    Case("session11_bert/expand_dims_axes", _expand_dims_axes),
    Case("session11_bert/expand_dims_two_axes",
         lambda tf, np: {"y": tf.expand_dims(tf.constant([1, 2]), [0, 1])}),
    Case("session11_bert/expand_dims_float_axis",
         lambda tf, np: {"y": tf.expand_dims(tf.constant([1, 2]), 1.0)}),
]
