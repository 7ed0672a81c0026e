"""tf.distributions (TF 1.x core): densities against their formulas, sampling statistics,
KL divergences and their registry; TensorFlow itself in tests/oracle (session9/distributions)."""

import math

import numpy as np
import pytest

import smallflow as tf

tfd = tf.distributions


def _run(fetches):
    with tf.Session() as sess:
        return sess.run(fetches)


def test_normal_density_and_cdf_formulas():
    with tf.Graph().as_default():
        loc, scale = np.array([0.0, 1.5, -2.0]), np.array([1.0, 0.5, 3.0])
        x = np.array([0.3, 1.0, -8.0])
        normal = tfd.Normal(loc=loc, scale=scale)
        log_prob, cdf, entropy = _run([normal.log_prob(x), normal.cdf(x), normal.entropy()])
    z = (x - loc) / scale
    np.testing.assert_allclose(log_prob, -0.5 * z**2 - np.log(scale * math.sqrt(2 * math.pi)))
    np.testing.assert_allclose(cdf, [0.5 * math.erfc(-v / math.sqrt(2)) for v in z])
    np.testing.assert_allclose(entropy, 0.5 * np.log(2 * math.pi * math.e * scale**2))
    assert normal.dtype == tf.float64  # float64 parameters give a float64 distribution


def test_normal_log_cdf_far_in_the_tail():
    with tf.Graph().as_default():
        values = _run(tfd.Normal(0.0, 1.0).log_cdf([-40.0, -15.0, 0.0]))
    # log Phi(x) ~ -x^2/2 - log(-x) - log(2 pi)/2 for very negative x: finite, not -inf
    assert np.isfinite(values).all()
    np.testing.assert_allclose(values[0], -800 - math.log(40) - 0.5 * math.log(2 * math.pi),
                               rtol=1e-4)
    np.testing.assert_allclose(values[2], math.log(0.5), rtol=1e-6)


def test_samples_have_the_distributions_statistics_and_reparameterize():
    with tf.Graph().as_default():
        loc = tf.Variable([1.0, -3.0])
        normal = tfd.Normal(loc=loc, scale=[2.0, 0.5])
        samples = normal.sample(20000, seed=7)
        assert samples.shape.as_list() == [20000, 2]
        grad = tf.gradients(tf.reduce_mean(samples), loc)[0]  # samples = loc + scale * eps
        bern = tfd.Bernoulli(probs=[0.2, 0.9]).sample(20000, seed=1)
        cat = tfd.Categorical(probs=[0.1, 0.6, 0.3]).sample(30000, seed=2)
        assert bern.dtype == tf.int32
        assert cat.dtype == tf.int32
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            s, g, b, c = sess.run([samples, grad, bern, cat])
    np.testing.assert_allclose(s.mean(0), [1.0, -3.0], atol=0.05)
    np.testing.assert_allclose(s.std(0), [2.0, 0.5], rtol=0.03)
    np.testing.assert_allclose(g, [0.5, 0.5], rtol=1e-3)  # float32 sums of 20,000
    np.testing.assert_allclose(b.mean(0), [0.2, 0.9], atol=0.02)
    np.testing.assert_allclose(np.bincount(c, minlength=3) / c.size, [0.1, 0.6, 0.3], atol=0.02)


def test_bernoulli_and_categorical_probabilities():
    with tf.Graph().as_default():
        from_logits = tfd.Bernoulli(logits=[0.0, math.log(3.0)])
        from_probs = tfd.Bernoulli(probs=[0.5, 0.75])
        cat = tfd.Categorical(probs=[[0.2, 0.8], [0.5, 0.5]])
        values = _run([from_logits.prob([1, 1]), from_probs.log_prob([0, 1]),
                       cat.prob([1, 0]), cat.entropy(), from_probs.mode()])
    np.testing.assert_allclose(values[0], [0.5, 0.75], rtol=1e-6)
    np.testing.assert_allclose(values[1], np.log([0.5, 0.75]), rtol=1e-6)
    np.testing.assert_allclose(values[2], [0.8, 0.5], rtol=1e-6)
    np.testing.assert_allclose(values[3], [-(0.2 * np.log(0.2) + 0.8 * np.log(0.8)), np.log(2)],
                               rtol=1e-6)
    assert values[4].tolist() == [0, 1]


