"""Oracle cases of session 12 (helper contrib): ``tf.contrib`` parts TensorFlow 2.21 still
computes under other names.

TensorFlow 2.21 has no ``tf.contrib``. The contrib optimizers were thin layers over fused
training kernels that 2.21 still has as raw ops (``ApplyAdam(use_nesterov=True)`` for Nadam,
``ApplyAdaMax``, ``ApplyAddSign``, ``ApplyPowerSign``; AdamW and MomentumW decay the variable
by ``weight_decay * var`` first, then run ``ApplyAdam``/``ApplyMomentum``): on the
TensorFlow side each case drives those kernels by hand with the slots and beta powers the
contrib class kept, on smallflow's the contrib class itself. Three runs of a loss whose
gradient depends on the variable. Same rules as cases.py.
"""

import math

from cases import Case

_W0 = [[1.0, -2.0, 0.5], [0.25, 3.0, -0.75]]
_G = [[0.3, -1.0, 2.0], [-0.5, 0.1, 0.0]]


def _problem(tf, np):
    """A ref variable and a loss whose gradient is ``g + w``."""
    kwargs = {} if hasattr(tf, "contrib") else {"use_resource": False}
    w = tf.Variable(np.array(_W0, np.float32), name="w", **kwargs)
    loss = tf.reduce_sum(w * tf.constant(_G)) + 0.5 * tf.reduce_sum(w * w)
    return w, loss


def _slot(tf, np, name):
    return tf.Variable(np.zeros((2, 3), np.float32), name=name, use_resource=False)


def _power(tf, value, name):
    return tf.Variable(value, name=name, use_resource=False, dtype=tf.float32)


def _after(tf, w, train):
    with tf.control_dependencies([train]):
        return {"w": tf.identity(w)}


def _decayed(tf, w, decay, grad):
    """``w -= decay * w`` once the gradient is computed: TensorFlow's variable reads alias
    the variable's buffer, so an unordered decay can race the gradient's read of ``w``
    (smallflow's gradient always sees the value at the start of the step)."""
    with tf.control_dependencies([grad]):
        return tf.assign_sub(w, decay * w)


def _oracle_adam(tf, np, w, loss, lr, nesterov, decay=0.0):
    grad = tf.gradients(loss, [w])[0]
    m, v = _slot(tf, np, "m"), _slot(tf, np, "v")
    b1, b2 = _power(tf, 0.9, "beta1_power"), _power(tf, 0.999, "beta2_power")
    deps = [_decayed(tf, w, decay, grad)] if decay else []
    with tf.control_dependencies(deps):
        update = tf.raw_ops.ApplyAdam(var=w._ref(), m=m._ref(), v=v._ref(), beta1_power=b1,
                                      beta2_power=b2, lr=lr, beta1=0.9, beta2=0.999,
                                      epsilon=1e-8, grad=grad, use_nesterov=nesterov)
    with tf.control_dependencies([update]):
        return tf.group(b1.assign(b1 * 0.9), b2.assign(b2 * 0.999))


def _nadam(tf, np):
    w, loss = _problem(tf, np)
    if hasattr(tf, "contrib"):
        train = tf.contrib.opt.NadamOptimizer(0.05).minimize(loss)
    else:
        train = _oracle_adam(tf, np, w, loss, 0.05, True)
    return _after(tf, w, train)


def _adamw(tf, np):
    w, loss = _problem(tf, np)
    if hasattr(tf, "contrib"):
        train = tf.contrib.opt.AdamWOptimizer(0.1, learning_rate=0.05).minimize(loss)
    else:
        train = _oracle_adam(tf, np, w, loss, 0.05, False, decay=0.1)
    return _after(tf, w, train)


def _extended_adam(tf, np):
    """``extend_with_decoupled_weight_decay(AdamOptimizer)`` is AdamW."""
    w, loss = _problem(tf, np)
    if hasattr(tf, "contrib"):
        cls = tf.contrib.opt.extend_with_decoupled_weight_decay(tf.train.AdamOptimizer)
        train = cls(0.1, 0.05).minimize(loss)
    else:
        train = _oracle_adam(tf, np, w, loss, 0.05, False, decay=0.1)
    return _after(tf, w, train)


def _momentumw(tf, np):
    w, loss = _problem(tf, np)
    if hasattr(tf, "contrib"):
        train = tf.contrib.opt.MomentumWOptimizer(0.05, 0.1, 0.9, use_nesterov=True).minimize(
            loss)
    else:
        grad = tf.gradients(loss, [w])[0]
        accum = _slot(tf, np, "accum")
        with tf.control_dependencies([_decayed(tf, w, 0.05, grad)]):
            train = tf.raw_ops.ApplyMomentum(var=w._ref(), accum=accum._ref(), lr=0.1,
                                             grad=grad, momentum=0.9, use_nesterov=True)
    return _after(tf, w, train)


def _adamax(tf, np):
    w, loss = _problem(tf, np)
    if hasattr(tf, "contrib"):
        train = tf.contrib.opt.AdaMaxOptimizer(0.05).minimize(loss)
    else:
        grad = tf.gradients(loss, [w])[0]
        m, v = _slot(tf, np, "m"), _slot(tf, np, "v")
        b1, b2 = _power(tf, 0.9, "beta1_power"), _power(tf, 0.999, "beta2_power")
        update = tf.raw_ops.ApplyAdaMax(var=w._ref(), m=m._ref(), v=v._ref(), beta1_power=b1,
                                        lr=0.05, beta1=0.9, beta2=0.999, epsilon=1e-8,
                                        grad=grad)
        with tf.control_dependencies([update]):
            train = tf.group(b1.assign(b1 * 0.9), b2.assign(b2 * 0.999))
    return _after(tf, w, train)


def _sign(kind):
    def build(tf, np):
        w, loss = _problem(tf, np)
        if hasattr(tf, "contrib"):
            if kind == "add":
                opt = tf.contrib.opt.AddSignOptimizer(0.1, alpha=1.5, beta=0.8)
            else:
                opt = tf.contrib.opt.PowerSignOptimizer(0.1, base=2.0, beta=0.8)
            train = opt.minimize(loss)
        else:
            grad = tf.gradients(loss, [w])[0]
            m = _slot(tf, np, "m")
            if kind == "add":
                train = tf.raw_ops.ApplyAddSign(var=w._ref(), m=m._ref(), lr=0.1, alpha=1.5,
                                                sign_decay=1.0, beta=0.8, grad=grad)
            else:
                train = tf.raw_ops.ApplyPowerSign(var=w._ref(), m=m._ref(), lr=0.1,
                                                  logbase=math.log(2.0), sign_decay=1.0,
                                                  beta=0.8, grad=grad)
        return _after(tf, w, train)

    return build


SESSION12_CONTRIB_CASES = [
    Case("session12/contrib_opt_nadam", _nadam, init=True, runs=3, rtol=1e-5),
    Case("session12/contrib_opt_adamw", _adamw, init=True, runs=3, rtol=1e-5),
    Case("session12/contrib_opt_extend_adam", _extended_adam, init=True, runs=3, rtol=1e-5),
    Case("session12/contrib_opt_momentumw", _momentumw, init=True, runs=3, rtol=1e-5),
    Case("session12/contrib_opt_adamax", _adamax, init=True, runs=3, rtol=1e-5),
    Case("session12/contrib_opt_addsign", _sign("add"), init=True, runs=3, rtol=1e-5),
    Case("session12/contrib_opt_powersign", _sign("power"), init=True, runs=3, rtol=1e-5),
]
