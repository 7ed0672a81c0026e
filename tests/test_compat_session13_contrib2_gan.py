"""Session 13 (helper contrib2): ``tf.contrib.gan`` (TFGAN) against NumPy statements of its
losses and scores, TFGAN's rules for models, train ops and hooks, and a GAN that learns."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf

tfgan = tf.contrib.gan
wargs = tfgan.losses.wargs


def _run(fetches, init=False):
    with tf.Session() as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(fetches)


def _xent(labels, logits):
    return np.maximum(logits, 0) - logits * labels + np.log1p(np.exp(-np.abs(logits)))


def _mean(values, weights=1.0):
    weighted = values * weights
    count = np.count_nonzero(np.broadcast_to(weights, values.shape))
    return weighted.sum() / count if count else 0.0


_floats = st.lists(st.floats(-4, 4, width=32), min_size=4, max_size=4)


@settings(max_examples=20, deadline=None)
@given(real=_floats, gen=_floats, smoothing=st.floats(0, 0.5))
def test_adversarial_losses_are_their_formulas(real, gen, smoothing):
    r = np.array(real, np.float32)[:, None]
    g = np.array(gen, np.float32)[:, None]
    w = np.array([[1.0], [0.0], [2.0], [0.5]], np.float32)
    got = _run({
        "minimax_d": wargs.minimax_discriminator_loss(r, g, label_smoothing=smoothing,
                                                      real_weights=w),
        "minimax_g": wargs.minimax_generator_loss(g, label_smoothing=smoothing),
        "modified_g": wargs.modified_generator_loss(g, weights=w),
        "modified_d": wargs.modified_discriminator_loss(r, g),
        "wass_d": wargs.wasserstein_discriminator_loss(r, g, generated_weights=w),
        "wass_g": wargs.wasserstein_generator_loss(g),
        "lsq_d": wargs.least_squares_discriminator_loss(r, g, real_label=0.9, fake_label=0.1),
        "lsq_g": wargs.least_squares_generator_loss(g, weights=w),
    })
    smoothed = 1.0 - 0.5 * smoothing
    ones = np.ones_like(g)
    want = {
        "minimax_d": _mean(_xent(smoothed, r), w) + _mean(_xent(0.0, g)),
        # TFGAN's minimax generator loss: minus the discriminator loss with a logit of one for
        # the real outputs, so a constant term stays in.
        "minimax_g": -(_mean(_xent(smoothed, ones)) + _mean(_xent(0.0, g))),
        "modified_g": _mean(_xent(1.0, g), w),
        "modified_d": _mean(_xent(0.875, r)) + _mean(_xent(0.0, g)),
        "wass_d": _mean(g, w) - _mean(r),
        "wass_g": -g.mean(),
        "lsq_d": _mean((r - 0.9) ** 2 / 2) + _mean((g - 0.1) ** 2 / 2),
        "lsq_g": _mean((g - 1.0) ** 2 / 2, w),
    }
    for key, value in want.items():
        np.testing.assert_allclose(got[key], value, rtol=1e-5, atol=1e-5, err_msg=key)


def test_losses_join_the_losses_collection_once():
    real = tf.constant([[1.0], [2.0]])
    gen = tf.constant([[0.5], [-1.0]])
    loss = wargs.minimax_discriminator_loss(real, gen)
    collected = tf.get_collection(tf.GraphKeys.LOSSES)
    assert len(collected) == 1
    assert collected[0] is loss
    wargs.wasserstein_generator_loss(gen, loss_collection=None)
    assert len(tf.get_collection(tf.GraphKeys.LOSSES)) == 1


def test_acgan_losses_are_softmax_cross_entropies():
    rng = np.random.RandomState(0)
    real = rng.normal(size=(5, 3)).astype(np.float32)
    gen = rng.normal(size=(5, 3)).astype(np.float32)
    labels = np.eye(3, dtype=np.float32)[[0, 2, 1, 1, 0]]

    def xent(lab, logits):
        shifted = logits - logits.max(1, keepdims=True)
        log_p = shifted - np.log(np.exp(shifted).sum(1, keepdims=True))
        return -(lab * log_p).sum(1).mean()

    d, g = _run([wargs.acgan_discriminator_loss(real, gen, labels, label_smoothing=0.3),
                 wargs.acgan_generator_loss(gen, labels)])
    smoothed = labels * 0.7 + 0.1
    np.testing.assert_allclose(d, xent(labels, gen) + xent(smoothed, real), rtol=1e-5)
    np.testing.assert_allclose(g, xent(labels, gen), rtol=1e-5)


@pytest.mark.parametrize(("target", "one_sided"), [(1.0, False), (5.0, True), (0.5, True)])
def test_gradient_penalty_of_a_linear_critic(target, one_sided):
    """A linear critic's gradient is its weight vector at every interpolate."""
    w = np.array([[0.5, -1.0], [2.0, 0.25]], np.float32)
    real = tf.constant(np.ones((4, 2, 2), np.float32))
    gen = tf.constant(np.zeros((4, 2, 2), np.float32))

    def critic(x, _):
        return tf.reduce_sum(x * w, axis=[1, 2])

    penalty = wargs.wasserstein_gradient_penalty(real, gen, None, critic, None, target=target,
                                                 one_sided=one_sided)
    slope = np.sqrt((w ** 2).sum() + 1e-10)
    excess = slope / target - 1.0
    if one_sided:
        excess = max(excess, 0.0)
    np.testing.assert_allclose(_run(penalty), excess ** 2, rtol=1e-5)