def test_kl_divergences():
    with tf.Graph().as_default():
        a, b = tfd.Normal(0.3, 1.2), tfd.Normal(-0.5, 0.7)
        values = _run([tfd.kl_divergence(a, b), tfd.kl_divergence(a, a), a.kl_divergence(b),
                       tfd.kl_divergence(tfd.Categorical(probs=[0.3, 0.7]),
                                         tfd.Categorical(probs=[0.5, 0.5])),
                       tfd.kl_divergence(tfd.Bernoulli(probs=0.3), tfd.Bernoulli(probs=0.5))])
    expected = math.log(0.7 / 1.2) + (1.2**2 + 0.8**2) / (2 * 0.7**2) - 0.5
    np.testing.assert_allclose(values[0], expected, rtol=1e-6)
    assert abs(values[1]) < 1e-7
    assert values[2] == values[0]
    bernoulli_kl = 0.3 * np.log(0.3 / 0.5) + 0.7 * np.log(0.7 / 0.5)
    np.testing.assert_allclose(values[3], bernoulli_kl, rtol=1e-5)
    np.testing.assert_allclose(values[4], bernoulli_kl, rtol=1e-5)


def test_kl_registry():
    class Shifted(tfd.Normal):
        pass

    with tf.Graph().as_default():
        # A subclass uses its parent's formula.
        value = _run(tfd.kl_divergence(Shifted(0.0, 1.0), tfd.Normal(1.0, 1.0)))
        np.testing.assert_allclose(value, 0.5)

        @tfd.RegisterKL(Shifted, tfd.Normal)
        def _kl(a, b, name=None):
            return tf.constant(42.0)

        assert _run(tfd.kl_divergence(Shifted(0.0, 1.0), tfd.Normal(1.0, 1.0))) == 42.0
        with pytest.raises(ValueError, match="already been registered"):
            tfd.RegisterKL(Shifted, tfd.Normal)(_kl)
        with pytest.raises(NotImplementedError, match="No KL"):
            tfd.kl_divergence(tfd.Normal(0.0, 1.0), tfd.Bernoulli(probs=0.5))


def test_errors_and_shapes():
    with tf.Graph().as_default():
        with pytest.raises(ValueError, match="probs or logits, but not both"):
            tfd.Bernoulli(logits=0.0, probs=0.5)
        with pytest.raises(ValueError, match="same float dtype"):
            tfd.Normal(tf.constant(0.0, tf.float64), tf.constant(1.0))
        normal = tfd.Normal(loc=tf.zeros([3, 1]), scale=tf.ones([4]))
        assert normal.batch_shape.as_list() == [3, 4]
        assert normal.sample([2, 5]).shape.as_list() == [2, 5, 3, 4]
        # The failed construction above took the scope "Normal" first, as in TensorFlow.
        assert normal.name == "Normal_1/"
        assert str(normal) == ('tf.distributions.Normal("Normal_1/", batch_shape=(3, 4), '
                               'event_shape=(), dtype=float32)')
        with pytest.raises(NotImplementedError, match="quantile"):
            tfd.Bernoulli(probs=0.5).quantile(0.5)


