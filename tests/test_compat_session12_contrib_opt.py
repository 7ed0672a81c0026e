"""Session 12 (helper contrib): ``tf.contrib.opt``'s ScipyOptimizerInterface, optimizers and
wrappers (docs/compatibility.md, "Session 12: tf.contrib"). The dense updates are also
checked against TensorFlow 2.21's training kernels in tests/oracle/cases_session12_contrib.py;
here: the r1.15 docstrings' and unit tests' expectations, the sparse rules, the errors."""

import sys

import numpy as np
import pytest

import smallflow as tf

opt = tf.contrib.opt


@pytest.fixture
def session():
    with tf.Session() as sess:
        yield sess


# -- ScipyOptimizerInterface (the r1.15 docstring's three examples) -----------------------------


def _vector():
    vector = tf.Variable([7.0, 7.0], name="vector")
    return vector, tf.reduce_sum(tf.square(vector))


def test_scipy_interface_minimizes_with_lbfgsb(session):
    vector, loss = _vector()
    steps = []
    optimizer = opt.ScipyOptimizerInterface(loss, options={"maxiter": 100})
    session.run(tf.global_variables_initializer())
    optimizer.minimize(session, step_callback=steps.append)
    np.testing.assert_allclose(session.run(vector), [0.0, 0.0], atol=1e-5)
    assert steps
    assert all(x.shape == (2,) for x in steps)


def test_scipy_interface_bounds_broadcast_per_element(session):
    vector, loss = _vector()
    optimizer = opt.ScipyOptimizerInterface(loss, var_to_bounds={vector: ([1, 2], np.inf)})
    session.run(tf.global_variables_initializer())
    optimizer.minimize(session)
    np.testing.assert_allclose(session.run(vector), [1.0, 2.0], atol=1e-6)


def test_scipy_interface_constraints_with_slsqp(session):
    vector, loss = _vector()
    optimizer = opt.ScipyOptimizerInterface(loss, equalities=[vector[1] - 1.0],
                                            inequalities=[vector[0] - 1.0], method="SLSQP")
    session.run(tf.global_variables_initializer())
    optimizer.minimize(session)
    np.testing.assert_allclose(session.run(vector), [1.0, 1.0], atol=1e-5)


def test_scipy_interface_feeds_and_callbacks(session):
    """A fed placeholder reaches every evaluation; ``loss_callback`` gets ``fetches``; the
    variables keep their value until the search ends (candidates are fed, not assigned)."""
    target = tf.placeholder(tf.float32, [2])
    w = tf.Variable([0.0, 0.0])
    b = tf.Variable(5.0)  # not in var_list: never changes
    loss = tf.reduce_sum(tf.square(w - target)) + 0.0 * b
    seen = []
    optimizer = opt.ScipyOptimizerInterface(loss, var_list=[w])
    session.run(tf.global_variables_initializer())
    optimizer.minimize(session, feed_dict={target: [3.0, -1.0]}, fetches=[loss, w],
                       loss_callback=lambda value, w_value: seen.append((value, w_value)))
    np.testing.assert_allclose(session.run(w), [3.0, -1.0], atol=1e-5)
    assert session.run(b) == 5.0
    assert seen[0][0] == pytest.approx(10.0)
    np.testing.assert_allclose(seen[0][1], [0.0, 0.0])
    assert seen[-1][0] < 1e-8


def test_scipy_interface_zero_gradient_for_unused_variable(session):
    """A variable the loss does not read gets a zero gradient and stays where it was."""
    used = tf.Variable([2.0])
    unused = tf.Variable([[4.0, 5.0]])
    loss = tf.reduce_sum(tf.square(used - 1.0))
    optimizer = opt.ScipyOptimizerInterface(loss, var_list=[used, unused])
    session.run(tf.global_variables_initializer())
    optimizer.minimize(session)
    np.testing.assert_allclose(session.run(used), [1.0], atol=1e-6)
    np.testing.assert_allclose(session.run(unused), [[4.0, 5.0]])