def test_gradient_penalty_reuses_the_discriminator_variables():
    def critic(x, _):
        return tf.layers.dense(tf.layers.flatten(x), 1)

    model = tfgan.gan_model(lambda z: tf.layers.dense(z, 4), critic, tf.ones([3, 4]),
                            tf.ones([3, 2]))
    before = len(tf.trainable_variables())
    tfgan.losses.wasserstein_gradient_penalty(model)
    assert len(tf.trainable_variables()) == before


def test_mutual_information_penalty_is_minus_the_mean_log_likelihood():
    ds = tf.contrib.distributions
    logits = np.array([[0.0, 1.0, -1.0], [2.0, 0.0, 0.0]], np.float32)
    cat = np.array([1, 0], np.int32)
    loc = np.array([[0.5], [-1.0]], np.float32)
    cont = np.array([[0.0], [1.0]], np.float32)
    loss = wargs.mutual_information_penalty(
        [cat, cont], [ds.Categorical(logits=logits), ds.Normal(loc=loc, scale=1.0)])
    log_p = logits - np.log(np.exp(logits).sum(1, keepdims=True))
    cat_ll = log_p[[0, 1], cat].mean()
    normal_ll = (-0.5 * (cont - loc) ** 2 - 0.5 * np.log(2 * np.pi)).mean()
    np.testing.assert_allclose(_run(loss), -(cat_ll + normal_ll) / 2, rtol=1e-5)
    with pytest.raises(ValueError, match="must be a list of `Distributions`"):
        wargs.mutual_information_penalty([cont], [cont])


def test_combine_adversarial_loss_weight_and_gradient_ratio():
    pytest.importorskip("tensorboard")  # summaries need TensorBoard's protos
    v = tf.Variable([1.0, 2.0])
    main = tf.reduce_sum(v * v)
    adversarial = tf.reduce_sum(3.0 * v)
    fixed = wargs.combine_adversarial_loss(main, adversarial, weight_factor=0.5,
                                           variables=[v], gradient_summaries=False,
                                           scalar_summaries=False)
    ratio = wargs.combine_adversarial_loss(main, adversarial, gradient_ratio=2.0,
                                           variables=[v], scalar_summaries=False,
                                           gradient_summaries=False)
    zero = wargs.combine_adversarial_loss(main, adversarial, weight_factor=0.0,
                                          variables=[v], gradient_summaries=False,
                                          scalar_summaries=False)
    grad = tf.gradients(ratio, v)[0]
    got = _run([fixed, ratio, grad, zero], init=True)
    main_norm = np.linalg.norm([2.0, 4.0])
    adv_norm = np.linalg.norm([3.0, 3.0])
    coeff = main_norm / (adv_norm + 1e-6) / 2.0
    np.testing.assert_allclose(got[0], 5.0 + 0.5 * 9.0, rtol=1e-6)
    np.testing.assert_allclose(got[1], 5.0 + coeff * 9.0, rtol=1e-5)
    # the coefficient is not differentiated
    np.testing.assert_allclose(got[2], [2.0 + 3 * coeff, 4.0 + 3 * coeff], rtol=1e-5)
    assert zero is main
    with pytest.raises(ValueError, match="cannot both be `None.`"):
        wargs.combine_adversarial_loss(main, adversarial)
    with pytest.raises(ValueError, match="cannot both be specified"):
        wargs.combine_adversarial_loss(main, adversarial, 1.0, 1.0)


