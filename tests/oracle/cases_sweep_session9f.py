"""Oracle cases from session 9's sweep F (deeplearning.ai, CS231n, CS224n TF1 assignments):
the seeded random ops draw TensorFlow's Philox numbers, so their values are compared.

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only. Every random op
here has an explicit op seed: TensorFlow 2 numbers unseeded ops of a seeded graph with a
counter, TensorFlow 1.x (and smallflow) with the graph's op count, so only explicit op seeds
give both the same stream. Float32 normals are compared to within a few ulps: their log,
sin and cos are glibc's float functions in TensorFlow, rounded float64 ones in smallflow.
"""

from cases import Case

_NORMAL_RTOL = 1e-6


def _uniform(tf, np):
    tf.set_random_seed(1)
    u = tf.random_uniform([3, 5], seed=1)
    wide = tf.random_uniform([1030], -2.5, 4.0, seed=7)
    d = tf.random_uniform([7], dtype=tf.float64, seed=4)
    h = tf.random_uniform([9], dtype=tf.float16, seed=9)
    i32 = tf.random_uniform([9], -5, 17, dtype=tf.int32, seed=7)
    i64 = tf.random_uniform([5], -5, 1 << 40, dtype=tf.int64, seed=8)
    return {"u": u, "wide": wide, "d": d, "h": h, "i32": i32, "i64": i64}


def _normal(tf, np):
    # no graph seed: the default graph seed with the op seed
    n = tf.random_normal([1001], seed=2)
    t = tf.truncated_normal([1003], mean=1.0, stddev=0.5, seed=3)
    dn = tf.random_normal([7], dtype=tf.float64, seed=5)
    dt = tf.truncated_normal([9], dtype=tf.float64, seed=6)
    hn = tf.random_normal([9], dtype=tf.float16, seed=10)
    ht = tf.truncated_normal([9], dtype=tf.float16, seed=11)
    return {"n": n, "t": t, "dn": dn, "dt": dt, "hn": hn, "ht": ht}


def _initializers(tf, np):
    # the deeplearning.ai "Convolution model - Application" cell: Xavier (Glorot) uniform with
    # the graph seed 1 and op seed 0; the other initializers the courses use, seeded
    tf.set_random_seed(1)
    w1 = tf.get_variable("W1", [4, 4, 3, 8], initializer=tf.glorot_uniform_initializer(seed=0))
    w2 = tf.get_variable("W2", [2, 2, 8, 16], initializer=tf.glorot_uniform_initializer(seed=0))
    tn = tf.get_variable("tn", [5, 7], initializer=tf.truncated_normal_initializer(
        stddev=0.1, seed=3))
    vs = tf.get_variable("vs", [6, 4], initializer=tf.variance_scaling_initializer(seed=4))
    gn = tf.get_variable("gn", [6, 4], initializer=tf.glorot_normal_initializer(seed=5))
    rn = tf.get_variable("rn", [3, 3], initializer=tf.random_normal_initializer(seed=6))
    ru = tf.get_variable("ru", [3, 3], initializer=tf.random_uniform_initializer(-1, 1, seed=7))
    variables = {"W1": w1, "W2": w2, "tn": tn, "vs": vs, "gn": gn, "rn": rn, "ru": ru}
    return {name: tf.identity(v) for name, v in variables.items()}


def _dropout(tf, np):
    # dropout's mask is a seeded uniform draw
    x = tf.ones([4, 6])
    return {"kept": tf.nn.dropout(x, keep_prob=0.5, seed=3)}


SWEEP_SESSION9F_CASES = [
    Case("sweep9f/philox_uniform", _uniform, runs=2),
    Case("sweep9f/philox_normal", _normal, runs=2, rtol=_NORMAL_RTOL),
    Case("sweep9f/philox_initializers", _initializers, init=True, rtol=_NORMAL_RTOL),
    Case("sweep9f/philox_dropout", _dropout, runs=2),
]


def _one_hot(tf, np):
    # deeplearning.ai's one_hot_matrix passes depth as a tensor; a fed depth too
    labels = np.array([1, 2, 3, 0, 2, 1])
    by_constant = tf.one_hot(labels, tf.constant(4, name="C"), axis=0)
    depth = tf.placeholder(tf.int32, [], name="depth")
    fed = tf.one_hot(tf.constant([0, 2, 5]), depth, on_value=2.0, off_value=-1.0)
    names = [op.name for op in tf.get_default_graph().get_operations()]
    fetches = {"by_constant": by_constant, "fed": fed, "names": tf.constant(names),
               "fed_shape": tf.constant(str(fed.shape))}
    return fetches, {depth: 3}


SWEEP_SESSION9F_CASES.append(Case("sweep9f/one_hot_tensor_depth", _one_hot))


def _one_hot_dtypes(tf, np):
    # on/off values set the dtype; mismatches are refused when building
    ints = tf.one_hot([1, 0], 3, on_value=5, off_value=0)
    mixed = tf.one_hot([1], 3, on_value=1, off_value=0.0)
    return {"ints": ints, "mixed": mixed}


SWEEP_SESSION9F_CASES.append(Case("sweep9f/one_hot_value_dtypes", _one_hot_dtypes))


def _reshape_names(tf, np):
    # arguments converted in the op's scope: Reshape/shape, foo/tensor, foo/shape
    x = tf.placeholder(tf.float32, [None, 2, 3], name="x")
    flat = tf.reshape(x, [-1, 3])
    tf.shape(x)
    named = tf.reshape([1, 2, 3, 4], [2, 2], name="foo")
    again = tf.reshape(x, tf.shape(x))
    names = [op.name for op in tf.get_default_graph().get_operations()]
    feed = {x: np.arange(12, dtype=np.float32).reshape(2, 2, 3)}
    return {"names": tf.constant(names), "flat": flat, "named": named, "again": again}, feed


SWEEP_SESSION9F_CASES.append(Case("sweep9f/reshape_argument_names", _reshape_names))
