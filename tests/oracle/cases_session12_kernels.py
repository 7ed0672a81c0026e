"""Oracle cases of session 12: behaviours TensorFlow's own op tests (kernel_tests) showed
smallflow getting wrong, compared with TensorFlow 2.21's compat.v1 in graph mode: shapes,
sizes and ranks of known shapes folded to constants, conjugate transposes and adjoint
products, second derivatives of the cross entropies, and the run-time errors of argmax,
top_k, split, slicing and transpose. Only NumPy is imported at module level, as in cases.py.
"""

from cases import Case

# -- folded shapes ----------------------------------------------------------------------------


def _folded_shapes(tf, np):
    x = tf.placeholder(tf.float32, shape=[0, 3])
    return {"shape": tf.shape(x), "size": tf.size(x), "rank": tf.rank(x),
            "shape64": tf.shape(x, out_type=tf.int64),
            "zero_dim_size": tf.size(tf.placeholder(tf.float32, [None, 0])),
            "variable_shape": tf.shape(tf.zeros([2, 5]))}


def _unfolded_shapes(tf, np):
    x = tf.placeholder(tf.float32, shape=[None, 3])
    return ({"shape": tf.shape(x), "size": tf.size(x)}, {x: np.zeros((4, 3), np.float32)})


# -- complex adjoints -------------------------------------------------------------------------

_A = [[1 + 2j, 3 - 1j, 0.5j], [2.0, -1j, 1 + 1j]]
_B = [[2 - 1j, 1.0], [1j, 3 + 1j], [0.5, -2j]]


def _conjugate_transposes(tf, np):
    a = tf.constant(np.array(_A))
    return {"transpose_conj": tf.transpose(a, conjugate=True),
            "adjoint": tf.linalg.adjoint(a),
            "matrix_transpose_conj": tf.matrix_transpose(a, conjugate=True),
            "plain": tf.linalg.transpose(a),
            "real_conj": tf.transpose(tf.constant([[1.0, 2.0]]), conjugate=True)}


def _adjoint_matmuls(tf, np):
    a = tf.constant(np.array(_A).T)
    b = tf.constant(np.array(_B))
    batched_a = tf.constant(np.array([_A]).transpose(0, 2, 1))
    batched_b = tf.constant(np.array([_B]))
    product = tf.matmul(a, b, adjoint_a=True)
    grads = tf.gradients(tf.reduce_sum(tf.abs(product)), [a, b])
    return {"adjoint_a": product,
            "adjoint_b": tf.matmul(tf.constant(np.array(_A)), tf.constant(np.array(_B).T),
                                   adjoint_b=True),
            "batched": tf.matmul(batched_a, batched_b, adjoint_a=True),
            "grad_a": grads[0], "grad_b": grads[1]}


def _conjugate_transpose_grad(tf, np):
    x = tf.constant(np.array(_A))
    y = tf.transpose(x, conjugate=True) * tf.constant(np.array([[1j, 2.0], [-1.0, 1j],
                                                                [0.5, 2.0]]))
    return {"grad": tf.gradients(tf.reduce_sum(tf.abs(y)), x)[0]}


# -- cross entropies and powers ---------------------------------------------------------------


def _xent_hessian(tf, np):
    logits = tf.constant([[0.1, 0.2, 0.3, 0.4], [0.1, 0.4, 0.9, 1.6], [0.1, 0.8, 2.7, 6.4]],
                         dtype=tf.float64)
    labels = tf.constant([[0.0, 0.0, 1 / 3, 2 / 3], [1 / 3, 0.0, 0.0, 2 / 3],
                          [0.0, 0.5, 0.0, 0.5]], dtype=tf.float64)
    loss = tf.reduce_sum(tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels,
                                                                    logits=logits))
    return {"hessian": tf.hessians(loss, logits)[0]}


def _sparse_xent_scalar_logits(tf, np):
    return {"loss": tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant(0),
                                                                   logits=tf.constant(1.0))}


def _sparse_xent_fed_labels(tf, np, labels):
    placeholder = tf.placeholder(tf.int32)
    loss = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=placeholder,
                                                          logits=[[7.0], [8.0]])
    return {"loss": loss}, {placeholder: np.array(labels, np.int32)}


def _complex_pow_grads(tf, np):
    out = {}
    for i, base in enumerate((2.0 + 1.0j, -2.0, 0.0)):
        x = tf.constant(base, dtype=tf.complex128)
        y = tf.constant(2.0 - 0.5j, dtype=tf.complex128)
        z = tf.pow(x, y)
        gx, gy = tf.gradients(z, [x, y], grad_ys=tf.ones_like(z))
        out[f"dx{i}"] = gx
        out[f"dy{i}"] = gy
    return out


def _complex_gradients_need_grad_ys(tf, np):
    x = tf.constant(1.0 + 2.0j, dtype=tf.complex64)
    return {"grad": tf.gradients(x * x, x)[0]}


# -- conversions and kernels ------------------------------------------------------------------


def _empty_bool_reductions(tf, np):
    return {"all": tf.reduce_all([], [0]), "any": tf.reduce_any([], [0]),
            "empty": tf.constant([], dtype=tf.bool)}