def _generator(z):
    return tf.layers.dense(z, 2, name="out")


def _critic(x, _):
    return tf.layers.dense(x, 1, name="score")


def _model(real=None):
    real = tf.random_normal([8, 2]) if real is None else real
    return tfgan.gan_model(_generator, _critic, real, tf.random_normal([8, 3]))


def test_gan_model_scopes_and_variables():
    model = _model()
    assert [v.op.name for v in model.generator_variables] == ["Generator/out/kernel",
                                                             "Generator/out/bias"]
    assert [v.op.name for v in model.discriminator_variables] == [
        "Discriminator/score/kernel", "Discriminator/score/bias"]
    assert model.generator_scope.name == "Generator"
    assert model.discriminator_real_outputs.shape.as_list() == [8, 1]
    with pytest.raises(ValueError, match=r"Generator output shape \(\(8, 2\)\) must be the "
                                         r"same shape as real data"):
        tfgan.gan_model(_generator, lambda x, _: tf.reduce_sum(x, 1), tf.zeros([8, 5]),
                        tf.zeros([8, 3]), generator_scope="G2")


def test_tuple_losses_take_fields_from_the_model():
    model = _model(real=tf.constant(np.ones((8, 2), np.float32)))
    by_tuple = tfgan.losses.wasserstein_discriminator_loss(model, real_weights=2.0)
    by_args = wargs.wasserstein_discriminator_loss(model.discriminator_real_outputs,
                                                   model.discriminator_gen_outputs, 2.0)
    with pytest.raises(ValueError, match="present in both the tuple and keyword args"):
        tfgan.losses.wasserstein_generator_loss(model, discriminator_gen_outputs=1.0)
    with pytest.raises(ValueError, match="`one_hot_labels` must be supplied"):
        tfgan.losses.acgan_generator_loss(_FakeACGAN(model))
    a, b = _run([by_tuple, by_args], init=True)
    assert a == b


class _FakeACGAN(tuple):
    """A model tuple with the classification logits but no labels."""

    _fields = ("discriminator_gen_classification_logits",)

    def __new__(cls, model):
        return super().__new__(cls, (model.discriminator_gen_outputs,))

    @property
    def discriminator_gen_classification_logits(self):
        return self[0]


def test_gan_loss_options_are_checked():
    pytest.importorskip("tensorboard")  # summaries need TensorBoard's protos
    model = _model()
    with pytest.raises(ValueError, match="must be an `InfoGANModel`"):
        tfgan.gan_loss(model, mutual_information_penalty_weight=1.0)
    with pytest.raises(ValueError, match="must be an `ACGANModel`"):
        tfgan.gan_loss(model, aux_cond_generator_weight=1.0)
    with pytest.raises(ValueError, match="`gradient_penalty_weight` must be greater than 0"):
        tfgan.gan_loss(model, gradient_penalty_weight=-1.0)
    # a zero weight is no penalty at all
    tfgan.gan_loss(model, mutual_information_penalty_weight=0.0)


def test_gan_loss_adds_each_networks_regularization():
    reg = tf.contrib.layers.l2_regularizer(0.5)

    def generator(z):
        return tf.layers.dense(z, 2, kernel_regularizer=reg)

    model = tfgan.gan_model(generator, _critic, tf.zeros([4, 2]), tf.ones([4, 3]))
    loss = tfgan.gan_loss(model, add_summaries=False)
    plain = wargs.wasserstein_generator_loss(model.discriminator_gen_outputs)
    kernel = model.generator_variables[0]
    got, base, k = _run([loss.generator_loss, plain, kernel], init=True)
    np.testing.assert_allclose(got, base + 0.5 * 0.5 * (k ** 2).sum(), rtol=1e-5)