def test_a_small_vae_objective_trains():
    rng = np.random.default_rng(0)
    data = (rng.random((64, 8)) < 0.3).astype(np.float32)
    with tf.Graph().as_default():
        tf.set_random_seed(0)
        x = tf.constant(data)
        hidden = tf.layers.dense(x, 16, tf.nn.relu)
        posterior = tfd.Normal(loc=tf.layers.dense(hidden, 2),
                               scale=tf.nn.softplus(tf.layers.dense(hidden, 2)) + 1e-3)
        code = posterior.sample()
        decoded = tfd.Bernoulli(logits=tf.layers.dense(tf.layers.dense(code, 16, tf.nn.relu),
                                                       8))
        prior = tfd.Normal(tf.zeros(2), tf.ones(2))
        elbo = tf.reduce_mean(tf.reduce_sum(decoded.log_prob(x), 1)
                              - tf.reduce_sum(tfd.kl_divergence(posterior, prior), 1))
        step = tf.train.AdamOptimizer(0.01).minimize(-elbo)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            start = np.mean([sess.run(elbo) for _ in range(10)])
            for _ in range(300):
                sess.run(step)
            end = np.mean([sess.run(elbo) for _ in range(10)])
    assert end > start + 0.5


def test_contrib_multivariate_normal_diag():
    ds = tf.contrib.distributions
    assert ds.Normal is tfd.Normal
    loc = np.array([[0.0, 1.0, -1.0], [2.0, 0.0, 0.5]])
    scale = np.array([[1.0, 0.5, 2.0], [0.3, 1.0, 1.5]])
    x = np.array([[0.2, 0.7, 0.0], [1.5, -0.5, 1.0]])
    with tf.Graph().as_default():
        mvn = ds.MultivariateNormalDiag(loc=loc, scale_diag=scale)
        assert mvn.batch_shape.as_list() == [2]
        assert mvn.event_shape.as_list() == [3]
        samples = mvn.sample(4000, seed=3)
        assert samples.shape.as_list() == [4000, 2, 3]
        other = ds.MultivariateNormalDiag(loc=np.zeros(3), scale_diag=np.ones(3))
        values = _run([mvn.log_prob(x), mvn.entropy(), ds.kl_divergence(mvn, other),
                       samples, mvn.covariance(), mvn.stddev()])
    per_axis = tfd_normal_log_prob(x, loc, scale)
    np.testing.assert_allclose(values[0], per_axis.sum(-1))
    np.testing.assert_allclose(values[1], (0.5 * np.log(2 * np.pi * np.e * scale**2)).sum(-1))
    kl = 0.5 * (scale**2 + loc**2 - 1 - np.log(scale**2)).sum(-1)
    np.testing.assert_allclose(values[2], kl)
    np.testing.assert_allclose(values[3].mean(0), loc, atol=0.1)
    np.testing.assert_allclose(values[3].std(0), scale, rtol=0.05)
    np.testing.assert_allclose(values[4][1], np.diag(scale[1] ** 2))
    np.testing.assert_allclose(values[5], scale)
    with pytest.raises(AttributeError, match="tf.contrib.distributions.Bijector"):
        ds.Bijector  # noqa: B018


def tfd_normal_log_prob(x, loc, scale):
    z = (x - loc) / scale
    return -0.5 * z**2 - np.log(scale * math.sqrt(2 * math.pi))