@pytest.mark.parametrize(("key", "message"), [
    ("bounds", "Bounds must be set using the var_to_bounds argument"),
    ("jac", "Optimizer keyword arg 'jac' is set automatically"),
    ("callback", "Optimizer keyword arg 'callback' is set automatically"),
])
def test_scipy_interface_refuses_injected_arguments(session, key, message):
    _, loss = _vector()
    optimizer = opt.ScipyOptimizerInterface(loss, **{key: None})
    session.run(tf.global_variables_initializer())
    with pytest.raises(ValueError, match=message):
        optimizer.minimize(session)


def test_scipy_interface_names_the_missing_extra(session, monkeypatch):
    _, loss = _vector()
    optimizer = opt.ScipyOptimizerInterface(loss)
    session.run(tf.global_variables_initializer())
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    with pytest.raises(ImportError, match=r"smallflow\[scipy\]"):
        optimizer.minimize(session)


def test_scipy_interface_needs_a_session():
    _, loss = _vector()
    optimizer = opt.ScipyOptimizerInterface(loss)
    with pytest.raises(ValueError, match="needs a session"):
        optimizer.minimize()


# -- decoupled weight decay -----------------------------------------------------------------------


def test_decay_var_list_limits_the_decay(session):
    a = tf.Variable([1.0, 2.0])
    b = tf.Variable([3.0])
    loss = 0.0 * (tf.reduce_sum(a) + tf.reduce_sum(b))
    train = opt.MomentumWOptimizer(0.5, 0.1, 0.9).minimize(loss, decay_var_list=[a])
    session.run(tf.global_variables_initializer())
    session.run(train)
    np.testing.assert_allclose(session.run(a), [0.5, 1.0])
    np.testing.assert_allclose(session.run(b), [3.0])


def test_weight_decay_may_be_a_callable(session):
    a = tf.Variable([2.0])
    train = opt.AdamWOptimizer(lambda: 0.25, learning_rate=0.0).minimize(tf.reduce_sum(a))
    session.run(tf.global_variables_initializer())
    session.run(train)
    np.testing.assert_allclose(session.run(a), [1.5])


def test_extend_with_decoupled_weight_decay_takes_positional_arguments(session):
    sgdw = opt.extend_with_decoupled_weight_decay(tf.train.GradientDescentOptimizer)
    a = tf.Variable([2.0, -4.0])
    train = sgdw(0.5, 0.1).minimize(tf.reduce_sum(a))
    session.run(tf.global_variables_initializer())
    session.run(train)
    np.testing.assert_allclose(session.run(a), [2.0 * 0.5 - 0.1, -4.0 * 0.5 - 0.1])


def test_extend_with_decoupled_weight_decay_needs_an_optimizer_class():
    with pytest.raises(TypeError, match="optimizer class"):
        opt.extend_with_decoupled_weight_decay(tf.train.AdamOptimizer(0.1))


def test_sparse_weight_decay_touches_the_rows_read(session):
    table = tf.Variable([[1.0], [2.0], [3.0]])
    loss = tf.reduce_sum(tf.gather(table, [2]))
    train = opt.MomentumWOptimizer(0.5, 0.0, 0.0).minimize(loss)
    session.run(tf.global_variables_initializer())
    session.run(train)
    np.testing.assert_allclose(session.run(table), [[1.0], [2.0], [1.5]])


# -- sparse updates (IndexedSlices) against the r1.15 formulas -------------------------------------


def _sparse_step(optimizer, session, rows=(0, 2)):
    table = tf.Variable([[1.0, -1.0], [2.0, 0.5], [-3.0, 0.25]])
    weights = tf.constant([[0.5, -2.0], [1.0, 1.0], [3.0, -0.5]])
    picked = tf.gather(table, list(rows))
    loss = tf.reduce_sum(picked * tf.gather(weights, list(rows)))
    train = optimizer.minimize(loss)
    session.run(tf.global_variables_initializer())
    before = session.run(table)
    session.run(train)
    grad = np.zeros_like(before)
    grad[list(rows)] = session.run(weights)[list(rows)]
    return before, session.run(table), grad