def test_acgan_model_needs_two_outputs():
    with pytest.raises(TypeError, match="must output a tuple consisting of"):
        tfgan.acgan_model(_generator, _critic, tf.zeros([8, 2]), tf.zeros([8, 3]),
                          tf.zeros([8, 4]))


def _counting_ops():
    """Two 'train ops' that count their runs, in the generator's and discriminator's
    scopes."""
    with tf.variable_scope("Generator") as gen_scope:
        g = tf.get_variable("g", [], initializer=tf.zeros_initializer())
    with tf.variable_scope("Discriminator") as dis_scope:
        d = tf.get_variable("d", [], initializer=tf.zeros_initializer())
    step = tf.train.get_or_create_global_step()
    return gen_scope, dis_scope, g, d, tfgan.GANTrainOps(g.assign_add(1.0), d.assign_add(1.0),
                                                          step.assign_add(1))


@pytest.mark.parametrize(("hooks_fn", "g_runs", "d_runs", "calls"), [
    (tfgan.get_sequential_train_hooks(tfgan.GANTrainSteps(3, 5)), 3, 5, 8),
    (tfgan.get_joint_train_hooks(tfgan.GANTrainSteps(3, 5)), 3, 5, 5),
    (tfgan.get_joint_train_hooks(tfgan.GANTrainSteps(4, 1)), 4, 1, 4),
])
def test_train_hooks_run_each_op_its_number_of_steps(hooks_fn, g_runs, d_runs, calls):
    _, _, g, d, ops = _counting_ops()
    hooks = hooks_fn(ops)
    runs = []

    class Session:
        def run(self, fetches):
            runs.append(fetches)
            return sess.run(fetches)

    context = type("Context", (), {"session": Session()})()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for hook in hooks:
            hook.before_run(context)
        assert sess.run([g, d]) == [g_runs, d_runs]
    assert len(runs) == calls


def test_gan_train_runs_the_hooks_before_each_global_step(tmp_path):
    _, _, g, d, ops = _counting_ops()
    tfgan.gan_train(ops, str(tmp_path), get_hooks_fn=tfgan.get_sequential_train_hooks(
        tfgan.GANTrainSteps(2, 1)), hooks=[tf.train.StopAtStepHook(num_steps=3)],
        save_summaries_steps=None)
    reader = tf.train.load_checkpoint(str(tmp_path))
    assert reader.get_tensor("global_step") == 3
    assert reader.get_tensor("Generator/g") == 6.0
    assert reader.get_tensor("Discriminator/d") == 3.0


def test_gan_train_ops_split_update_ops_and_leave_the_global_step():
    def generator(z):
        return tf.layers.batch_normalization(tf.layers.dense(z, 2), training=True)

    model = tfgan.gan_model(generator, _critic, tf.random_normal([8, 2]),
                            tf.random_normal([8, 3]))
    loss = tfgan.gan_loss(model, add_summaries=False)
    ops = tfgan.gan_train_ops(model, loss, tf.train.GradientDescentOptimizer(0.1),
                              tf.train.GradientDescentOptimizer(0.1))
    step = tf.train.get_global_step()
    moving = [v for v in tf.global_variables() if "moving_mean" in v.name][0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        dis_before = sess.run(model.discriminator_variables)
        gen_before = sess.run(model.generator_variables)
        sess.run(ops.generator_train_op)
        assert sess.run(step) == 0
        assert not np.allclose(sess.run(moving), 0.0)
        for before, after in zip(dis_before, sess.run(model.discriminator_variables),
                                 strict=True):
            np.testing.assert_array_equal(before, after)
        sess.run(ops.discriminator_train_op)
        sess.run(ops.global_step_inc_op)
        assert sess.run(step) == 1
        changed = sess.run(model.generator_variables)
        assert any(not np.allclose(a, b) for a, b in zip(gen_before, changed, strict=True))
    tf.add_to_collection(tf.GraphKeys.UPDATE_OPS, tf.no_op(name="stray"))
    with pytest.raises(ValueError, match="There are unused update ops"):
        tfgan.gan_train_ops(model, loss, tf.train.GradientDescentOptimizer(0.1),
                            tf.train.GradientDescentOptimizer(0.1))