def _string_pads(tf, np):
    x = tf.constant([["Hello", "World"], ["Goodnight", "Moon"]])
    return {"constant": tf.pad(x, [[1, 0], [0, 1]], constant_values="PAD"),
            "default": tf.pad(x, [[1, 0], [0, 1]])}


def _zero_element_reshapes(tf, np):
    out = {"static": tf.reshape(tf.zeros([0, 6]), [0, -1, 3])}
    feeds = {}
    for i, (shape, target) in enumerate((([0], [0, -1, 3]), ([0, 6], [0, -1, 4]),
                                         ([0, 6], [-1, 0]), ([2, 0], [-1, 0, 3]))):
        fed = tf.placeholder(tf.float32, name=f"fed{i}")
        out[f"fed{i}"] = tf.reshape(fed, target)
        feeds[fed] = np.zeros(shape, np.float32)
    return out, feeds


def _where_numpy_int_condition(tf, np):
    x = np.arange(12.0).reshape(3, 4)
    return {"v2": tf.where_v2(np.array([1, 0, 0]).reshape(3, 1), x, -x),
            "v1": tf.where(np.array([1, 0, 1]), x, -x)}


def _numpy_scalar_indices(tf, np):
    a = tf.constant([1, 2, 3])
    i64 = np.asarray(1).astype(np.int64)
    return {"int64": a[i64], "int32": a[np.asarray(1, np.int32)], "slice": a[i64:i64 + 1]}


def _argmax_empty(tf, np):
    return {"argmax": tf.argmax([], 0)}


def _top_k_negative(tf, np):
    k = tf.placeholder(tf.int32)
    values, _ = tf.nn.top_k([[0.1, 0.2], [0.3, 0.4]], k)
    return {"values": values}, {k: -7}


def _split_uneven(tf, np):
    return {"parts": tf.split([0, 1, 2, 3], 3)[0]}


def _split_sizes_count(tf, np):
    return {"parts": tf.split(list(range(10)), tf.constant([2, 2, 6]), num=4)[0]}


def _split_empty_axis(tf, np):
    axis = tf.placeholder(tf.int32)
    sizes = tf.placeholder(tf.int32, [3])
    parts = tf.split(np.zeros([5, 30]), sizes, axis=axis)
    return {"first": parts[0]}, {axis: np.array([], np.int32), sizes: [4, 11, 15]}


def _transpose_bad_perm(tf, np, perm):
    return {"out": tf.transpose(np.arange(30.0).reshape(2, 3, 5), perm)}


def _slice_fed_too_deep(tf, np, value, deep):
    p = tf.placeholder(tf.int32)
    return {"out": p[1:, 1:] if deep else p[:]}, {p: np.array(value, np.int32)}


def _clip_by_norm_bad_shape(tf, np):
    x = tf.constant([-3.0, 0.0, 0.0, 4.0, 0.0, 0.0], shape=[2, 3, 1])
    return {"clipped": tf.clip_by_norm(x, tf.constant([1.0, 2.0]))}


SESSION12_KERNELS_CASES = [
    Case("session12_kernels/folded_shapes", _folded_shapes),
    Case("session12_kernels/unfolded_shapes", _unfolded_shapes),
    Case("session12_kernels/conjugate_transposes", _conjugate_transposes),
    Case("session12_kernels/adjoint_matmuls", _adjoint_matmuls),
    Case("session12_kernels/conjugate_transpose_grad", _conjugate_transpose_grad),
    Case("session12_kernels/xent_hessian", _xent_hessian),
    Case("session12_kernels/sparse_xent_scalar_logits", _sparse_xent_scalar_logits),
    *[Case(f"session12_kernels/sparse_xent_fed_labels/{name}",
           lambda tf, np, v=value: _sparse_xent_fed_labels(tf, np, v))
      for name, value in (("scalar", 0), ("short", [0]), ("right", [0, 0]))],
    Case("session12_kernels/complex_pow_grads", _complex_pow_grads),
    Case("session12_kernels/complex_gradients_need_grad_ys", _complex_gradients_need_grad_ys),
    Case("session12_kernels/empty_bool_reductions", _empty_bool_reductions),
    Case("session12_kernels/string_pads", _string_pads),
    Case("session12_kernels/zero_element_reshapes", _zero_element_reshapes),
    Case("session12_kernels/where_numpy_int_condition", _where_numpy_int_condition),
    Case("session12_kernels/numpy_scalar_indices", _numpy_scalar_indices),
    Case("session12_kernels/argmax_empty", _argmax_empty),
    Case("session12_kernels/top_k_negative", _top_k_negative),
    Case("session12_kernels/split_uneven", _split_uneven),
    Case("session12_kernels/split_sizes_count", _split_sizes_count),
    Case("session12_kernels/split_empty_axis", _split_empty_axis),
    *[Case(f"session12_kernels/transpose_bad_perm/{i}",
           lambda tf, np, p=perm: _transpose_bad_perm(tf, np, p))
      for i, perm in enumerate(([[0, 1], [2, 3]], [0, 1, 3], [0, 1, 1]))],
    *[Case(f"session12_kernels/slice_fed_too_deep/{name}",
           lambda tf, np, v=value, d=deep: _slice_fed_too_deep(tf, np, v, d))
      for name, value, deep in (("scalar", 0, False), ("vector", [1, 2], True))],
    Case("session12_kernels/clip_by_norm_bad_shape", _clip_by_norm_bad_shape),
]