def test_adamax_sparse_moves_only_rows_read(session):
    before, after, g = _sparse_step(opt.AdaMaxOptimizer(0.1), session)
    rows = [0, 2]
    m = 0.1 * g[rows]
    v = np.abs(g[rows])
    expected = before.copy()
    expected[rows] -= 0.1 / (1 - 0.9) * m / (v + 1e-8)
    np.testing.assert_allclose(after, expected, rtol=1e-6)


def test_nadam_sparse_uses_the_nesterov_mean(session):
    before, after, g = _sparse_step(opt.NadamOptimizer(0.1), session)
    rows = [0, 2]
    m_t = 0.1 * g[rows]
    m_bar = 0.1 * g[rows] + 0.9 * m_t
    v_t = 0.001 * g[rows] ** 2
    alpha = 0.1 * np.sqrt(1 - 0.999) / (1 - 0.9)
    expected = before.copy()
    expected[rows] -= alpha * m_bar / (np.sqrt(v_t) + 1e-8)
    np.testing.assert_allclose(after, expected, rtol=1e-5)


@pytest.mark.parametrize("kind", ["add", "power"])
def test_sign_optimizers_sparse(session, kind):
    optimizer = (opt.AddSignOptimizer(0.1, alpha=1.0, beta=0.9) if kind == "add"
                 else opt.PowerSignOptimizer(0.1, base=2.0, beta=0.9))
    before, after, g = _sparse_step(optimizer, session)
    m = 0.1 * g
    sign_gm = np.sign(g) * np.sign(m)
    factor = 1.0 + sign_gm if kind == "add" else 2.0 ** sign_gm
    np.testing.assert_allclose(after, before - 0.1 * factor * g, rtol=1e-6)


def test_sign_decay_fn_gets_the_global_step(session):
    global_step = tf.train.get_or_create_global_step()
    seen = []

    def decay(step):
        seen.append(step)
        return 0.0

    w = tf.Variable([1.0])
    train = opt.AddSignOptimizer(0.1, alpha=2.0, sign_decay_fn=decay).minimize(
        tf.reduce_sum(3.0 * w), global_step=global_step)
    session.run(tf.global_variables_initializer())
    session.run(train)
    assert seen == [global_step]
    np.testing.assert_allclose(session.run(w), [1.0 - 0.1 * 2.0 * 3.0])
    assert session.run(global_step) == 1


def test_nadam_keeps_contribs_default_name():
    w = tf.Variable([1.0])
    optimizer = opt.NadamOptimizer()
    optimizer.minimize(tf.reduce_sum(w * w))
    assert optimizer.get_slot(w, "m").op.name == "Variable/Adam"


# -- wrappers ----------------------------------------------------------------------------------


def test_moving_average_optimizer_and_swapping_saver(session, tmp_path):
    w = tf.Variable([1.0, 2.0], name="w")
    wrapped = opt.MovingAverageOptimizer(tf.train.GradientDescentOptimizer(1.0),
                                         average_decay=0.5)
    with pytest.raises(RuntimeError, match="Must call apply_gradients or minimize"):
        wrapped.swapping_saver()
    train = wrapped.minimize(tf.reduce_sum(w))
    saver = wrapped.swapping_saver()
    session.run(tf.global_variables_initializer())
    session.run(train)
    # The average is updated after the step (sequential_update): 0.5 * 1 + 0.5 * 0.
    np.testing.assert_allclose(session.run(w), [0.0, 1.0])
    path = saver.save(session, str(tmp_path / "model"))
    reader = tf.train.load_checkpoint(path)
    np.testing.assert_allclose(reader.get_tensor("w"), [0.5, 1.5])
    np.testing.assert_allclose(reader.get_tensor("w/ExponentialMovingAverage"), [0.0, 1.0])


