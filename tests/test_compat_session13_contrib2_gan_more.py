"""Session 13 (helper contrib2): ``tf.contrib.gan``'s features, eval, CycleGAN/StarGAN/InfoGAN
models, GANEstimator, and a small GAN whose samples move to the data's statistics."""

import numpy as np
import pytest

import smallflow as tf

tfgan = tf.contrib.gan


def _run(fetches, init=False):
    with tf.Session() as sess:
        if init:
            sess.run(tf.global_variables_initializer())
        return sess.run(fetches)


def test_classifier_score_and_frechet_distances_match_numpy():
    rng = np.random.RandomState(1)
    logits = rng.normal(size=(7, 5)).astype(np.float32)
    real = rng.normal(size=(12, 4)).astype(np.float32)
    gen = (rng.normal(size=(10, 4)) * 2.0 + 1.0).astype(np.float32)
    ev = tfgan.eval
    got = _run([ev.classifier_score_from_logits(logits),
                ev.frechet_classifier_distance_from_activations(real, gen),
                ev.mean_only_frechet_classifier_distance_from_activations(real, gen),
                ev.diagonal_only_frechet_classifier_distance_from_activations(real, gen)])
    lg = logits.astype(np.float64)
    p = np.exp(lg - lg.max(1, keepdims=True))
    p /= p.sum(1, keepdims=True)
    score = np.exp(np.mean(np.sum(p * (np.log(p) - np.log(p.mean(0))), 1)))
    r, g = real.astype(np.float64), gen.astype(np.float64)
    c_r, c_g = np.cov(r, rowvar=False), np.cov(g, rowvar=False)
    # Tr(sqrt(C_r C_g)) is the sum of the square roots of C_r C_g's eigenvalues
    root_trace = np.sum(np.sqrt(np.clip(np.linalg.eigvals(c_r @ c_g).real, 0, None)))
    mean = np.sum((r.mean(0) - g.mean(0)) ** 2)
    fid = np.trace(c_r) + np.trace(c_g) - 2 * root_trace + mean
    v_r, v_g = r.var(0), g.var(0)
    diag = np.sum(v_r + v_g - 2 * np.sqrt(v_r * v_g)) + mean
    np.testing.assert_allclose(got, [score, fid, mean, diag], rtol=1e-5)
    assert all(v.dtype == np.float32 for v in got)


def test_classifier_score_runs_the_classifier_in_batches():
    images = tf.constant(np.arange(24, dtype=np.float32).reshape(6, 4) / 10.0)
    calls = []

    def classifier(x):
        calls.append(x.shape.as_list())
        return x[:, :3]

    score = tfgan.eval.classifier_score(images, classifier, num_batches=3)
    assert calls == [[2, 4]] * 3
    np.testing.assert_allclose(
        _run(score), _run(tfgan.eval.classifier_score_from_logits(images[:, :3])), rtol=1e-6)


def test_image_grid_lays_images_out_row_by_row():
    images = np.arange(6 * 2 * 3 * 1, dtype=np.float32).reshape(6, 2, 3, 1)
    grid = _run(tfgan.eval.image_grid(images, (2, 3), image_shape=(2, 3), num_channels=1))
    assert grid.shape == (1, 4, 9, 1)
    for i in range(6):
        row, col = divmod(i, 3)
        np.testing.assert_array_equal(grid[0, row * 2:row * 2 + 2, col * 3:col * 3 + 3],
                                      images[i])
    with pytest.raises(ValueError, match=r"Grid shape \(2, 2\) incompatible with minibatch "
                                         r"size 6"):
        tfgan.eval.image_grid(images, (2, 2), image_shape=(2, 3), num_channels=1)


def test_image_reshaper_pads_the_last_row_with_black():
    images = [tf.fill([2, 2, 1], float(i + 1)) for i in range(5)]
    tiled = _run(tfgan.eval.image_reshaper(images))
    assert tiled.shape == (1, 4, 6, 1)
    assert tiled[0, 2, 4, 0] == 0.0
    assert tiled[0, 3, 0, 0] == 4.0
    assert _run(tfgan.eval.image_reshaper(tf.zeros([3, 2, 2, 3]), num_cols=1)).shape == \
        (1, 6, 2, 3)