def test_gamma_family_against_scipy():
    import scipy.stats as st

    x = np.array([0.3, 1.2, 2.5])
    with tf.Graph().as_default():
        gamma = tfd.Gamma(concentration=[0.5, 2.0, 3.5], rate=[1.0, 0.5, 2.0])
        expo = tfd.Exponential(rate=[0.5, 1.0, 2.0])
        laplace = tfd.Laplace(loc=[0.0, 1.0, -1.0], scale=[1.0, 0.5, 2.0])
        student = tfd.StudentT(df=[2.5, 3.0, 30.0], loc=[0.0, 1.0, -1.0],
                               scale=[1.0, 2.0, 0.5])
        beta = tfd.Beta(concentration1=[0.5, 2.0, 3.0], concentration0=[0.5, 3.0, 1.2])
        dirichlet = tfd.Dirichlet([1.0, 2.0, 3.0])
        values = _run([gamma.log_prob(x), gamma.cdf(x), gamma.entropy(),
                       expo.log_prob(x), laplace.log_prob(x), laplace.cdf(x),
                       student.log_prob(x), student.cdf(x), student.entropy(),
                       beta.log_prob([0.3, 0.5, 0.9]), beta.cdf([0.3, 0.5, 0.9]),
                       beta.entropy(), dirichlet.log_prob([0.2, 0.3, 0.5]),
                       dirichlet.entropy(), gamma.mode(), student.variance()])
    scale = 1 / np.array([1.0, 0.5, 2.0])
    checks = [
        st.gamma.logpdf(x, [0.5, 2.0, 3.5], scale=scale), st.gamma.cdf(x, [0.5, 2.0, 3.5],
                                                                      scale=scale),
        st.gamma.entropy([0.5, 2.0, 3.5], scale=scale),
        st.expon.logpdf(x, scale=[2.0, 1.0, 0.5]),
        st.laplace.logpdf(x, [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]),
        st.laplace.cdf(x, [0.0, 1.0, -1.0], [1.0, 0.5, 2.0]),
        st.t.logpdf(x, [2.5, 3.0, 30.0], [0.0, 1.0, -1.0], [1.0, 2.0, 0.5]),
        st.t.cdf(x, [2.5, 3.0, 30.0], [0.0, 1.0, -1.0], [1.0, 2.0, 0.5]),
        st.t.entropy([2.5, 3.0, 30.0], [0.0, 1.0, -1.0], [1.0, 2.0, 0.5]),
        st.beta.logpdf([0.3, 0.5, 0.9], [0.5, 2.0, 3.0], [0.5, 3.0, 1.2]),
        st.beta.cdf([0.3, 0.5, 0.9], [0.5, 2.0, 3.0], [0.5, 3.0, 1.2]),
        st.beta.entropy([0.5, 2.0, 3.0], [0.5, 3.0, 1.2]),
        st.dirichlet.logpdf([0.2, 0.3, 0.5], [1.0, 2.0, 3.0]),
        st.dirichlet.entropy([1.0, 2.0, 3.0]),
    ]
    for got, want in zip(values, checks):
        np.testing.assert_allclose(got, want, rtol=2e-5, atol=1e-6)
    # Undefined statistics are NaN (allow_nan_stats): a Gamma's mode for concentration < 1.
    assert np.isnan(values[14][0])
    np.testing.assert_allclose(values[14][1:], [2.0, 1.25])
    np.testing.assert_allclose(values[15], st.t.var([2.5, 3.0, 30.0], scale=[1.0, 2.0, 0.5]),
                               rtol=1e-5)


def test_gamma_family_samples():
    with tf.Graph().as_default():
        draws = {
            "gamma": tfd.Gamma(3.0, 2.0).sample(20000, seed=1),
            "exponential": tfd.Exponential(4.0).sample(20000, seed=2),
            "beta": tfd.Beta(2.0, 6.0).sample(20000, seed=3),
            "laplace": tfd.Laplace(1.0, 0.5).sample(20000, seed=4),
            "student": tfd.StudentT(10.0, -1.0, 2.0).sample(20000, seed=5),
            "dirichlet": tfd.Dirichlet([1.0, 3.0]).sample(20000, seed=6),
        }
        values = _run(draws)
    np.testing.assert_allclose(values["gamma"].mean(), 1.5, rtol=0.03)
    np.testing.assert_allclose(values["exponential"].mean(), 0.25, rtol=0.03)
    np.testing.assert_allclose(values["beta"].mean(), 0.25, rtol=0.03)
    np.testing.assert_allclose(values["laplace"].mean(), 1.0, atol=0.02)
    np.testing.assert_allclose(values["laplace"].std(), 0.5 * np.sqrt(2), rtol=0.03)
    np.testing.assert_allclose(values["student"].std(), 2.0 * np.sqrt(10 / 8), rtol=0.05)
    np.testing.assert_allclose(values["dirichlet"].mean(0), [0.25, 0.75], atol=0.01)
    assert values["dirichlet"].shape == (20000, 2)
