"""Session 11 (helper dist): tf.distributions' names, tf.contrib.distributions' families and
bijectors. Values are checked against TensorFlow in tests/oracle/cases_session11_dist.py;
these tests state the properties (round trips, Jacobians, autoregressive masks, gradients
through samples) and the closed forms NumPy can give."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf

tfd = tf.contrib.distributions
tfb = tfd.bijectors

# TensorFlow 1.15's tf.distributions exports exactly these (tf.compat.v1.distributions).
CORE_NAMES = ["Bernoulli", "Beta", "Categorical", "Dirichlet", "DirichletMultinomial",
              "Distribution", "Exponential", "FULLY_REPARAMETERIZED", "Gamma", "Laplace",
              "Multinomial", "NOT_REPARAMETERIZED", "Normal", "RegisterKL",
              "ReparameterizationType", "StudentT", "Uniform", "kl_divergence"]


def _run(fetches, feed=None):
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return sess.run(fetches, feed)


@pytest.fixture(autouse=True)
def _graph():
    with tf.Graph().as_default():
        yield


def test_core_namespace_is_tensorflow_1_15s():
    assert sorted(tf.distributions.__all__) == sorted(CORE_NAMES)
    for name in CORE_NAMES:
        assert getattr(tf.distributions, name) is not None
    assert not hasattr(tf.distributions, "RegisteredKL")


def test_register_kl_is_the_decorator_tf1_programs_use():
    class Wide(tf.distributions.Normal):
        pass

    @tf.contrib.distributions.RegisterKL(Wide, tf.distributions.Normal)
    def _kl(a, b, name=None):
        return tf.constant(7.0)

    value = _run(tf.distributions.kl_divergence(Wide(0.0, 1.0), tf.distributions.Normal(0., 1.)))
    assert value == 7.0
    assert tfd.RegisterKL is tf.distributions.RegisterKL


def test_every_contrib_name_resolves_and_unknown_ones_say_so():
    for name in tfd.__all__:
        assert getattr(tfd, name) is not None
    for name in tfb.__all__:
        assert getattr(tfb, name) is not None
    with pytest.raises(AttributeError, match="tf.contrib.distributions.WishartFull"):
        _ = tfd.WishartFull


def test_multinomial_log_prob_is_the_closed_form():
    logits = np.array([0.3, -1.0, 2.0])
    counts = np.array([2.0, 1.0, 3.0])
    dist = tf.distributions.Multinomial(total_count=6.0, logits=logits.astype("float32"))
    log_p = logits - np.log(np.exp(logits).sum())
    want = (math.lgamma(7.0) - sum(math.lgamma(c + 1.0) for c in counts)
            + float((counts * log_p).sum()))
    np.testing.assert_allclose(_run(dist.log_prob(counts.astype("float32"))), want, rtol=1e-5)


def test_multinomial_samples_sum_to_each_members_total():
    dist = tf.distributions.Multinomial(total_count=[3.0, 7.0], probs=[[0.2, 0.8], [0.5, 0.5]])
    draws = _run(dist.sample(50, seed=3))
    assert draws.shape == (50, 2, 2)
    np.testing.assert_array_equal(draws.sum(-1), np.tile([3.0, 7.0], (50, 1)))


def test_mvn_tril_matches_numpy_density():
    tril = np.array([[1.5, 0.0], [0.4, 0.7]], "float32")
    loc = np.array([0.5, -1.0], "float32")
    x = np.array([[0.0, 0.0], [1.0, 2.0]], "float32")
    covariance = tril @ tril.T
    diff = x - loc
    mahalanobis = np.einsum("ni,ij,nj->n", diff, np.linalg.inv(covariance), diff)
    want = -0.5 * (mahalanobis + np.log(np.linalg.det(2 * np.pi * covariance)))
    got = _run(tfd.MultivariateNormalTriL(loc=loc, scale_tril=tril).log_prob(x))
    np.testing.assert_allclose(got, want, rtol=1e-5)
    full = tfd.MultivariateNormalFullCovariance(loc=loc, covariance_matrix=covariance)
    np.testing.assert_allclose(_run(full.log_prob(x)), want, rtol=1e-5)


def test_relaxed_samples_carry_gradients_to_logits_and_temperature():
    logits = tf.constant([0.5, -1.0, 1.5])
    temperature = tf.constant(0.5)
    relaxed = tfd.RelaxedOneHotCategorical(temperature=temperature, logits=logits)
    sample = relaxed.sample(10, seed=1)
    grads = tf.gradients(tf.reduce_sum(sample * [1.0, 2.0, 3.0]), [logits, temperature])
    assert all(g is not None for g in grads)
    rows = _run(tf.reduce_sum(sample, -1))
    np.testing.assert_allclose(rows, np.ones(10), rtol=1e-5)
    bernoulli = tfd.RelaxedBernoulli(temperature=temperature, logits=[0.3, -0.2])
    assert tf.gradients(bernoulli.sample(4, seed=2), temperature)[0] is not None


def test_mixture_same_family_is_the_weighted_density():
    weights = np.array([0.3, 0.7])
    locs, scales = np.array([-1.0, 2.0]), np.array([0.5, 1.5])
    x = np.array([-1.0, 0.0, 3.0])
    density = (weights / (scales * np.sqrt(2 * np.pi))
               * np.exp(-0.5 * ((x[:, None] - locs) / scales) ** 2)).sum(-1)
    mixture = tfd.MixtureSameFamily(
        mixture_distribution=tfd.Categorical(probs=weights.astype("float32")),
        components_distribution=tfd.Normal(loc=locs.astype("float32"),
                                           scale=scales.astype("float32")))
    np.testing.assert_allclose(_run(mixture.prob(x.astype("float32"))), density, rtol=1e-5)
    listed = tfd.Mixture(cat=tfd.Categorical(probs=weights.astype("float32")),
                         components=[tfd.Normal(-1.0, 0.5), tfd.Normal(2.0, 1.5)])
    np.testing.assert_allclose(_run(listed.prob(x.astype("float32"))), density, rtol=1e-5)


def test_fill_triangular_lays_out_entries_as_tensorflow():
    got = _run(tfd.fill_triangular([1.0, 2.0, 3.0, 4.0, 5.0, 6.0]))
    np.testing.assert_array_equal(got, [[4.0, 0.0, 0.0], [6.0, 5.0, 0.0], [3.0, 2.0, 1.0]])
    upper = _run(tfd.fill_triangular([1.0, 2.0, 3.0, 4.0, 5.0, 6.0], upper=True))
    np.testing.assert_array_equal(upper, [[1.0, 2.0, 3.0], [0.0, 5.0, 6.0], [0.0, 0.0, 4.0]])
    with pytest.raises(ValueError, match="triangular"):
        tfd.fill_triangular([1.0, 2.0])
    vector = np.arange(10.0).reshape(1, 10)
    for upper in (False, True):
        back = _run(tfd.fill_triangular_inverse(tfd.fill_triangular(vector, upper=upper),
                                                upper=upper))
        np.testing.assert_array_equal(back, vector)


def _scalar_bijectors():
    return {"exp": (tfb.Exp(), (-2.0, 2.0)), "softplus": (tfb.Softplus(), (-3.0, 3.0)),
            "sigmoid": (tfb.Sigmoid(), (-3.0, 3.0)), "softsign": (tfb.Softsign(), (-3.0, 3.0)),
            "affine_scalar": (tfb.AffineScalar(shift=np.float64(1.0), scale=np.float64(-2.5)),
                              (-3.0, 3.0)),
            "power": (tfb.PowerTransform(power=0.5), (0.1, 3.0)),
            "gumbel": (tfb.Gumbel(loc=np.float64(0.5), scale=2.0), (-3.0, 3.0)),
            "softplus_soft": (tfb.Softplus(hinge_softness=np.float64(0.5)), (-3.0, 3.0)),
            "weibull": (tfb.Weibull(scale=np.float64(2.0), concentration=1.5), (0.1, 3.0)),
            "kumaraswamy": (tfb.Kumaraswamy(np.float64(2.0), 3.0), (0.05, 0.9))}


@settings(max_examples=10, deadline=None)
@given(st.floats(0.05, 0.95))
def test_scalar_bijectors_invert_and_match_numeric_jacobians(fraction):
    with tf.Graph().as_default():
        fetches = {}
        points = {}
        for label, (bijector, (low, high)) in _scalar_bijectors().items():
            x = np.float64(low + fraction * (high - low))
            points[label] = x
            step = 1e-5
            x_t = tf.constant([x - step, x, x + step], dtype=tf.float64)
            y = bijector.forward(x_t)
            fetches[label] = (y, bijector.inverse(tf.identity(y)),
                              bijector.forward_log_det_jacobian(x_t, event_ndims=0),
                              bijector.inverse_log_det_jacobian(tf.identity(y), event_ndims=0))
        values = _run(fetches)
    for label, (y, back, fldj, ildj) in values.items():
        np.testing.assert_allclose(back, [points[label] - 1e-5, points[label],
                                          points[label] + 1e-5], rtol=1e-6, atol=1e-9,
                                   err_msg=label)
        numeric = np.log(abs((y[2] - y[0]) / 2e-5))
        fldj = np.broadcast_to(fldj, (3,))  # a constant Jacobian gives one scalar
        np.testing.assert_allclose(fldj[1], numeric, rtol=1e-4, atol=1e-4, err_msg=label)
        np.testing.assert_allclose(ildj, -fldj, rtol=1e-6, atol=1e-9, err_msg=label)


def test_log_det_jacobians_sum_over_the_extra_event_dims():
    x = tf.constant(np.arange(6.0).reshape(2, 3) / 4.0)
    exp = tfb.Exp()
    got = _run([exp.forward_log_det_jacobian(x, event_ndims=1),
                exp.forward_log_det_jacobian(x, event_ndims=2),
                tfb.AffineScalar(scale=np.float64(2.0)).forward_log_det_jacobian(
                    x, event_ndims=2)])
    values = np.arange(6.0).reshape(2, 3) / 4.0
    np.testing.assert_allclose(got[0], values.sum(-1))
    np.testing.assert_allclose(got[1], values.sum())
    np.testing.assert_allclose(got[2], 6 * np.log(2.0))
    with pytest.raises(ValueError, match="min_event_ndims"):
        tfb.Affine(shift=[1.0, 2.0, 3.0]).forward_log_det_jacobian(x, event_ndims=0)
    with pytest.raises(TypeError, match="event_ndims"):
        exp.forward_log_det_jacobian(x, event_ndims=None)
    with pytest.raises(ValueError, match="forward_min_event_ndims"):
        tfb.Bijector(name="needs_ndims")


def test_affine_with_perturbation_matches_its_dense_matrix():
    tril = np.array([[1.5, 0.0], [0.5, 1.0]])
    factor = np.array([[0.2], [0.4]])
    shift = np.array([1.0, -1.0])
    matrix = tril + factor @ factor.T
    affine = tfb.Affine(shift=shift, scale_tril=tril, scale_perturb_factor=factor)
    x = np.array([[0.3, -0.7], [2.0, 1.0]])
    y, back, fldj = _run([affine.forward(x), affine.inverse(affine.forward(tf.constant(x)) + 0),
                          affine.forward_log_det_jacobian(x, event_ndims=1)])
    np.testing.assert_allclose(y, x @ matrix.T + shift)
    np.testing.assert_allclose(back, x, rtol=1e-10)
    np.testing.assert_allclose(fldj, np.log(abs(np.linalg.det(matrix))) * np.ones(2))


def test_chain_applies_its_last_bijector_first():
    chain = tfb.Chain([tfb.Exp(), tfb.AffineScalar(shift=1.0)])
    np.testing.assert_allclose(_run(chain.forward(0.0)), math.e, rtol=1e-6)
    np.testing.assert_allclose(_run(chain.inverse(math.e)), 0.0, atol=1e-6)


def test_masked_dense_is_autoregressive():
    x = tf.constant(np.random.default_rng(0).normal(size=(1, 4)).astype("float32"))
    y = tfb.masked_dense(x, 8, num_blocks=4, exclusive=True,
                         kernel_initializer=tf.random_normal_initializer(seed=1))
    rows = [tf.gradients(y[0, j], x)[0][0] for j in range(8)]
    jacobian = _run(tf.stack(rows))  # [outputs, inputs]
    for j in range(8):
        block = j // 2
        assert np.all(jacobian[j, block:] == 0.0), (j, jacobian[j])


def test_maf_round_trips_and_has_a_triangular_jacobian():
    template = tfb.masked_autoregressive_default_template(hidden_layers=[8, 8])
    flow = tfb.MaskedAutoregressiveFlow(shift_and_log_scale_fn=template)
    dist = tfd.TransformedDistribution(distribution=tfd.Normal(0.0, 1.0), bijector=flow,
                                       event_shape=[3])
    x = tf.constant(np.random.default_rng(1).normal(size=(5, 3)).astype("float32"))
    y = flow.forward(x)
    back = flow.inverse(tf.identity(y))
    samples = dist.sample(7, seed=4)
    log_prob = dist.log_prob(samples)
    jacobian = tf.stack([tf.gradients(y[0, i], x)[0][0] for i in range(3)])
    values = _run({"x": x, "back": back, "jacobian": jacobian, "log_prob": log_prob,
                   "samples": samples,
                   "fldj": flow.forward_log_det_jacobian(x, event_ndims=1)})
    np.testing.assert_allclose(values["back"], values["x"], rtol=1e-4, atol=1e-5)
    assert np.allclose(np.triu(values["jacobian"], 1), 0.0)
    # The log-determinant can be near zero (about -1e-5): float32 needs an absolute bound too.
    np.testing.assert_allclose(values["fldj"][0],
                               np.log(np.abs(np.diag(values["jacobian"]))).sum(), rtol=1e-4,
                               atol=1e-5)
    assert values["samples"].shape == (7, 3)
    assert np.all(np.isfinite(values["log_prob"]))


def test_real_nvp_round_trips_and_keeps_the_masked_half():
    template = tfb.real_nvp_default_template(hidden_layers=[8])
    nvp = tfb.RealNVP(num_masked=2, shift_and_log_scale_fn=template)
    x = tf.constant(np.random.default_rng(2).normal(size=(4, 5)).astype("float32"))
    y = nvp.forward(x)
    values = _run({"x": x, "y": y, "back": nvp.inverse(tf.identity(y)),
                   "sum": nvp.forward_log_det_jacobian(x, event_ndims=1)
                   + nvp.inverse_log_det_jacobian(tf.identity(y), event_ndims=1)})
    np.testing.assert_allclose(values["y"][:, :2], values["x"][:, :2])
    np.testing.assert_allclose(values["back"], values["x"], rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(values["sum"], 0.0, atol=1e-5)
    with pytest.raises(ValueError, match="smaller than the event size"):
        tfb.RealNVP(num_masked=5, shift_and_log_scale_fn=template).forward(x)


def test_batch_normalization_bijector_inverts_with_moving_statistics():
    bijector = tfb.BatchNormalization(training=False)
    x = tf.constant(np.random.default_rng(3).normal(size=(6, 2)).astype("float32"))
    y = bijector.forward(x)
    values = _run({"x": x, "back": bijector.inverse(tf.identity(y)),
                   "ildj": bijector.inverse_log_det_jacobian(tf.identity(y), event_ndims=1)})
    np.testing.assert_allclose(values["back"], values["x"], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(values["ildj"], -0.5 * 2 * np.log(1.0 + 1e-3), rtol=1e-4)


def test_transformed_distribution_caches_the_sample_source():
    # log_prob of the flow's own samples reuses the x each came from (no inversion).
    bijector = tfb.Exp()
    dist = tfd.TransformedDistribution(distribution=tfd.Normal(0.0, 1.0), bijector=bijector)
    samples = dist.sample(3, seed=5)
    assert bijector.inverse(samples).op.type != "Log"
    got = _run([samples, dist.log_prob(samples)])
    y = got[0]
    want = -0.5 * np.log(y) ** 2 - 0.5 * np.log(2 * np.pi) - np.log(y)
    np.testing.assert_allclose(got[1], want, rtol=1e-5)


def test_a_flows_log_det_jacobian_reuses_its_forward_pass():
    # Invert(MAF).log_prob of data runs MAF's D-pass forward once: the log-det-Jacobian
    # at the same point finds the forward's output instead of recomputing it.
    calls = []

    def shift_and_log_scale(y):
        calls.append(y)
        return 0.5 * y[..., ::-1], 0.1 * y[..., ::-1]

    flow = tfb.MaskedAutoregressiveFlow(shift_and_log_scale_fn=shift_and_log_scale)
    x = tf.constant([[0.3, -0.2, 1.0]])
    flow.forward(x)
    assert len(calls) == 3
    flow.forward_log_det_jacobian(x, event_ndims=1)
    assert len(calls) == 4


def test_mvn_diag_log_prob_agrees_with_tensorflow_to_the_last_bit():
    # CS294-112's train_pg_test.py asserts TensorFlow 1.x's float32 value to 7 places: a
    # standard normal's per-coordinate densities summed, then the log-determinant added.
    dist = tfd.MultivariateNormalDiag(loc=[1.0, -1.0], scale_diag=tf.exp(tf.log([1.0, 2.0])))
    assert _run(-dist.log_prob([-1.0, 0.0])) == np.float32(4.6560245)
    tril = tfd.MultivariateNormalTriL(loc=[1.0, -1.0], scale_tril=[[1.0, 0.0], [0.0, 2.0]])
    assert _run(-tril.log_prob([-1.0, 0.0])) == np.float32(4.6560245)


def test_scale_tril_makes_cholesky_factors_and_fill_triangular_event_shapes():
    scale_tril = tfb.ScaleTriL()
    vector = np.array([[0.3, -1.2, 2.0, 0.5, -3.0, -0.7]], "float32")
    matrix, back = _run([scale_tril.forward(vector),
                         scale_tril.inverse(scale_tril.forward(vector) + 0.0)])
    assert np.all(np.triu(matrix[0], 1) == 0.0)
    assert np.all(np.diag(matrix[0]) > 0.0)
    np.testing.assert_allclose(back, vector, rtol=1e-5, atol=1e-6)
    fill = tfb.FillTriangular()
    assert fill.forward_event_shape([6]).as_list() == [3, 3]
    assert fill.inverse_event_shape([3, 3]).as_list() == [6]
    with pytest.raises(ValueError, match="triangular"):
        fill.forward_event_shape([5])
    increasing = np.array([[-1.0, 0.5, 0.7, 3.0]], "float32")
    ordered = tfb.Ordered()
    np.testing.assert_allclose(_run(ordered.inverse(ordered.forward(increasing) + 0.0)),
                               increasing, rtol=1e-6)
