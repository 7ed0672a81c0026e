"""Oracle cases of session 13 (helper contrib2): TFGAN's losses and scores.

TensorFlow 2.21 has no ``tf.contrib.gan``. TFGAN's losses are ``tf.losses`` reductions of
plain formulas and its scores plain linear algebra, so on TensorFlow's side each case writes
the formula with the ``tf.compat.v1.losses`` / ``tf.linalg`` ops TFGAN used, on smallflow's
side it calls ``tf.contrib.gan``. Same rules as cases.py.
"""

from cases import Case

_REAL = [[1.5], [-0.5], [0.25], [2.0]]
_GEN = [[-1.0], [0.75], [-2.5], [0.1]]
_WEIGHTS = [[1.0], [0.0], [2.0], [0.5]]
_LOGITS = [[2.0, -1.0, 0.5], [0.1, 0.2, 0.3], [-3.0, 1.0, 2.5], [1.0, 1.0, -1.0]]
_ONE_HOT = [[1, 0, 0], [0, 0, 1], [0, 1, 0], [1, 0, 0]]


def _pair(tf):
    return tf.constant(_REAL), tf.constant(_GEN)


def _gan(tf):
    return tf.contrib.gan.losses.wargs if hasattr(tf, "contrib") else None


def _minimax(tf, np):
    real, gen = _pair(tf)
    wargs = _gan(tf)
    if wargs:
        d = wargs.minimax_discriminator_loss(real, gen, real_weights=tf.constant(_WEIGHTS))
        g = wargs.minimax_generator_loss(gen, label_smoothing=0.1)
        m = wargs.modified_generator_loss(gen, weights=tf.constant(_WEIGHTS))
    else:
        xe = tf.losses.sigmoid_cross_entropy
        d = xe(tf.ones_like(real), real, tf.constant(_WEIGHTS), 0.25) + xe(
            tf.zeros_like(gen), gen)
        g = -(xe(tf.ones_like(gen), tf.ones_like(gen), 1.0, 0.1) + xe(tf.zeros_like(gen), gen))
        m = xe(tf.ones_like(gen), gen, tf.constant(_WEIGHTS))
    return {"d": d, "g": g, "m": m}


def _least_squares_and_wasserstein(tf, np):
    real, gen = _pair(tf)
    weights = tf.constant(_WEIGHTS)
    wargs = _gan(tf)
    if wargs:
        return {"lsq_d": wargs.least_squares_discriminator_loss(real, gen, real_label=0.9,
                                                                generated_weights=weights),
                "lsq_g": wargs.least_squares_generator_loss(gen, real_label=0.8),
                "w_d": wargs.wasserstein_discriminator_loss(real, gen, real_weights=weights),
                "w_g": wargs.wasserstein_generator_loss(gen, weights=weights)}
    cwl = tf.losses.compute_weighted_loss
    return {"lsq_d": cwl(tf.math.squared_difference(real, 0.9) / 2.0)
            + cwl(tf.math.squared_difference(gen, 0.0) / 2.0, weights),
            "lsq_g": cwl(tf.math.squared_difference(gen, 0.8) / 2.0),
            "w_d": cwl(gen) - cwl(real, weights),
            "w_g": cwl(-gen, weights)}


def _acgan(tf, np):
    labels = tf.constant(_ONE_HOT, tf.float32)
    real_logits = tf.constant(_LOGITS)
    gen_logits = tf.constant(_LOGITS[::-1])
    wargs = _gan(tf)
    if wargs:
        d = wargs.acgan_discriminator_loss(real_logits, gen_logits, labels,
                                           label_smoothing=0.2)
        g = wargs.acgan_generator_loss(gen_logits, labels)
    else:
        xe = tf.losses.softmax_cross_entropy
        d = xe(labels, gen_logits) + xe(labels, real_logits, label_smoothing=0.2)
        g = xe(labels, gen_logits)
    return {"d": d, "g": g}