def test_clip_variables_clips_each_weight_after_the_update():
    v = tf.Variable([0.5, -0.5, 0.0])
    loss = tf.reduce_sum(v * tf.constant([-10.0, 10.0, 0.0]))
    opt = tfgan.features.clip_variables(tf.train.GradientDescentOptimizer(1.0), [v], 0.01)
    train = opt.minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        np.testing.assert_allclose(sess.run(v), [0.01, -0.01, 0.0], rtol=1e-4)
    with pytest.raises(ValueError, match="must be positive"):
        tfgan.features.clip_variables(tf.train.GradientDescentOptimizer(1.0), [v], -1.0)


def test_tensor_pool_passes_values_through_until_full_then_returns_old_ones():
    counter = tf.Variable(0.0)
    value = counter.assign_add(1.0)
    pooled = tfgan.features.tensor_pool(value, pool_size=3, pooling_probability=1.0)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        first = [sess.run(pooled) for _ in range(3)]
        later = [sess.run(pooled) for _ in range(20)]
    assert first == [1.0, 2.0, 3.0]
    # with probability one, every later run returns a value stored before it
    assert all(old < 4.0 + i for i, old in enumerate(later))
    assert len(set(later)) > 1
    assert tfgan.features.tensor_pool(value, pool_size=0) is value


def test_tensor_pool_keeps_tuples_and_lists():
    a, b = tf.constant([1.0]), tf.constant([2, 3])
    assert isinstance(tfgan.features.tensor_pool((a, b), pool_size=2), tuple)
    pooled = tfgan.features.tensor_pool([a, b], pool_size=2)
    assert isinstance(pooled, list)
    assert pooled[1].shape.as_list() == [2]


def test_vbn_uses_the_reference_batch_plus_the_example():
    rng = np.random.RandomState(2)
    ref = rng.normal(size=(6, 3, 4)).astype(np.float32)
    x = rng.normal(size=(2, 3, 4)).astype(np.float32)
    vbn = tfgan.features.VBN(tf.constant(ref), epsilon=1e-3)
    out, ref_out = _run([vbn(tf.constant(x)), vbn.reference_batch_normalization()], init=True)
    w = 1.0 / 7.0
    for i in range(2):
        mean = w * x[i].mean(0) + (1 - w) * ref.mean((0, 1))
        mean_sq = w * (x[i] ** 2).mean(0) + (1 - w) * (ref ** 2).mean((0, 1))
        want = (x[i] - mean) / np.sqrt(mean_sq - mean ** 2 + 1e-3)
        np.testing.assert_allclose(out[i], want, rtol=1e-4, atol=1e-5)
    ref_want = (ref - ref.mean((0, 1))) / np.sqrt(ref.var((0, 1)) + 1e-3)
    np.testing.assert_allclose(ref_out, ref_want, rtol=1e-4, atol=1e-5)
    assert sorted(v.op.name for v in tf.trainable_variables()) == ["VBN/beta", "VBN/gamma"]
    with pytest.raises(ValueError, match="cannot be the same"):
        tfgan.features.VBN(tf.constant(ref), axis=0)


def test_condition_tensor_from_onehot_adds_a_mapped_embedding():
    x = tf.zeros([4, 3, 2])
    labels = tf.one_hot([0, 1, 2, 1], 3)
    out = tfgan.features.condition_tensor_from_onehot(x, labels, embedding_size=5)
    assert out.shape.as_list() == [4, 3, 2]
    names = sorted(v.op.name for v in tf.trainable_variables())
    assert names == ["embedding", "fully_connected/biases", "fully_connected/weights"]
    got = _run(out, init=True)
    np.testing.assert_allclose(got[1], got[3])
    with pytest.raises(ValueError, match="must be at least 2D"):
        tfgan.features.condition_tensor(x, tf.zeros([4]))


