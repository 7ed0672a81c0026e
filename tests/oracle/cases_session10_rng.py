"""Oracle cases from session 10 (helper rng): the random ops beyond session 9's four draw
TensorFlow's Philox numbers, so their values are compared exactly (two runs each, so the
counter moves are checked too).

Same rules as cases.py: each build is a function of ``tf`` and ``np`` only, and every random
op has an explicit op seed (TensorFlow 2 numbers unseeded ops of a seeded graph with a
counter, TensorFlow 1.x and smallflow with the graph's op count).
"""

from cases import Case


def _shuffle(tf, np):
    tf.set_random_seed(1)
    return {"vector": tf.random_shuffle(tf.range(10), seed=3),
            "rows": tf.random_shuffle(tf.reshape(tf.range(14), [7, 2]), seed=4),
            "long": tf.random_shuffle(tf.range(1000), seed=5),
            "strings": tf.random_shuffle(tf.constant(["a", "b", "c", "d", "e"]), seed=6),
            "one_row": tf.random_shuffle(tf.zeros([1, 3]), seed=7)}


def _multinomial(tf, np):
    tf.set_random_seed(1)
    logits = tf.log([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    grid = tf.constant(np.linspace(-1, 1, 40).reshape(4, 10), tf.float32)
    # 64 rows x 30 samples of 100 classes: TensorFlow splits the rows between its threads
    # and each piece starts its own part of the stream
    wide = tf.constant(np.random.RandomState(0).randn(64, 100), tf.float32)
    non_finite = tf.constant([[0.0, -np.inf, 1.0, np.nan]], tf.float64)
    return {"small": tf.multinomial(logits, 7, seed=6),
            "categorical": tf.random.categorical(grid, 50, seed=7),
            "sharded": tf.multinomial(wide, 30, seed=8, output_dtype=tf.int32),
            "non_finite": tf.multinomial(non_finite, 9, seed=9)}


def _gamma_poisson(tf, np):
    tf.set_random_seed(1)
    return {"gamma": tf.random_gamma([5], [0.5, 1.0, 3.0], seed=9),
            "gamma64": tf.random_gamma([4], 2.5, beta=2.0, dtype=tf.float64, seed=10),
            "gamma_many": tf.random_gamma([300], 0.2, seed=12),
            "poisson": tf.random_poisson([0.5, 3.0, 40.0], [5], seed=11),
            "poisson_int": tf.random_poisson([7.5, 250.0], [200], dtype=tf.int64, seed=13)}


def _candidates(tf, np):
    tf.set_random_seed(1)
    labels = tf.constant([[1, 5], [7, 3], [0, 2]], tf.int64)
    samplers = {
        "log_uniform": tf.nn.log_uniform_candidate_sampler(labels, 2, 10, True, 50, seed=3),
        "log_uniform_repeats": tf.nn.log_uniform_candidate_sampler(labels, 2, 12, False, 1000,
                                                                   seed=4),
        "uniform": tf.nn.uniform_candidate_sampler(labels, 2, 8, True, 20, seed=5),
        "uniform_repeats": tf.nn.uniform_candidate_sampler(labels, 2, 8, False, 9, seed=6),
        "learned": tf.nn.learned_unigram_candidate_sampler(labels, 2, 6, True, 10, seed=7),
        "learned_repeats": tf.nn.learned_unigram_candidate_sampler(labels, 2, 6, False, 16,
                                                                   seed=8),
        "fixed": tf.nn.fixed_unigram_candidate_sampler(
            labels, 2, 5, True, 10, unigrams=[1, 2, 3, 4, 5, 6, 7, 8, 9, 10.5],
            distortion=0.75, seed=9),
        "fixed_shard": tf.nn.fixed_unigram_candidate_sampler(
            labels // 2, 2, 5, False, 6, unigrams=[3, 1, 4, 1, 5, 9, 2, 6, 5, 3],
            num_reserved_ids=2, num_shards=2, shard=0, seed=10),
    }
    fetches = {}
    for name, (sampled, true_expected, sampled_expected) in samplers.items():
        fetches[name] = sampled
        fetches[name + "_true_expected"] = true_expected
        fetches[name + "_sampled_expected"] = sampled_expected
    return fetches


def _sampled_losses(tf, np):
    # word2vec's loss with the tutorial's sampler, seeded, and sampled softmax
    tf.set_random_seed(1)
    rng = np.random.RandomState(3)
    vocabulary, dim, batch = 200, 8, 16
    weights = tf.constant(rng.randn(vocabulary, dim).astype(np.float32) * 0.1)
    biases = tf.constant(rng.randn(vocabulary).astype(np.float32) * 0.1)
    inputs = tf.constant(rng.randn(batch, dim).astype(np.float32))
    labels = tf.constant(rng.randint(0, vocabulary, size=(batch, 1)).astype(np.int64))
    sampled = tf.nn.log_uniform_candidate_sampler(labels, 1, 12, True, vocabulary, seed=5)
    nce = tf.nn.nce_loss(weights, biases, labels, inputs, 12, vocabulary,
                         sampled_values=sampled)
    softmax = tf.nn.sampled_softmax_loss(weights, biases, labels, inputs, 12, vocabulary,
                                         sampled_values=sampled,
                                         remove_accidental_hits=True)
    return {"nce": nce, "sampled_softmax": softmax}


SESSION10_RNG_CASES = [
    Case("session10_rng/random_shuffle", _shuffle, runs=2),
    Case("session10_rng/multinomial", _multinomial, runs=2),
    Case("session10_rng/gamma_poisson", _gamma_poisson, runs=2),
    Case("session10_rng/candidate_samplers", _candidates, runs=2),
    Case("session10_rng/sampled_losses", _sampled_losses, runs=2, rtol=1e-5),
]
