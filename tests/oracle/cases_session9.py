"""Oracle cases of session 9's lead: names TF1 programs use that smallflow lacked
(``tf.nn.max_pool_with_argmax``, ``tf.nn.ctc_beam_search_decoder``).

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only.
"""

import importlib

from cases import Case


def _pool_input(np, dtype="float32"):
    values = (np.arange(2 * 5 * 6 * 3) * 7 % 11 - 5).reshape(2, 5, 6, 3).astype(dtype)
    if dtype == "float32":
        values[0, 0, 0, 0] = np.nan  # a NaN first in its window stays
        values[1, 0:2, 0:2, 1] = -np.inf  # a window of -inf: its first element
        values[1, 3, 3, 2] = np.nan  # a NaN later in a window never wins
    return values


def _max_pool_with_argmax(k, s, padding, include_batch, targmax=None, dtype="float32"):
    def build(tf, np):
        x = tf.constant(_pool_input(np, dtype))
        kwargs = {"include_batch_in_index": include_batch}
        if targmax is not None:
            kwargs["Targmax"] = getattr(tf, targmax)
        out, argmax = tf.nn.max_pool_with_argmax(x, [1, k, k, 1], [1, s, s, 1], padding,
                                                 **kwargs)
        fetches = {"output": out, "argmax": argmax}
        if dtype == "float32":
            weights = np.arange(int(np.prod(out.shape.as_list()))).reshape(
                out.shape.as_list()).astype("float32")
            fetches["gradient"] = tf.gradients(tf.reduce_sum(out * weights), x)[0]
            # The raw backward ops, called as unpooling programs call them.
            gen = importlib.import_module(tf.__name__.split(".")[0] + ".python.ops.gen_nn_ops")
            attrs = dict(ksize=[1, k, k, 1], strides=[1, s, s, 1], padding=padding,
                         include_batch_in_index=include_batch)
            fetches["grad_with_argmax"] = gen.max_pool_grad_with_argmax(
                x, tf.constant(weights), argmax, **attrs)
        return fetches

    return build