def _image_generator(x):
    return tf.layers.conv2d(x, 1, 3, padding="same", name="conv")


def _image_critic(x, _):
    return tf.layers.dense(tf.layers.flatten(x), 1, name="score")


def test_cyclegan_model_loss_and_train_ops():
    x = tf.random_uniform([2, 4, 4, 1])
    y = tf.random_uniform([2, 4, 4, 1])
    model = tfgan.cyclegan_model(_image_generator, _image_critic, x, y)
    assert model.model_x2y.generator_scope.name == "ModelX2Y/Generator"
    assert model.reconstructed_x.shape.as_list() == [2, 4, 4, 1]
    loss = tfgan.cyclegan_loss(model, add_summaries=False)
    cycle = tfgan.losses.cycle_consistency_loss(model)
    ops = tfgan.gan_train_ops(model, loss, tf.train.AdamOptimizer(0.01),
                              tf.train.AdamOptimizer(0.01))
    assert len(ops.generator_train_op) == 2
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        x_v, rx, y_v, ry, c = sess.run([model.model_x2y.generator_inputs, model.reconstructed_x,
                                        model.model_y2x.generator_inputs, model.reconstructed_y,
                                        cycle])
        np.testing.assert_allclose(c, (np.abs(x_v - rx).mean() + np.abs(y_v - ry).mean()) / 2,
                                   rtol=1e-5)
        sess.run([ops.generator_train_op, ops.discriminator_train_op, ops.global_step_inc_op])
    with pytest.raises(ValueError, match="must be a `CycleGANModel`"):
        tfgan.cyclegan_loss(model.model_x2y)


def test_stargan_model_and_loss():
    pytest.importorskip("tensorboard")  # summaries need TensorBoard's protos
    images = tf.random_uniform([4, 4, 4, 1])
    labels = tf.one_hot([0, 1, 2, 0], 3)

    def generator(x, target):
        tiled = tf.tile(tf.reshape(target, [-1, 1, 1, 3]), [1, 4, 4, 1])
        return tf.layers.conv2d(tf.concat([x, tiled], 3), 1, 3, padding="same")

    def critic(x, num_domains):
        flat = tf.layers.flatten(x)
        return tf.layers.dense(flat, 1), tf.layers.dense(flat, num_domains)

    model = tfgan.stargan_model(generator, critic, images, labels)
    assert model.generated_data_domain_target.shape.as_list() == [4, 3]
    before = len(tf.trainable_variables())
    tfgan.eval.add_stargan_image_summaries(model, num_images=2, display_diffs=True)
    assert len(tf.trainable_variables()) == before
    (image_summary,) = tf.get_collection(tf.GraphKeys.SUMMARIES)
    # per image: itself, 3 translations, a blank and 3 differences, 4 to a row
    assert image_summary.op.inputs[-1].shape.as_list() == [2, 8, 16, 1]
    loss = tfgan.stargan_loss(model, add_summaries=False)
    g, d = _run([loss.generator_loss, loss.discriminator_loss], init=True)
    assert np.isfinite(g)
    assert np.isfinite(d)


def test_infogan_model_and_mutual_information_loss():
    ds = tf.contrib.distributions
    cat = tf.constant([0, 2, 1, 1])
    cont = tf.random_uniform([4, 1], -1.0, 1.0)

    def generator(inputs):
        noise, categorical, continuous = inputs
        joined = tf.concat([noise, tf.one_hot(categorical, 3), continuous], 1)
        return tf.layers.dense(joined, 2)

    def critic(x, _):
        logits = tf.layers.dense(x, 1)
        return logits, [ds.Categorical(logits=tf.layers.dense(x, 3)),
                        ds.Normal(loc=tf.layers.dense(x, 1), scale=1.0)]

    model = tfgan.infogan_model(generator, critic, tf.zeros([4, 2]), [tf.zeros([4, 2])],
                                [cat, cont])
    loss = tfgan.gan_loss(model, mutual_information_penalty_weight=1.0, add_summaries=False)
    plain = tfgan.gan_loss(model, add_summaries=False)
    info = tfgan.losses.mutual_information_penalty(model)
    got = _run([loss.generator_loss - plain.generator_loss,
                loss.discriminator_loss - plain.discriminator_loss, info], init=True)
    np.testing.assert_allclose(got[0], got[2], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got[1], got[2], rtol=1e-4, atol=1e-5)

    def bad_critic(x, _):
        return tf.layers.dense(x, 1), [ds.Normal(0.0, 1.0)]

    with pytest.raises(ValueError, match="Length of `predicted_distributions` 1 must be the "
                                         "same as the length of structured noise 2"):
        tfgan.infogan_model(generator, bad_critic, tf.zeros([4, 2]), [tf.zeros([4, 2])],
                            [cat, cont], generator_scope="G2", discriminator_scope="D2")


