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
            # alpha 1: -log1p(-u), glibc's (NumPy's log1p differs in the last bit for ~7%)
            "exponential": tf.random_gamma([2000], 1.0, dtype=tf.float64, seed=14),
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


def _image_ops(tf, np):
    # tf.image's random ops are seeded uniform draws; float arithmetic after them (hue,
    # saturation, contrast) may differ by an ulp, hence the case's tolerance
    tf.set_random_seed(1)
    image = tf.constant(np.random.RandomState(0).rand(6, 5, 3).astype(np.float32))
    batch = tf.constant(np.random.RandomState(1).rand(4, 6, 5, 3).astype(np.float32))
    return {"flip_lr": tf.image.random_flip_left_right(image, seed=2),
            "flip_ud": tf.image.random_flip_up_down(image, seed=3),
            "brightness": tf.image.random_brightness(image, 0.3, seed=4),
            "contrast": tf.image.random_contrast(image, 0.2, 1.8, seed=5),
            "hue": tf.image.random_hue(image, 0.2, seed=6),
            "saturation": tf.image.random_saturation(image, 0.5, 1.5, seed=7),
            "crop": tf.random_crop(image, [3, 4, 3], seed=8),
            "crop_batch": tf.image.random_crop(batch, [4, 3, 3, 3], seed=9),
            "flip_batch_lr": tf.image.random_flip_left_right(batch, seed=10),
            "flip_batch_ud": tf.image.random_flip_up_down(batch, seed=11)}


def _initializers(tf, np):
    # TF1's initializers (and tf.keras's v1 ones, the runner's legacy Keras) are stateful
    # random ops: fresh values on every run of the same tensor
    tf.set_random_seed(1)
    initializers = {
        "glorot_uniform": tf.glorot_uniform_initializer(seed=1),
        "glorot_normal": tf.glorot_normal_initializer(seed=2),
        "he_normal": tf.keras.initializers.he_normal(seed=3),
        "variance_scaling_uniform": tf.variance_scaling_initializer(2.0, "fan_in", "uniform",
                                                                    seed=4),
        "variance_scaling": tf.variance_scaling_initializer(seed=5),
        "orthogonal": tf.orthogonal_initializer(seed=6),
        "orthogonal_wide": tf.orthogonal_initializer(gain=2.0, seed=7),
        "keras_glorot_uniform": tf.keras.initializers.glorot_uniform(seed=8),
        "keras_truncated_normal": tf.keras.initializers.TruncatedNormal(stddev=0.1, seed=9),
        "keras_random_uniform": tf.keras.initializers.RandomUniform(-1, 1, seed=10),
        "keras_random_normal": tf.keras.initializers.RandomNormal(seed=11),
        "keras_orthogonal": tf.keras.initializers.Orthogonal(seed=12),
    }
    shapes = {"orthogonal": [4, 3], "orthogonal_wide": [3, 5], "keras_orthogonal": [3, 3]}
    return {name: initializer(shapes.get(name, [4, 5]))
            for name, initializer in initializers.items()}


def _queues(tf, np):
    # a RandomShuffleQueue filled and drained by the main thread (no runner threads, whose
    # timing would decide what is in the queue at each dequeue, in TensorFlow as here)
    tf.set_random_seed(1)
    queue = tf.RandomShuffleQueue(100, 5, [tf.int32], shapes=[[]], seed=7)
    with tf.control_dependencies([queue.enqueue_many([tf.range(40)])]):
        first = queue.dequeue_many(12)
    with tf.control_dependencies([first]):
        rest = queue.dequeue_many(12)
    return {"first": first, "rest": rest}


def _dataset_shuffle(tf, np):
    # the shuffle buffer is TensorFlow's ring; each pass of a reshuffling shuffle draws its
    # seeds from a generator keyed by the dataset's seeds
    tf.set_random_seed(1)
    reshuffled = tf.data.Dataset.range(30).shuffle(7, seed=3).repeat(3).batch(90)
    fixed = tf.data.Dataset.range(30).shuffle(
        4, seed=4, reshuffle_each_iteration=False).repeat(2).batch(60)
    big_buffer = tf.data.Dataset.range(12).shuffle(1000, seed=5).batch(12)
    pairs = tf.data.Dataset.from_tensor_slices(
        (np.arange(9), np.arange(9) * 1.5)).shuffle(3, seed=6).batch(9)
    fetches = {name: tf.data.make_one_shot_iterator(dataset).get_next()
               for name, dataset in [("reshuffled", reshuffled), ("fixed", fixed),
                                     ("big_buffer", big_buffer)]}
    fetches["pairs_index"], fetches["pairs_value"] = (
        tf.data.make_one_shot_iterator(pairs).get_next())
    # RandomDataset: the words of its seeds' Philox stream, again from the first each pass
    words = tf.data.experimental.RandomDataset(seed=3).take(6).repeat(2).batch(12)
    fetches["random_dataset"] = tf.data.make_one_shot_iterator(words).get_next()
    return fetches


def _stateless(tf, np):
    # the seed scrambled into a key and counter as TensorFlow's GenerateKey, then the same
    # distributions as the stateful ops (normals within an ulp: float32 log, see sweep9f)
    logits = tf.log([[0.1, 0.2, 0.7], [0.5, 0.25, 0.25]])
    return {
        "uniform": tf.random.stateless_uniform([7], seed=[1, 2]),
        "uniform64": tf.random.stateless_uniform([5], seed=tf.constant([3, -4], tf.int64),
                                                 dtype=tf.float64),
        "uniform_range": tf.random.stateless_uniform([6], seed=[5, 6], minval=-2.0,
                                                     maxval=3.0),
        "normal": tf.random.stateless_normal([1001], seed=[7, 8]),
        "truncated": tf.random.stateless_truncated_normal([999], seed=[9, 10]),
        "int32": tf.random.stateless_uniform([9], seed=[11, 12], minval=-5, maxval=17,
                                             dtype=tf.int32),
        "int64": tf.random.stateless_uniform([5], seed=[13, 14], minval=-5, maxval=1 << 40,
                                             dtype=tf.int64),
        "categorical": tf.random.stateless_categorical(logits, 9, seed=[15, 16]),
        "negative_seed": tf.random.stateless_uniform([4], seed=[-1, 2**31 - 1]),
    }


SESSION10_RNG_CASES = [
    Case("session10_rng/random_shuffle", _shuffle, runs=2),
    Case("session10_rng/multinomial", _multinomial, runs=2),
    Case("session10_rng/gamma_poisson", _gamma_poisson, runs=2),
    Case("session10_rng/candidate_samplers", _candidates, runs=2),
    Case("session10_rng/sampled_losses", _sampled_losses, runs=2, rtol=1e-5),
    Case("session10_rng/image_random_ops", _image_ops, runs=2, rtol=1e-5),
    Case("session10_rng/initializers", _initializers, runs=2, rtol=1e-5),
    Case("session10_rng/random_shuffle_queue", _queues, runs=2),
    Case("session10_rng/dataset_shuffle", _dataset_shuffle),
    Case("session10_rng/stateless", _stateless, rtol=1e-6),
]