def _grad_grad_with_argmax(tf, np):
    # Declared, with a GPU kernel only: on the CPU TensorFlow fails when it runs.
    gen = importlib.import_module(tf.__name__.split(".")[0] + ".python.ops.gen_nn_ops")
    x = tf.constant(_pool_input(np))
    _, argmax = tf.nn.max_pool_with_argmax(x, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")
    return {"grad_grad": gen.max_pool_grad_grad_with_argmax(
        x, tf.ones_like(x), argmax, [1, 2, 2, 1], [1, 2, 2, 1], "SAME")}


def _ctc_beam(width, top, merge, scale, seed):
    def build(tf, np):
        values = np.sin(np.arange(7 * 3 * 6) * 0.91 + seed) * scale
        logits = tf.constant(values.reshape(7, 3, 6).astype("float32"))
        decoded, scores = tf.nn.ctc_beam_search_decoder(
            logits, tf.constant([7, 4, 1]), beam_width=width, top_paths=top,
            merge_repeated=merge)
        fetches = {"log_probability": scores}
        for rank, sparse in enumerate(decoded):
            fetches[f"indices_{rank}"] = sparse.indices
            fetches[f"values_{rank}"] = sparse.values
            fetches[f"shape_{rank}"] = sparse.dense_shape
        return fetches

    return build


def _partitioners(tf, np):
    # The partition counts TensorFlow's partitioners give, as constants to compare.
    fetches = {}
    shapes = [[10, 3], [1000, 64], [7], [300, 50, 2], [5, 1000]]
    for dtype in (tf.float32, tf.float64, tf.string):
        for i, dims in enumerate(shapes):
            shape = tf.TensorShape(dims)
            for name, part in [
                    ("fixed3", tf.fixed_size_partitioner(3)),
                    ("fixed_axis_last", tf.fixed_size_partitioner(4, axis=len(dims) - 1)),
                    ("axis_size_1k", tf.variable_axis_size_partitioner(1000)),
                    ("axis_size_max5", tf.variable_axis_size_partitioner(4096, max_shards=5)),
                    ("axis_size_str", tf.variable_axis_size_partitioner(
                        64, bytes_per_string_element=4)),
                    ("min_max", tf.min_max_variable_partitioner(16, min_slice_size=1024)),
                    ("min_max_default", tf.min_max_variable_partitioner(64))]:
                fetches[f"{name}/{dtype.name}/{i}"] = tf.constant(part(shape, dtype=dtype))
    return fetches


def _raw_rnn(emit_given):
    # A greedy decoder as the raw_rnn tutorials write it (the previous output's argmax,
    # embedded, is the next input; rows finish at their lengths), with a loop state.
    def build(tf, np):
        batch, vocab, depth, units = 3, 7, 4, 5
        cell = tf.nn.rnn_cell.LSTMCell(units)
        project = tf.constant(np.cos(np.arange(units * vocab)).reshape(units, vocab)
                              .astype("float32"))
        embeddings = tf.constant(np.sin(np.arange(vocab * depth) * 0.3)
                                 .reshape(vocab, depth).astype("float32"))
        lengths = tf.constant([5, 3, 4])

        def loop_fn(time, output, state, loop_state):
            if state is None:
                first = tf.nn.embedding_lookup(embeddings, tf.fill([batch], 1))
                emit = tf.zeros([vocab]) if emit_given else None
                return (time >= lengths, first, cell.zero_state(batch, tf.float32), emit,
                        tf.constant(0.0))
            finished = time >= lengths
            logits = tf.matmul(output, project)
            following = tf.cond(tf.reduce_all(finished), lambda: tf.zeros([batch, depth]),
                                lambda: tf.nn.embedding_lookup(embeddings,
                                                               tf.argmax(logits, 1)))
            emit = logits if emit_given else output
            return finished, following, state, emit, loop_state + tf.reduce_sum(output)

        emitted, state, total = tf.nn.raw_rnn(cell, loop_fn)
        outputs = emitted.stack()
        variables = tf.trainable_variables()
        loss = tf.reduce_sum(outputs * np.cos(np.arange(5 * batch * outputs.shape[-1].value))
                             .reshape(5, batch, -1).astype("float32")) + total
        grads = tf.gradients(loss, variables)
        fetches = {"outputs": outputs, "c": state.c, "h": state.h, "loop_state": total}
        setup = []
        for i, (variable, grad) in enumerate(zip(variables, grads)):
            fetches[f"d_var{i}"] = grad
            size = int(np.prod(variable.shape.as_list()))
            setup.append(tf.assign(variable, (0.5 * np.sin(np.arange(size) * 0.7 + i))
                                   .reshape(variable.shape.as_list()).astype("float32")))
        return fetches, {}, setup

    return build


def _glimpse(centered, normalized):
    # The image holds integers, the noise (outside the image) practically never: comparing
    # the copied pixels and where they landed leaves the unseeded noise out.
    def build(tf, np):
        image = (np.arange(2 * 9 * 8 * 2) % 97 + 1).reshape(2, 9, 8, 2).astype("float32")
        fetches = {}
        for i, (size, offsets) in enumerate([
                ([3, 4], [[0.0, 0.0], [0.3, -0.45]]), ([5, 5], [[-0.9, 0.8], [0.99, -1.0]]),
                ([12, 3], [[2.0, 3.0], [6.7, -2.2]]), ([4, 6], [[-3.5, 1.5], [8.0, 7.0]])]):
            glimpse = tf.image.extract_glimpse(tf.constant(image), size,
                                               tf.constant(offsets, tf.float32),
                                               centered=centered, normalized=normalized)
            copied = tf.cast(tf.equal(glimpse, tf.round(glimpse)), tf.float32)
            fetches[f"copied_{i}"] = glimpse * copied
            fetches[f"where_{i}"] = copied
        return fetches

    return build


def _distributions(tf, np):
    # tf.distributions' closed forms and shapes (sampled values aside: shapes only).
    tfd = tf.distributions
    out = {}
    x = tf.constant(np.linspace(-3, 3, 7).astype("float32"))
    normal = tfd.Normal(loc=[0.0, 1.0, -2.0, 0.5, 3.0, 0.0, 1.0],
                        scale=[1.0, 2.0, 0.5, 1.5, 1.0, 3.0, 0.1])
    for method in ["log_prob", "prob", "cdf", "log_cdf", "survival_function",
                   "log_survival_function"]:
        out["normal_" + method] = getattr(normal, method)(x)
    out["normal_far_log_cdf"] = tfd.Normal(0.0, 1.0).log_cdf(
        tf.constant([-30.0, -12.0, -9.0, -4.0, 0.0, 4.0, 6.0]))
    out["normal_quantile"] = normal.quantile(tf.constant([0.1, 0.5, 0.9, 0.3, 0.01, 0.99, 0.6]))
    for method in ["entropy", "mean", "stddev", "variance", "mode"]:
        out["normal_" + method] = getattr(normal, method)()
    out["normal_kl"] = tfd.kl_divergence(normal, tfd.Normal(0.5, 1.5))
    bern = tfd.Bernoulli(logits=[-2.0, 0.0, 1.5])
    out["bernoulli_log_prob"] = bern.log_prob([[1, 0, 1], [0, 0, 1]])
    out["bernoulli_prob"] = bern.prob(1)
    out["bernoulli_stats"] = tf.stack([bern.entropy(), bern.mean(), bern.variance()])
    out["bernoulli_mode"] = bern.mode()
    out["bernoulli_kl"] = tfd.kl_divergence(bern, tfd.Bernoulli(probs=[0.3, 0.5, 0.9]))
    cat = tfd.Categorical(logits=[[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    out["categorical_log_prob"] = cat.log_prob([2, 0])
    out["categorical_log_prob_broadcast"] = cat.log_prob([[0], [1]])
    out["categorical_entropy"] = cat.entropy()
    out["categorical_mode"] = cat.mode()
    out["categorical_kl"] = tfd.kl_divergence(
        cat, tfd.Categorical(probs=[[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]]))
    uniform = tfd.Uniform(low=[0.0, -1.0], high=[2.0, 3.0])
    points = tf.constant([[0.5, 3.5], [-0.1, 0.0]])
    out["uniform_prob"] = uniform.prob(points)
    out["uniform_cdf"] = uniform.cdf(points)
    out["uniform_stats"] = tf.stack([uniform.mean(), uniform.variance(), uniform.stddev(),
                                     uniform.entropy()])
    out["sample_shapes"] = tf.concat([tf.shape(normal.sample(4, seed=3)),
                                      tf.shape(bern.sample([2, 3])), tf.shape(cat.sample(5))],
                                     0)
    out["names"] = tf.constant([normal.log_prob(x).name, normal.sample(2).name,
                                bern.mean().name, tfd.Normal(0.0, 1.0, name="prior").name])
    return out


def _signal(tf, np):
    # tf.signal's framing, windows, STFT round trip, DCTs and mel features.
    # Noise, not a pure tone: |stft|'s gradient at near-zero bins would be rounding's.
    x = tf.constant(np.random.default_rng(0).normal(size=(2, 1000)).astype("float32"))
    out = {"frame": tf.signal.frame(x, 64, 32),
           "frame_pad": tf.signal.frame(x, 64, 48, pad_end=True, pad_value=1.5),
           "frame_axis0": tf.signal.frame(tf.transpose(x), 10, 7, axis=0),
           "hann": tf.signal.hann_window(10), "hann_odd": tf.signal.hann_window(7),
           "hann_symmetric": tf.signal.hann_window(9, periodic=False),
           "hamming": tf.signal.hamming_window(12, periodic=False)}
    spectrum = tf.signal.stft(x, 256, 128)
    out["stft_abs"] = tf.abs(spectrum)
    out["stft_padded"] = tf.abs(tf.signal.stft(x, 200, 80, fft_length=300, pad_end=True))
    out["inverse_stft"] = tf.signal.inverse_stft(
        spectrum, 256, 128, window_fn=tf.signal.inverse_stft_window_fn(128))
    out["overlap_and_add"] = tf.signal.overlap_and_add(tf.reshape(x, [2, 10, 100]), 60)
    mel = tf.signal.linear_to_mel_weight_matrix(40, 129, 16000, 20.0, 7600.0)
    out["mel"] = mel
    log_mel = tf.log(tf.tensordot(tf.abs(spectrum), mel, 1) + 1e-6)
    out["mfcc"] = tf.signal.mfccs_from_log_mel_spectrograms(log_mel)[..., :13]
    for kind in (1, 2, 3):
        out[f"dct{kind}"] = tf.signal.dct(x[:, :16], type=kind)
    out["dct2_ortho"] = tf.signal.dct(x[:, :16], type=2, norm="ortho")
    out["idct_ortho"] = tf.signal.idct(out["dct2_ortho"], norm="ortho")
    out["gradient"] = tf.gradients(tf.reduce_sum(out["stft_abs"])
                                   + tf.reduce_sum(out["overlap_and_add"]), x)[0]
    return out


def _gamma_family(tf, np):
    # tf.distributions' Gamma, Exponential, Laplace, StudentT, Beta, Dirichlet: densities,
    # CDFs, entropies, moments (NaN where undefined), KLs, sample shapes, names.
    tfd = tf.distributions
    out = {}
    x = tf.constant([0.3, 1.2, 2.5, 0.05])
    families = [
        ("gamma", tfd.Gamma(concentration=[0.5, 2.0, 3.5, 1.0], rate=[1.0, 0.5, 2.0, 3.0])),
        ("exponential", tfd.Exponential(rate=[0.5, 1.0, 2.0, 4.0])),
        ("laplace", tfd.Laplace(loc=[0.0, 1.0, -1.0, 2.0], scale=[1.0, 0.5, 2.0, 1.5])),
        ("student_t", tfd.StudentT(df=[0.8, 3.0, 5.0, 30.0], loc=[0.0, 1.0, -1.0, 0.5],
                                   scale=[1.0, 2.0, 0.5, 1.0]))]
    for name, dist in families:
        out[name + "_log_prob"] = dist.log_prob(x)
        out[name + "_cdf"] = dist.cdf(x)
        out[name + "_stats"] = tf.stack([dist.entropy(), dist.mean(), dist.variance(),
                                         dist.mode()])
        out[name + "_sample_shape"] = tf.shape(dist.sample([3, 2], seed=1))
    beta = tfd.Beta(concentration1=[0.5, 2.0, 3.0, 1.5], concentration0=[0.5, 3.0, 1.2, 1.0])
    points = tf.constant([0.3, 0.5, 0.9, 0.05])
    out["beta_log_prob"] = beta.log_prob(points)
    out["beta_cdf"] = beta.cdf(points)
    out["beta_stats"] = tf.stack([beta.entropy(), beta.mean(), beta.variance(), beta.mode()])
    dirichlet = tfd.Dirichlet([[1.0, 2.0, 3.0], [0.5, 0.5, 4.0]])
    out["dirichlet_log_prob"] = dirichlet.log_prob(tf.constant([[0.2, 0.3, 0.5],
                                                                [0.1, 0.1, 0.8]]))
    out["dirichlet_entropy"] = dirichlet.entropy()
    out["dirichlet_moments"] = tf.stack([dirichlet.mean(), dirichlet.variance()])
    out["kl_gamma"] = tfd.kl_divergence(families[0][1], tfd.Gamma(1.5, 1.0))
    out["kl_beta"] = tfd.kl_divergence(beta, tfd.Beta(2.0, 2.0))
    out["names"] = tf.constant([families[0][1].log_prob(x).name, families[1][1].name,
                                beta.mean().name, dirichlet.name])
    return out


SESSION9_CASES = [
    Case("session9/distributions_gamma_family", _gamma_family, rtol=1e-5),
    Case("session9/signal", _signal, rtol=1e-4),
    Case("session9/distributions", _distributions),
    Case("session9/extract_glimpse_centered_normalized", _glimpse(True, True)),
    Case("session9/extract_glimpse_centered_pixels", _glimpse(True, False)),
    Case("session9/extract_glimpse_corner_normalized", _glimpse(False, True)),
    Case("session9/extract_glimpse_corner_pixels", _glimpse(False, False)),
    Case("session9/raw_rnn_greedy_decoder", _raw_rnn(False), init=True, rtol=1e-4),
    Case("session9/raw_rnn_emit_structure", _raw_rnn(True), init=True, rtol=1e-4),
    Case("session9/partitioners", _partitioners),
    Case("session9/max_pool_grad_grad_with_argmax_no_cpu_kernel", _grad_grad_with_argmax),
    Case("session9/ctc_beam_default_width", _ctc_beam(100, 1, True, 2.0, 0.0)),
    Case("session9/ctc_beam_narrow_top3", _ctc_beam(4, 3, False, 4.0, 1.0), rtol=1e-5),
    Case("session9/ctc_beam_merge_top2", _ctc_beam(6, 2, True, 5.0, 2.0), rtol=1e-5),
    Case("session9/max_pool_with_argmax_same_2x2", _max_pool_with_argmax(2, 2, "SAME", False)),
    Case("session9/max_pool_with_argmax_valid_3x3_s2_batch_index",
         _max_pool_with_argmax(3, 2, "VALID", True)),
    Case("session9/max_pool_with_argmax_same_overlapping_int32",
         _max_pool_with_argmax(2, 1, "SAME", False, "int32")),
    Case("session9/max_pool_with_argmax_int_input",
         _max_pool_with_argmax(3, 2, "SAME", True, dtype="int32")),
]
