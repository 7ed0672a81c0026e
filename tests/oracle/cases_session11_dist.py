"""Oracle cases of session 11's helper dist: ``tf.distributions`` (RegisterKL, Multinomial,
DirichletMultinomial) and ``tf.contrib.distributions`` with its bijectors.

TensorFlow 2 has no ``tf.contrib``; its successor is TensorFlow Probability
(``tfp.distributions``, ``tfp.bijectors``), installed next to the oracle's TensorFlow, with
the same mathematics. On the TensorFlow side ``_namespaces`` answers with TFP, and the few
contrib names TFP renamed or dropped (InverseGamma's ``rate`` is TFP's ``scale``,
AffineScalar and Affine are Shift/Scale chains, MultivariateNormalDiagWithSoftplusScale is a
diagonal normal of a softplus) are built from TFP's pieces here. Sampled values differ
between the two random streams: cases fetch sample shapes and, with a loose tolerance,
statistics of many samples.
"""

from cases import Case

_SMALLFLOW = "smallflow"


def _is_smallflow(tf):
    return tf.__name__.split(".")[0] == _SMALLFLOW


def _namespaces(tf):
    """(contrib distributions, bijectors) for the backend."""
    if _is_smallflow(tf):
        return tf.contrib.distributions, tf.contrib.distributions.bijectors
    import numpy

    _numpy_reshape_accepts_newshape(numpy)
    import tensorflow_probability as tfp

    return tfp.distributions, tfp.bijectors


def _numpy_reshape_accepts_newshape(numpy):
    """TFP 0.25's Pad bijector (inside SoftmaxCentered) still calls ``np.reshape(a,
    newshape=...)``, a keyword NumPy 2.1 retired; give TFP the spelling it uses."""
    original = numpy.reshape
    if getattr(original, "_accepts_newshape", False):
        return

    def reshape(a, *args, newshape=None, **kwargs):
        if newshape is not None:
            return original(a, newshape, **kwargs)
        return original(a, *args, **kwargs)

    reshape._accepts_newshape = True
    numpy.reshape = reshape


def _inverse_gamma(tf, tfd, concentration, rate):
    if _is_smallflow(tf):
        return tfd.InverseGamma(concentration, rate)
    return tfd.InverseGamma(concentration=concentration, scale=rate)


def _affine_scalar(tf, tfb, shift, scale):
    if _is_smallflow(tf):
        return tfb.AffineScalar(shift=shift, scale=scale)
    return tfb.Chain([tfb.Shift(shift), tfb.Scale(scale)])


def _affine(tf, tfb, shift, tril, factor):
    """``y = (tril + factor factor^T) x + shift``."""
    if _is_smallflow(tf):
        return tfb.Affine(shift=shift, scale_tril=tril, scale_perturb_factor=factor)
    matrix = tf.linalg.band_part(tril, -1, 0) + tf.matmul(factor, factor, transpose_b=True)
    operator = tf.linalg.LinearOperatorFullMatrix(matrix)
    return tfb.Chain([tfb.Shift(shift), tfb.ScaleMatvecLinearOperator(operator)])


def _register_kl(tf, np):
    # TF1 programs register a KL with tf.distributions.RegisterKL (RegisteredKL never
    # existed); the decorated function is found for subclasses too.
    tfd = tf.distributions

    class Shifted(tfd.Normal):
        pass

    @tfd.RegisterKL(Shifted, tfd.Normal)
    def _kl(a, b, name=None):
        return tf.constant(42.0) + 0.0 * a.loc

    return {"registered": tfd.kl_divergence(Shifted(0.0, 1.0), tfd.Normal(1.0, 2.0)),
            "has_registered_kl": tf.constant(hasattr(tfd, "RegisteredKL"))}


def _multinomial(tf, np):
    tfd = tf.distributions
    out = {}
    multi = tfd.Multinomial(total_count=[4.0, 6.0],
                            logits=[[0.1, -0.5, 1.2], [2.0, 0.0, -1.0]])
    counts = tf.constant([[1.0, 1.0, 2.0], [3.0, 2.0, 1.0]])
    out["multinomial_log_prob"] = multi.log_prob(counts)
    out["multinomial_prob"] = multi.prob(counts)
    out["multinomial_mean"] = multi.mean()
    out["multinomial_variance"] = multi.variance()
    out["multinomial_covariance"] = multi.covariance()
    out["multinomial_sample_shape"] = tf.shape(multi.sample([5, 2], seed=1))
    out["multinomial_sample_totals"] = tf.reduce_sum(multi.sample(3, seed=2), -1)
    probs = tfd.Multinomial(total_count=3.0, probs=[0.2, 0.3, 0.5])
    out["multinomial_probs_log_prob"] = probs.log_prob([[0.0, 0.0, 3.0], [1.0, 1.0, 1.0]])
    # (TensorFlow's mean multiplies total_count by the shares unexpanded: a batch of
    # total counts must broadcast against the classes' axis, so a scalar here.)
    dm = tfd.DirichletMultinomial(total_count=5.0,
                                  concentration=[[1.0, 2.0, 0.5], [3.0, 1.0, 1.0]])
    dm_counts = tf.constant([[2.0, 2.0, 1.0], [0.0, 1.0, 4.0]])
    out["dirichlet_multinomial_log_prob"] = dm.log_prob(dm_counts)
    out["dirichlet_multinomial_mean"] = dm.mean()
    out["dirichlet_multinomial_variance"] = dm.variance()
    out["dirichlet_multinomial_covariance"] = dm.covariance()
    out["dirichlet_multinomial_sample_shape"] = tf.shape(dm.sample(4, seed=3))
    out["dirichlet_multinomial_sample_totals"] = tf.reduce_sum(dm.sample(2, seed=4), -1)
    out["dirichlet_kl"] = tfd.kl_divergence(tfd.Dirichlet([1.0, 2.0, 3.0]),
                                            tfd.Dirichlet([2.0, 2.0, 0.5]))
    return out


