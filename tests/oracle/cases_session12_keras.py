"""Oracle cases from session 12's tf.keras sweep: random ops whose shape mixes a tensor and
ints (a VAE's ``K.random_normal((K.shape(z)[0], dim))``). (``tf.contrib.image``'s composed
transforms are checked against NumPy in tests/test_compat_session12_keras.py: TensorFlow
2.21 has no contrib.)

Same rules as cases.py (runs under both interpreters; NumPy only).
"""

from cases import Case


def _packed_random_shape(tf, np):
    z = tf.placeholder(tf.float32, [None, 3])
    normal = tf.random_normal((tf.shape(z)[0], 2), seed=4)
    uniform = tf.random_uniform([tf.shape(z)[0], 3, tf.shape(z)[1]], seed=5)
    static = tf.constant(np.array([normal.shape.as_list()[1], uniform.shape.as_list()[1]]))
    return ({"normal": normal, "uniform": uniform, "static": static},
            {z: np.zeros((4, 3), np.float32)})


SESSION12_KERAS_CASES = [
    Case("session12/packed_random_shape", _packed_random_shape),
]