def _gradient_penalty(tf, np):
    """A linear discriminator has the same gradient at every interpolate, so the random
    interpolation weights cannot change the penalty."""
    real = tf.constant(np.arange(12, dtype=np.float32).reshape(3, 2, 2) / 7.0)
    gen = tf.constant(-np.arange(12, dtype=np.float32).reshape(3, 2, 2) / 5.0)
    w = tf.constant([[0.5, -1.0], [2.0, 0.25]])

    def critic(x, unused):
        return tf.reduce_sum(x * w, axis=[1, 2])

    if hasattr(tf, "contrib"):
        wargs = tf.contrib.gan.losses.wargs
        return {"two": wargs.wasserstein_gradient_penalty(real, gen, None, critic, None,
                                                          target=2.0),
                "one": wargs.wasserstein_gradient_penalty(real, gen, None, critic, None,
                                                          target=4.0, one_sided=True)}
    mid = (real + gen) / 2.0
    grads = tf.gradients(critic(mid, None), mid)[0]
    slopes = tf.sqrt(tf.reduce_sum(tf.square(grads), axis=[1, 2]) + 1e-10)
    return {"two": tf.losses.compute_weighted_loss(tf.square(slopes / 2.0 - 1.0)),
            "one": tf.losses.compute_weighted_loss(
                tf.square(tf.maximum(0.0, slopes / 4.0 - 1.0)))}


def _scores(tf, np):
    rng = np.random.RandomState(3)
    logits = tf.constant(rng.normal(size=(6, 4)).astype(np.float32))
    real = tf.constant(rng.normal(size=(9, 3)).astype(np.float32))
    gen = tf.constant((rng.normal(size=(8, 3)) * 1.5 + 0.5).astype(np.float32))
    if hasattr(tf, "contrib"):
        ev = tf.contrib.gan.eval
        return {"score": ev.classifier_score_from_logits(logits),
                "fid": ev.frechet_classifier_distance_from_activations(real, gen),
                "mean_fid": ev.mean_only_frechet_classifier_distance_from_activations(real,
                                                                                       gen),
                "diag_fid": ev.diagonal_only_frechet_classifier_distance_from_activations(
                    real, gen)}
    lg = tf.cast(logits, tf.float64)
    p = tf.nn.softmax(lg)
    q = tf.reduce_mean(p, 0)
    kl = tf.reduce_sum(p * (tf.nn.log_softmax(lg) - tf.math.log(q)), 1)
    r, g = tf.cast(real, tf.float64), tf.cast(gen, tf.float64)
    m, m_w = tf.reduce_mean(r, 0), tf.reduce_mean(g, 0)

    def cov(x, mean):
        c = x - mean
        return tf.matmul(c, c, transpose_a=True) / tf.cast(tf.shape(x)[0] - 1, tf.float64)

    def sqrtm(a):
        s, u, v = tf.linalg.svd(a)
        return tf.matmul(tf.matmul(u, tf.linalg.diag(tf.sqrt(s))), v, transpose_b=True)

    sigma, sigma_w = cov(r, m), cov(g, m_w)
    root = sqrtm(sigma)
    mean = tf.reduce_sum(tf.math.squared_difference(m, m_w))
    fid = (tf.linalg.trace(sigma + sigma_w)
           - 2.0 * tf.linalg.trace(sqrtm(tf.matmul(root, tf.matmul(sigma_w, root)))) + mean)
    mr, vr = tf.nn.moments(r, axes=[0])
    mg, vg = tf.nn.moments(g, axes=[0])
    diag = tf.reduce_sum(vr + vg - 2.0 * tf.sqrt(vr * vg)) + tf.reduce_sum(
        tf.math.squared_difference(mr, mg))
    return {"score": tf.cast(tf.exp(tf.reduce_mean(kl)), tf.float32),
            "fid": tf.cast(fid, tf.float32), "mean_fid": tf.cast(mean, tf.float32),
            "diag_fid": tf.cast(diag, tf.float32)}


SESSION13_CONTRIB2_CASES = [
    Case("s13c2_gan_minimax_losses", _minimax),
    Case("s13c2_gan_lsq_wasserstein_losses", _least_squares_and_wasserstein),
    Case("s13c2_gan_acgan_losses", _acgan),
    Case("s13c2_gan_gradient_penalty", _gradient_penalty),
    Case("s13c2_gan_eval_scores", _scores, rtol=1e-5),
]