def test_variable_clipping_optimizer_clips_rows(session):
    w = tf.Variable([[3.0, 4.0], [0.3, 0.4]])
    loss = 0.0 * tf.reduce_sum(w)
    clipper = opt.VariableClippingOptimizer(tf.train.GradientDescentOptimizer(0.1),
                                            {w: [1]}, max_norm=1.0)
    train = clipper.minimize(loss)
    session.run(tf.global_variables_initializer())
    session.run(train)
    np.testing.assert_allclose(session.run(w), [[0.6, 0.8], [0.3, 0.4]], rtol=1e-6)


def test_wrappers_refuse_a_non_optimizer():
    with pytest.raises(TypeError, match="wraps a tf.train.Optimizer"):
        opt.MovingAverageOptimizer("sgd")


def test_scipy_interface_takes_a_one_element_loss(session):
    """cysmith/neural-style-tf's loss has shape [1] (tf.image.total_variation's batch)."""
    w = tf.Variable([4.0])
    loss = tf.square(w - 1.0)
    optimizer = opt.ScipyOptimizerInterface(loss)
    session.run(tf.global_variables_initializer())
    optimizer.minimize(session)
    np.testing.assert_allclose(session.run(w), [1.0], atol=1e-5)


def test_scipy_interface_refuses_a_vector_loss(session):
    w = tf.Variable([4.0, 2.0])
    optimizer = opt.ScipyOptimizerInterface(tf.square(w))
    session.run(tf.global_variables_initializer())
    with pytest.raises(ValueError, match=r"scalar loss; the loss tensor has shape \(2,\)"):
        optimizer.minimize(session)


# -- tf.contrib.mixed_precision ----------------------------------------------------------------

mp = tf.contrib.mixed_precision


def test_loss_scale_optimizer_unscales_the_gradients(session):
    w = tf.Variable([1.0, 2.0])
    loss = tf.reduce_sum(w * tf.constant([3.0, -1.0]))
    opt = mp.LossScaleOptimizer(tf.train.GradientDescentOptimizer(0.1),
                                mp.FixedLossScaleManager(1024.0))
    (grad, _), = opt.compute_gradients(loss)
    train = opt.apply_gradients([(grad, w)])
    session.run(tf.global_variables_initializer())
    np.testing.assert_allclose(session.run(grad), [3.0, -1.0])
    session.run(train)
    np.testing.assert_allclose(session.run(w), [0.7, 2.1], rtol=1e-6)


def test_exponential_loss_scale_manager_schedule(session):
    """r1.15's rule: x2 after 2 finite steps; x0.8 after 2 (not necessarily consecutive)
    non-finite steps; a non-finite step is skipped and resets the finite count."""
    w = tf.Variable([1.0, 2.0])
    x = tf.placeholder(tf.float32, [2])
    manager = mp.ExponentialUpdateLossScaleManager(8.0, incr_every_n_steps=2,
                                                   decr_every_n_nan_or_inf=2)
    train = mp.LossScaleOptimizer(tf.train.GradientDescentOptimizer(0.1),
                                  manager).minimize(tf.reduce_sum(w * x))
    session.run(tf.global_variables_initializer())
    seen = []
    for feed in ([1, 1], [1, 1], [np.inf, 1], [1, 1], [np.nan, 1], [1, 1]):
        session.run(train, {x: feed})
        seen.append((session.run(manager.get_loss_scale()).item(),
                     session.run(manager._num_good_steps).item(),
                     session.run(manager._num_bad_steps).item()))
    assert seen == [(8.0, 1, 0), (16.0, 0, 0), (16.0, 0, 1), (16.0, 1, 1),
                    (pytest.approx(12.8), 0, 0), (pytest.approx(12.8), 1, 0)]
    # Four finite steps applied, the two others skipped.
    np.testing.assert_allclose(session.run(w), [1.0 - 0.4, 2.0 - 0.4], rtol=1e-6)


def test_fixed_loss_scale_must_be_at_least_one():
    with pytest.raises(ValueError, match="loss scale must be at least 1."):
        mp.FixedLossScaleManager(0.5)