def _scalar_families(tf, np):
    tfd, _ = _namespaces(tf)
    out = {}
    x = tf.constant([0.3, 1.7, 2.5, 0.05, 4.0])
    families = {
        "logistic": tfd.Logistic(loc=[0.0, 1.0, -1.0, 0.5, 2.0], scale=[1.0, 0.5, 2.0, 1.5, 3.0]),
        "half_normal": tfd.HalfNormal(scale=[1.0, 0.5, 2.0, 1.5, 3.0]),
        "cauchy": tfd.Cauchy(loc=[0.0, 1.0, -1.0, 0.5, 2.0], scale=[1.0, 0.5, 2.0, 1.5, 3.0]),
        "chi2": tfd.Chi2(df=[1.0, 2.5, 3.0, 4.0, 7.0]),
        "inverse_gamma": _inverse_gamma(tf, tfd, [1.5, 2.5, 3.5, 0.5, 4.0],
                                        [1.0, 2.0, 0.5, 1.0, 3.0]),
    }
    for label, dist in families.items():
        out[label + "_log_prob"] = dist.log_prob(x)
        out[label + "_prob"] = dist.prob(x)
        out[label + "_cdf"] = dist.cdf(x)
        out[label + "_entropy"] = dist.entropy()
        out[label + "_mode"] = dist.mode()
        out[label + "_sample_shape"] = tf.shape(dist.sample([3, 2], seed=5))
    for label in ("logistic", "half_normal", "chi2", "inverse_gamma"):
        out[label + "_mean"] = families[label].mean()
        out[label + "_variance"] = families[label].variance()
        out[label + "_stddev"] = families[label].stddev()
    out["logistic_log_cdf"] = families["logistic"].log_cdf(x)
    out["logistic_survival"] = families["logistic"].survival_function(x)
    out["cauchy_quantile"] = families["cauchy"].quantile([0.1, 0.5, 0.9, 0.25, 0.7])
    out["half_normal_negative"] = families["half_normal"].log_prob(-x)
    out["half_normal_kl"] = tfd.kl_divergence(families["half_normal"],
                                              tfd.HalfNormal(scale=[2.0, 1.0, 1.0, 0.5, 3.5]))
    return out


def _count_families(tf, np):
    tfd, _ = _namespaces(tf)
    out = {}
    k = tf.constant([0.0, 1.0, 3.0, 7.0, 2.0])
    counts = {
        "poisson": tfd.Poisson(rate=[0.5, 1.0, 3.0, 6.0, 2.5]),
        "poisson_log_rate": tfd.Poisson(log_rate=[-0.5, 0.0, 1.0, 2.0, 0.3]),
        "geometric": tfd.Geometric(probs=[0.2, 0.5, 0.7, 0.1, 0.9]),
        "geometric_logits": tfd.Geometric(logits=[-1.0, 0.0, 2.0, -2.0, 0.5]),
        "binomial": tfd.Binomial(total_count=[3.0, 5.0, 8.0, 10.0, 4.0],
                                 probs=[0.2, 0.5, 0.7, 0.1, 0.9]),
        "negative_binomial": tfd.NegativeBinomial(total_count=[3.0, 5.0, 8.0, 1.0, 4.0],
                                                  logits=[-1.0, 0.0, 0.5, 1.0, -0.5]),
    }
    for label, dist in counts.items():
        out[label + "_log_prob"] = dist.log_prob(k)
        out[label + "_cdf"] = dist.cdf(k)
        out[label + "_mean"] = dist.mean()
        out[label + "_variance"] = dist.variance()
        out[label + "_mode"] = dist.mode()
    for label in ("poisson", "geometric", "negative_binomial"):
        out[label + "_sample_shape"] = tf.shape(counts[label].sample([2, 3], seed=6))
    out["geometric_entropy"] = counts["geometric"].entropy()
    point = tfd.Deterministic(loc=[0.0, 1.5, -2.0])
    out["deterministic_prob"] = point.prob([[0.0, 1.5, 2.0], [1e-7, 1.5, -2.0]])
    out["deterministic_cdf"] = point.cdf([[0.0, 1.0, -1.0], [-0.1, 2.0, -3.0]])
    out["deterministic_tolerance"] = tfd.Deterministic(loc=1.0, atol=0.1).prob([1.05, 1.2])
    out["deterministic_sample"] = point.sample(2)
    out["deterministic_stats"] = tf.stack([point.mean(), point.variance()])
    vector = tfd.VectorDeterministic(loc=[[0.0, 1.0], [2.0, 3.0]])
    out["vector_deterministic_prob"] = vector.prob([[0.0, 1.0], [2.0, 3.5]])
    out["vector_deterministic_sample"] = vector.sample(3)
    out["vector_deterministic_shapes"] = tf.concat([vector.batch_shape_tensor(),
                                                    vector.event_shape_tensor()], 0)
    return out