def _gaussian_gan(steps, seed):
    """A GAN on 1-D N(3, 0.5^2) data; returns the generated mean and std before and after."""
    tf.set_random_seed(seed)
    real = tf.random_normal([64, 1], mean=3.0, stddev=0.5)
    noise = tf.random_normal([64, 4])

    def generator(z):
        return tf.layers.dense(tf.layers.dense(z, 16, tf.nn.relu), 1)

    def critic(x, _):
        return tf.layers.dense(tf.layers.dense(x, 16, tf.nn.leaky_relu), 1)

    model = tfgan.gan_model(generator, critic, real, noise)
    loss = tfgan.gan_loss(model, tfgan.losses.modified_generator_loss,
                          tfgan.losses.modified_discriminator_loss, add_summaries=False)
    ops = tfgan.gan_train_ops(model, loss, tf.train.AdamOptimizer(0.01, 0.5),
                              tf.train.AdamOptimizer(0.01, 0.5))
    mean, var = tf.nn.moments(model.generated_data, axes=[0, 1])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(mean)
        losses = []
        for _ in range(steps):
            losses.append(sess.run([ops.generator_train_op, ops.discriminator_train_op]))
            sess.run(ops.global_step_inc_op)
        after = np.mean([sess.run(mean) for _ in range(5)])
    return before, after, np.array(losses)


def test_a_gan_moves_its_samples_to_the_data_mean():
    before, after, losses = _gaussian_gan(400, seed=1)
    assert abs(before - 3.0) > 2.0
    assert abs(after - 3.0) < 0.5
    assert np.std(losses[:, 0]) > 0


def test_gan_estimator_trains_evaluates_and_predicts(tmp_path):
    pytest.importorskip("tensorboard")  # summaries need TensorBoard's protos
    def input_fn():
        noise = tf.random_normal([16, 3])
        return noise, tf.random_normal([16, 2], mean=1.0)

    def generator(z, mode):
        assert mode in ("train", "eval", "infer")
        return tf.layers.dense(z, 2)

    est = tfgan.estimator.GANEstimator(
        str(tmp_path), generator_fn=generator, discriminator_fn=_image_critic_flat,
        generator_loss_fn=tfgan.losses.wasserstein_generator_loss,
        discriminator_loss_fn=tfgan.losses.wasserstein_discriminator_loss,
        generator_optimizer=tf.train.GradientDescentOptimizer(0.01),
        discriminator_optimizer=lambda: tf.train.GradientDescentOptimizer(0.01),
        add_summaries=tfgan.estimator.SummaryType.VARIABLES)
    est.train(input_fn, steps=3)
    assert est.get_variable_value("global_step") == 3
    metrics = est.evaluate(input_fn, steps=1)
    assert set(metrics) >= {"generator_loss", "discriminator_loss", "loss", "global_step"}
    predictions = list(est.predict(lambda: tf.data.Dataset.from_tensor_slices(
        np.ones((4, 3), np.float32)).batch(4)))
    assert len(predictions) == 4
    assert predictions[0].shape == (2,)
    with pytest.raises(ValueError, match="generator_loss_fn must be callable"):
        tfgan.estimator.GANEstimator(generator_fn=generator)


def _image_critic_flat(x, _):
    return tf.layers.dense(x, 1)