def _multivariate_normals(tf, np):
    tfd, _ = _namespaces(tf)
    out = {}
    tril = tf.constant([[[1.5, 0.0, 0.0], [0.5, 1.0, 0.0], [-0.3, 0.2, 0.7]],
                        [[0.8, 0.0, 0.0], [0.1, 1.2, 0.0], [0.4, -0.6, 2.0]]])
    loc = tf.constant([[0.5, -1.0, 2.0], [0.0, 0.3, -0.2]])
    x = tf.constant([[[0.0, 0.0, 0.0], [1.0, -1.0, 0.5]]]) * tf.ones([3, 1, 1])
    x = tf.transpose(x, [1, 0, 2])[:, :2]  # [2, 2, 3]: two points per batch member
    mvn_tril = tfd.MultivariateNormalTriL(loc=loc, scale_tril=tril)
    covariance = tf.matmul(tril, tril, transpose_b=True)
    mvn_full = tfd.MultivariateNormalFullCovariance(loc=loc, covariance_matrix=covariance)
    mvn_diag = tfd.MultivariateNormalDiag(loc=loc, scale_diag=[[1.0, 2.0, 0.5],
                                                               [0.3, 1.0, 1.5]])
    for label, dist in (("tril", mvn_tril), ("full", mvn_full), ("diag", mvn_diag)):
        out[label + "_log_prob"] = dist.log_prob(x)
        out[label + "_prob"] = dist.prob(x[0])
        out[label + "_entropy"] = dist.entropy()
        out[label + "_mean"] = dist.mean()
        out[label + "_covariance"] = dist.covariance()
        out[label + "_variance"] = dist.variance()
        out[label + "_stddev"] = dist.stddev()
        out[label + "_sample_shape"] = tf.shape(dist.sample([4, 5], seed=7))
    out["tril_no_loc_log_prob"] = tfd.MultivariateNormalTriL(scale_tril=tril).log_prob(x)
    out["kl_tril_tril"] = tfd.kl_divergence(mvn_tril, mvn_full)
    out["kl_tril_diag"] = tfd.kl_divergence(mvn_tril, mvn_diag)
    out["kl_diag_tril"] = tfd.kl_divergence(mvn_diag, mvn_tril)
    raw = tf.constant([[0.5, -1.0, 2.0], [-3.0, 0.0, 1.0]])
    if _is_smallflow(tf):
        softplus_form = tfd.MultivariateNormalDiagWithSoftplusScale(loc=loc, scale_diag=raw)
    else:
        softplus_form = tfd.MultivariateNormalDiag(loc=loc, scale_diag=tf.nn.softplus(raw))
    out["softplus_scale_log_prob"] = softplus_form.log_prob(x)
    out["softplus_scale_stddev"] = softplus_form.stddev()
    out["shapes"] = tf.concat([mvn_tril.batch_shape_tensor(), mvn_tril.event_shape_tensor()], 0)
    return out


def _relaxed(tf, np):
    tfd, _ = _namespaces(tf)
    out = {}
    logits = tf.constant([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    onehot = tfd.OneHotCategorical(logits=logits)
    events = tf.constant([[[0, 1, 0], [0, 0, 1]], [[1, 0, 0], [1, 0, 0]]])
    out["onehot_log_prob"] = onehot.log_prob(events)
    out["onehot_entropy"] = onehot.entropy()
    out["onehot_mode"] = onehot.mode()
    out["onehot_mean"] = onehot.mean()
    out["onehot_covariance"] = onehot.covariance()
    out["onehot_variance"] = onehot.variance()
    out["onehot_sample_rows"] = tf.reduce_sum(onehot.sample(4, seed=8), -1)
    out["onehot_kl"] = tfd.kl_divergence(onehot, tfd.OneHotCategorical(probs=[0.2, 0.3, 0.5]))
    relaxed = tfd.RelaxedOneHotCategorical(temperature=0.5, logits=logits)
    point = tf.constant([[0.2, 0.7, 0.1], [0.05, 0.05, 0.9]])
    out["relaxed_log_prob"] = relaxed.log_prob(point)
    out["relaxed_prob"] = relaxed.prob(point)
    out["relaxed_sample_shape"] = tf.shape(relaxed.sample([3, 2], seed=9))
    out["relaxed_sample_rows"] = tf.reduce_sum(relaxed.sample(4, seed=10), -1)
    exp_relaxed = tfd.ExpRelaxedOneHotCategorical(temperature=[0.7, 2.0], logits=logits)
    out["exp_relaxed_log_prob"] = exp_relaxed.log_prob(tf.log(point))
    out["exp_relaxed_sample_rows"] = tf.less(tf.abs(tf.reduce_logsumexp(
        exp_relaxed.sample(3, seed=11), -1)), 1e-5)
    bernoulli = tfd.RelaxedBernoulli(temperature=[0.5, 1.0, 2.0], logits=[-1.0, 0.5, 2.0])
    u = tf.constant([0.1, 0.6, 0.95])
    out["relaxed_bernoulli_log_prob"] = bernoulli.log_prob(u)
    out["relaxed_bernoulli_prob"] = bernoulli.prob(u)
    out["relaxed_bernoulli_sample_shape"] = tf.shape(bernoulli.sample(5, seed=12))
    out["relaxed_bernoulli_probs"] = (bernoulli.probs if _is_smallflow(tf)
                                      else bernoulli.probs_parameter())
    out["relaxed_bernoulli_cdf"] = bernoulli.cdf(u)
    return out


def _mixtures(tf, np):
    tfd, _ = _namespaces(tf)
    out = {}
    x = tf.constant([-1.0, 0.0, 0.5, 2.0, 4.0])
    mixture = tfd.Mixture(cat=tfd.Categorical(probs=[0.3, 0.7]),
                          components=[tfd.Normal(loc=-1.0, scale=0.5),
                                      tfd.Normal(loc=2.0, scale=1.5)])
    out["mixture_log_prob"] = mixture.log_prob(x)
    out["mixture_prob"] = mixture.prob(x)
    out["mixture_mean"] = mixture.mean()
    out["mixture_stddev"] = mixture.stddev()
    out["mixture_entropy_lower_bound"] = mixture.entropy_lower_bound()
    out["mixture_sample_shape"] = tf.shape(mixture.sample([4, 3], seed=13))
    # the mixture density network's output: a batch of mixtures over 3 Gaussians.
    mix_logits = tf.constant([[0.1, 1.0, -0.5], [2.0, 0.0, 0.0]])
    components = tfd.Normal(loc=[[-1.0, 0.0, 3.0], [1.0, 2.0, -2.0]],
                            scale=[[0.5, 1.0, 2.0], [1.0, 0.3, 0.7]])
    same = tfd.MixtureSameFamily(mixture_distribution=tfd.Categorical(logits=mix_logits),
                                 components_distribution=components)
    y = tf.constant([[0.5, -0.5], [1.5, 2.0], [-3.0, 0.0]])
    out["same_family_log_prob"] = same.log_prob(y)
    out["same_family_cdf"] = same.cdf(y)
    out["same_family_mean"] = same.mean()
    out["same_family_variance"] = same.variance()
    out["same_family_sample_shape"] = tf.shape(same.sample(6, seed=14))
    vectors = tfd.MultivariateNormalDiag(loc=[[0.0, 1.0], [2.0, -1.0], [1.0, 1.5]],
                                         scale_diag=[[1.0, 0.5], [0.3, 2.0], [1.0, 1.0]])
    same_mvn = tfd.MixtureSameFamily(mixture_distribution=tfd.Categorical(
        probs=[0.2, 0.5, 0.3]), components_distribution=vectors)
    points = tf.constant([[0.0, 0.0], [2.0, -1.0], [1.0, 2.0], [-1.0, 0.5]])
    out["same_family_mvn_log_prob"] = same_mvn.log_prob(points)
    out["same_family_mvn_mean"] = same_mvn.mean()
    out["same_family_mvn_covariance"] = same_mvn.covariance()
    out["same_family_mvn_sample_shape"] = tf.shape(same_mvn.sample([2, 2], seed=15))
    normals = tfd.Normal(loc=tf.zeros([4, 2, 3]), scale=tf.ones([4, 2, 3]) * [1.0, 2.0, 0.5])
    independent = tfd.Independent(normals, reinterpreted_batch_ndims=2)
    default = tfd.Independent(normals)
    z = tf.reshape(tf.range(24, dtype=tf.float32) / 10.0, [4, 2, 3])
    out["independent_log_prob"] = independent.log_prob(z)
    out["independent_default_log_prob"] = default.log_prob(z)
    out["independent_entropy"] = independent.entropy()
    out["independent_mean"] = independent.mean()
    out["independent_shapes"] = tf.concat([independent.batch_shape_tensor(),
                                           independent.event_shape_tensor(),
                                           default.batch_shape_tensor(),
                                           default.event_shape_tensor()], 0)
    other = tfd.Independent(tfd.Normal(loc=tf.ones([4, 2, 3]), scale=2.0 * tf.ones([4, 2, 3])),
                            reinterpreted_batch_ndims=2)
    out["independent_kl"] = tfd.kl_divergence(independent, other)
    out["independent_sample_shape"] = tf.shape(independent.sample(2, seed=16))
    return out


def _bijectors(tf, np):
    tfd, tfb = _namespaces(tf)
    out = {}
    x = tf.constant([[0.3, -1.2, 2.0], [0.5, 0.1, -0.7]])
    positive = tf.constant([[0.3, 1.2, 2.0], [0.5, 0.1, 0.7]])
    unit = tf.constant([[0.3, 0.2, 0.9], [0.5, 0.1, 0.7]])
    scalars = {"exp": (tfb.Exp(), x, positive), "softplus": (tfb.Softplus(), x, positive),
               "sigmoid": (tfb.Sigmoid(), x, unit), "identity": (tfb.Identity(), x, x),
               "softsign": (tfb.Softsign(), x, unit), "square": (tfb.Square(), positive,
                                                                  positive),
               "power": (tfb.PowerTransform(power=0.5), positive, positive),
               "affine_scalar": (_affine_scalar(tf, tfb, 1.5, -2.0), x, x)}
    for label, (bijector, forward_in, inverse_in) in scalars.items():
        out[label + "_forward"] = bijector.forward(forward_in)
        out[label + "_inverse"] = bijector.inverse(inverse_in)
        out[label + "_fldj0"] = bijector.forward_log_det_jacobian(forward_in, event_ndims=0)
        out[label + "_fldj1"] = bijector.forward_log_det_jacobian(forward_in, event_ndims=1)
        out[label + "_ildj1"] = bijector.inverse_log_det_jacobian(inverse_in, event_ndims=1)
        out[label + "_ildj2"] = bijector.inverse_log_det_jacobian(inverse_in, event_ndims=2)
    tril = tf.constant([[1.5, 0.0, 0.0], [0.5, 1.0, 0.0], [-0.3, 0.2, 0.7]])
    factor = tf.constant([[0.2, -0.1], [0.4, 0.3], [0.0, 0.5]])
    affine = _affine(tf, tfb, [1.0, -1.0, 0.5], tril, factor)
    out["affine_forward"] = affine.forward(x)
    out["affine_inverse"] = affine.inverse(x)
    out["affine_fldj"] = affine.forward_log_det_jacobian(x, event_ndims=1)
    out["affine_ildj2"] = affine.inverse_log_det_jacobian(x, event_ndims=2)
    operator = tf.linalg.LinearOperatorLowerTriangular(tril)
    if _is_smallflow(tf):
        linear = tfb.AffineLinearOperator(shift=[1.0, -1.0, 0.5], scale=operator)
    else:
        linear = tfb.Chain([tfb.Shift([1.0, -1.0, 0.5]), tfb.ScaleMatvecLinearOperator(operator)])
    out["affine_linear_operator_forward"] = linear.forward(x)
    out["affine_linear_operator_inverse"] = linear.inverse(x)
    out["affine_linear_operator_fldj"] = linear.forward_log_det_jacobian(x, event_ndims=1)
    out["affine_linear_operator_ildj2"] = linear.inverse_log_det_jacobian(x, event_ndims=2)
    chain = tfb.Chain([tfb.Exp(), _affine_scalar(tf, tfb, 0.5, 2.0), tfb.Softplus()])
    out["chain_forward"] = chain.forward(x)
    out["chain_inverse"] = chain.inverse(positive + 2.0)
    out["chain_fldj"] = chain.forward_log_det_jacobian(x, event_ndims=1)
    out["chain_ildj"] = chain.inverse_log_det_jacobian(positive + 2.0, event_ndims=1)
    invert = tfb.Invert(tfb.Sigmoid())
    out["invert_forward"] = invert.forward(unit)
    out["invert_fldj"] = invert.forward_log_det_jacobian(unit, event_ndims=1)
    permute = tfb.Permute(permutation=[2, 0, 1])
    out["permute_forward"] = permute.forward(x)
    out["permute_inverse"] = permute.inverse(x)
    out["permute_fldj"] = permute.forward_log_det_jacobian(x, event_ndims=1)
    reshape = tfb.Reshape(event_shape_out=[3, 1], event_shape_in=[3])
    out["reshape_forward"] = reshape.forward(x)
    out["reshape_inverse"] = reshape.inverse(tf.reshape(x, [2, 3, 1]))
    out["reshape_event_shape"] = tf.constant(reshape.forward_event_shape([3]).as_list())
    centered = tfb.SoftmaxCentered()
    out["softmax_centered_forward"] = centered.forward(x)
    out["softmax_centered_inverse"] = centered.inverse(unit / tf.reduce_sum(unit, -1,
                                                                            keepdims=True))
    fldj = centered.forward_log_det_jacobian(x, event_ndims=1)
    if not _is_smallflow(tf):
        # TFP measures the simplex's volume with an extra 0.5 log(k + 1); TensorFlow 1.15's
        # contrib bijector did not (its determinant is prod(y) over the k + 1 coordinates).
        fldj = fldj - 0.5 * np.log(4.0).astype("float32")
    out["softmax_centered_fldj"] = fldj
    out["softmax_centered_event_shape"] = tf.constant(
        centered.forward_event_shape([3]).as_list())
    gumbel = tfb.Gumbel(loc=0.5, scale=2.0) if _is_smallflow(tf) else \
        tfb.GumbelCDF(loc=0.5, scale=2.0)
    out["gumbel_forward"] = gumbel.forward(x)
    out["gumbel_ildj"] = gumbel.inverse_log_det_jacobian(unit, event_ndims=0)
    return out


def _more_bijectors(tf, np):
    # The matrix bijectors and the CDF/ordering ones (TFP renamed: ScaleTriL is
    # FillScaleTriL, Ordered is Invert(Ascending), Weibull is WeibullCDF, 1.15's Kumaraswamy
    # bijector is the inverse of TFP's KumaraswamyCDF).
    tfd, tfb = _namespaces(tf)
    sf = _is_smallflow(tf)
    out = {}
    vector = tf.constant([[0.3, -1.2, 2.0, 0.5, 0.1, -0.7], [1.0, 0.2, -0.4, 0.9, -1.5, 0.6]])
    fill = tfb.FillTriangular()
    out["fill_forward"] = fill.forward(vector)
    out["fill_inverse"] = fill.inverse(fill.forward(vector) + 0.0)
    fill_fldj = fill.forward_log_det_jacobian(vector, event_ndims=1)
    if not sf:
        # 1.15's FillTriangular gives one zero per batch member; TFP a scalar zero.
        fill_fldj = fill_fldj + tf.zeros_like(vector[..., 0])
    out["fill_fldj"] = fill_fldj
    scale_tril = tfb.ScaleTriL() if sf else tfb.FillScaleTriL()
    out["scale_tril_forward"] = scale_tril.forward(vector)
    out["scale_tril_inverse"] = scale_tril.inverse(scale_tril.forward(vector) + 0.0)
    out["scale_tril_fldj"] = scale_tril.forward_log_det_jacobian(vector, event_ndims=1)
    matrix = tf.constant([[[1.5, 0.0, 0.0], [0.5, 1.0, 0.0], [-0.3, 0.2, 0.7]],
                          [[0.8, 0.0, 0.0], [0.1, 1.2, 0.0], [0.4, -0.6, 2.0]]])
    diagonal = tfb.TransformDiagonal(diag_bijector=tfb.Exp())
    out["transform_diagonal_forward"] = diagonal.forward(matrix)
    out["transform_diagonal_fldj"] = diagonal.forward_log_det_jacobian(matrix, event_ndims=2)
    outer = tfb.CholeskyOuterProduct()
    out["outer_forward"] = outer.forward(matrix)
    out["outer_inverse"] = outer.inverse(outer.forward(matrix) + 0.0)
    out["outer_fldj"] = outer.forward_log_det_jacobian(matrix, event_ndims=2)
    inverse_tril = tfb.MatrixInverseTriL()
    out["inverse_tril_forward"] = inverse_tril.forward(matrix)
    out["inverse_tril_fldj"] = inverse_tril.forward_log_det_jacobian(matrix, event_ndims=2)
    increasing = tf.constant([[-1.0, 0.5, 0.7, 3.0], [0.0, 0.1, 2.0, 2.5]])
    ordered = tfb.Ordered() if sf else tfb.Invert(tfb.Ascending())
    out["ordered_forward"] = ordered.forward(increasing)
    out["ordered_inverse"] = ordered.inverse(ordered.forward(increasing) + 0.0)
    out["ordered_fldj"] = ordered.forward_log_det_jacobian(increasing, event_ndims=1)
    positive = tf.constant([0.3, 1.2, 2.0, 0.5])
    unit = tf.constant([0.3, 0.2, 0.9, 0.5])
    weibull = (tfb.Weibull(scale=2.0, concentration=1.5) if sf
               else tfb.WeibullCDF(scale=2.0, concentration=1.5))
    kumaraswamy = (tfb.Kumaraswamy(concentration1=2.0, concentration0=3.0) if sf
                   else tfb.Invert(tfb.KumaraswamyCDF(concentration1=2.0, concentration0=3.0)))
    for label, bijector, point, image in (("weibull", weibull, positive, unit),
                                         ("kumaraswamy", kumaraswamy, unit, unit)):
        out[label + "_forward"] = bijector.forward(point)
        out[label + "_inverse"] = bijector.inverse(image)
        out[label + "_fldj"] = bijector.forward_log_det_jacobian(point, event_ndims=0)
        out[label + "_ildj"] = bijector.inverse_log_det_jacobian(image, event_ndims=1)
    return out


def _transformed(tf, np):
    tfd, tfb = _namespaces(tf)
    out = {}
    log_normal = tfd.TransformedDistribution(distribution=tfd.Normal(loc=0.5, scale=2.0),
                                             bijector=tfb.Exp())
    y = tf.constant([0.5, 1.0, 3.0, 10.0])
    out["log_normal_log_prob"] = log_normal.log_prob(y)
    out["log_normal_prob"] = log_normal.prob(y)
    out["log_normal_cdf"] = log_normal.cdf(y)
    out["log_normal_quantile"] = log_normal.quantile([0.1, 0.5, 0.9, 0.3])
    out["log_normal_sample_shape"] = tf.shape(log_normal.sample([3, 2], seed=17))
    base = tfd.MultivariateNormalDiag(loc=tf.zeros([2]))
    tril = tf.constant([[1.5, 0.0], [0.5, 1.0]])
    factor = tf.constant([[0.2], [0.4]])
    flow = tfb.Chain([tfb.Softplus(), _affine(tf, tfb, [1.0, -1.0], tril, factor)])
    transformed = tfd.TransformedDistribution(distribution=base, bijector=flow)
    points = tf.constant([[0.5, 1.0], [2.0, 0.3], [1.0, 1.0]])
    out["flow_log_prob"] = transformed.log_prob(points)
    out["flow_sample_shape"] = tf.shape(transformed.sample(5, seed=18))
    affine = tfd.TransformedDistribution(distribution=tfd.Normal(loc=0.0, scale=1.0),
                                         bijector=_affine_scalar(tf, tfb, 1.0, 3.0))
    out["affine_entropy"] = affine.entropy()
    if _is_smallflow(tf):
        overridden = tfd.TransformedDistribution(distribution=tfd.Normal(0.0, 1.0),
                                                 bijector=tfb.Exp(), event_shape=[3],
                                                 batch_shape=[2])
    else:
        overridden = tfd.TransformedDistribution(
            distribution=tfd.Sample(tfd.Normal(tf.zeros([2]), 1.0), [3]), bijector=tfb.Exp())
    values = tf.constant([[0.5, 1.0, 2.0], [3.0, 0.2, 1.5]])
    out["override_log_prob"] = overridden.log_prob(values)
    out["override_sample_shape"] = tf.shape(overridden.sample(4, seed=19))
    out["override_shapes"] = tf.concat([overridden.batch_shape_tensor(),
                                        overridden.event_shape_tensor()], 0)
    return out


def _utilities(tf, np):
    if _is_smallflow(tf):
        tfd = tf.contrib.distributions
        fill, inverse, weighted = (tfd.fill_triangular, tfd.softplus_inverse,
                                   tfd.reduce_weighted_logsumexp)
        unfill = tfd.fill_triangular_inverse
        diag_transform = tfd.matrix_diag_transform
    else:
        import tensorflow_probability as tfp

        fill, inverse = tfp.math.fill_triangular, tfp.math.softplus_inverse
        weighted = tfp.math.reduce_weighted_logsumexp
        unfill = tfp.math.fill_triangular_inverse

        def diag_transform(matrix, transform):
            return tf.linalg.set_diag(matrix, transform(tf.linalg.diag_part(matrix)))

    out = {}
    vector = tf.constant(np.arange(1.0, 7.0).astype("float32"))
    out["fill_lower"] = fill(vector)
    out["fill_upper"] = fill(vector, upper=True)
    out["fill_batch"] = fill(tf.reshape(tf.range(20.0), [2, 10]))
    square = tf.reshape(tf.range(18.0), [2, 3, 3])
    out["unfill_lower"] = unfill(square)
    out["unfill_upper"] = unfill(square, upper=True)
    out["unfill_round_trip"] = unfill(fill(tf.reshape(tf.range(20.0), [2, 10])))
    out["softplus_inverse"] = inverse(tf.constant([1e-10, 1e-3, 0.5, 1.0, 10.0, 50.0]))
    logx = tf.constant([[0.0, 1.0, -1.0], [2.0, 2.0, 0.5]])
    w = tf.constant([[1.0, -0.5, 2.0], [1.0, -1.0, 3.0]])
    value, sign = weighted(logx, w, axis=-1, return_sign=True)
    out["weighted_logsumexp"] = value
    out["weighted_logsumexp_sign"] = sign
    out["weighted_logsumexp_all"] = weighted(logx, axis=None)
    out["weighted_logsumexp_keep"] = weighted(logx, w, axis=0, keep_dims=True)
    out["matrix_diag_transform"] = diag_transform(tf.reshape(tf.range(9.0), [3, 3]), tf.exp)
    return out


def _sample_statistics(tf, np):
    # Means and spreads of many samples: the two random streams differ, the laws agree.
    tfd, _ = _namespaces(tf)
    n = 40000
    out = {}
    logits = tf.constant([0.5, -1.0, 1.5])
    out["onehot_frequencies"] = tf.reduce_mean(
        tf.cast(tfd.OneHotCategorical(logits=logits).sample(n, seed=21), tf.float32), 0)
    mvn = tfd.MultivariateNormalTriL(loc=[1.0, -2.0],
                                     scale_tril=[[1.0, 0.0], [0.8, 0.5]])
    draws = mvn.sample(n, seed=22)
    centered = draws - tf.reduce_mean(draws, 0)
    out["mvn_mean"] = tf.reduce_mean(draws, 0)
    out["mvn_covariance"] = tf.matmul(centered, centered, transpose_a=True) / n
    out["poisson_mean"] = tf.reduce_mean(tfd.Poisson(rate=3.0).sample(n, seed=23))
    out["geometric_mean"] = tf.reduce_mean(tfd.Geometric(probs=0.3).sample(n, seed=24))
    out["negative_binomial_mean"] = tf.reduce_mean(
        tfd.NegativeBinomial(total_count=4.0, probs=0.4).sample(n, seed=25))
    out["logistic_std"] = tf.sqrt(tf.reduce_mean(tf.square(
        tfd.Logistic(0.0, 2.0).sample(n, seed=26))))
    out["half_normal_mean"] = tf.reduce_mean(tfd.HalfNormal(2.0).sample(n, seed=27))
    mixture = tfd.MixtureSameFamily(
        mixture_distribution=tfd.Categorical(probs=[0.25, 0.75]),
        components_distribution=tfd.Normal(loc=[-2.0, 3.0], scale=[0.5, 1.0]))
    out["mixture_same_family_mean"] = tf.reduce_mean(mixture.sample(n, seed=28))
    relaxed = tfd.RelaxedOneHotCategorical(temperature=1.0, logits=logits)
    out["relaxed_argmax_frequencies"] = tf.reduce_mean(tf.one_hot(
        tf.argmax(relaxed.sample(n, seed=29), -1), 3), 0)
    multinomial = tf.distributions.Multinomial(total_count=5.0, probs=[0.2, 0.3, 0.5])
    out["multinomial_mean"] = tf.reduce_mean(multinomial.sample(n // 4, seed=30), 0)
    return out


def _reparameterized_gradients(tf, np):
    # Gradients through samples (the reparameterization VAEs and Gumbel-softmax programs
    # train by): the gradient of a sample statistic converges to the analytic one.
    tfd, _ = _namespaces(tf)
    n = 40000
    out = {}
    loc = tf.constant([0.5, -1.0])
    scale = tf.constant([1.0, 2.0])
    mvn = tfd.MultivariateNormalDiag(loc=loc, scale_diag=scale)
    second_moment = tf.reduce_mean(tf.square(mvn.sample(n, seed=31)))
    out["mvn_grads"] = tf.stack(tf.gradients(second_moment, [loc, scale]))
    logits = tf.constant([0.5, -1.0, 1.5])
    relaxed = tfd.RelaxedOneHotCategorical(temperature=0.5, logits=logits)
    weights = tf.constant([1.0, 2.0, 3.0])
    expectation = tf.reduce_mean(tf.reduce_sum(relaxed.sample(n, seed=32) * weights, -1))
    out["relaxed_grad"] = tf.gradients(expectation, logits)[0]
    temperature = tf.constant(0.7)
    bernoulli = tfd.RelaxedBernoulli(temperature=temperature, logits=[0.3])
    out["relaxed_bernoulli_grad"] = tf.gradients(
        tf.reduce_mean(bernoulli.sample(n, seed=33)), temperature)[0]
    out["reparameterized"] = tf.constant([
        str(d.reparameterization_type).endswith("FULLY_REPARAMETERIZED>") for d in
        (mvn, relaxed, bernoulli, tfd.Logistic(0.0, 1.0), tfd.HalfNormal(1.0))])
    return out


SESSION11_DIST_CASES = [
    Case("session11_dist/register_kl", _register_kl),
    Case("session11_dist/multinomial", _multinomial, rtol=1e-5),
    Case("session11_dist/scalar_families", _scalar_families, rtol=1e-5),
    Case("session11_dist/count_families", _count_families, rtol=1e-5),
    Case("session11_dist/multivariate_normals", _multivariate_normals, rtol=1e-5),
    Case("session11_dist/relaxed", _relaxed, rtol=1e-5),
    Case("session11_dist/mixtures", _mixtures, rtol=1e-5),
    Case("session11_dist/bijectors", _bijectors, rtol=1e-5),
    Case("session11_dist/more_bijectors", _more_bijectors, rtol=1e-5),
    Case("session11_dist/transformed", _transformed, rtol=1e-5),
    Case("session11_dist/utilities", _utilities, rtol=1e-5),
    Case("session11_dist/sample_statistics", _sample_statistics, rtol=0.05),
    Case("session11_dist/reparameterized_gradients", _reparameterized_gradients, rtol=0.1),
]
