"""Session 10: the vectorised Philox generator and the samplers that consume its stream the way
TensorFlow's CPU kernels do (tests/oracle/cases_session10_rng.py compares the numbers with
TensorFlow's)."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import smallflow as tf
from smallflow.ops import philox, philox_samplers

# -- the generator ------------------------------------------------------------------------------


def _reference_blocks(key, counter, count):
    """Philox4x32-10 one block at a time with Python integers (the published algorithm)."""
    out = []
    for i in range(count):
        value = (counter + i) & ((1 << 128) - 1)
        c = [(value >> (32 * j)) & 0xFFFFFFFF for j in range(4)]
        k0, k1 = key & 0xFFFFFFFF, (key >> 32) & 0xFFFFFFFF
        for _ in range(10):
            p0 = 0xD2511F53 * c[0]
            p1 = 0xCD9E8D57 * c[2]
            c = [(p1 >> 32) ^ c[1] ^ k0, p1 & 0xFFFFFFFF, (p0 >> 32) ^ c[3] ^ k1,
                 p0 & 0xFFFFFFFF]
            k0 = (k0 + 0x9E3779B9) & 0xFFFFFFFF
            k1 = (k1 + 0xBB67AE85) & 0xFFFFFFFF
        out.append(c)
    return np.array(out, dtype=np.uint32)


@settings(max_examples=30, deadline=None)
@given(key=st.integers(0, 2**64 - 1), counter=st.integers(0, 2**128 - 1),
       count=st.integers(1, 9))
def test_vectorised_blocks_match_the_block_at_a_time_algorithm(key, counter, count):
    np.testing.assert_array_equal(philox.philox_blocks(key, counter, count),
                                  _reference_blocks(key, counter, count))


def test_scratch_buffers_do_not_leak_between_draws_of_different_sizes():
    # draws reuse per-size buffers: interleaving sizes must not change any draw
    alone = [philox.normal(philox.PhiloxStream(5, n), n, np.float32) for n in (7, 4000, 7)]
    first = philox.normal(philox.PhiloxStream(5, 7), 7, np.float32)
    philox.uniform(philox.PhiloxStream(9, 1), 4000, np.float32)
    second = philox.normal(philox.PhiloxStream(5, 4000), 4000, np.float32)
    np.testing.assert_array_equal(first, alone[0])
    np.testing.assert_array_equal(second, alone[1])
    assert first.base is None or first.base.size <= 8  # a fresh array, not a scratch view


def _box_muller_angles():
    # every 64th float32 angle Box-Muller can form, plus the quadrant boundaries and tiny
    # angles (where the sine is the angle and the cosine 1)
    mantissas = np.arange(0, 1 << 23, 64, dtype=np.uint32)
    unit = (mantissas | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)
    angles = (2.0 * np.pi * unit.astype(np.float64)).astype(np.float32)
    edges = np.float32(np.pi / 4) * np.arange(9, dtype=np.float32)
    small = np.float32([0.75, 2.0**-12, 1e-6, 0.0])
    return np.concatenate([angles, np.nextafter(edges, 0), edges[:-1],
                           np.nextafter(edges[:-1], 7), small,
                           np.nextafter(small, 1)]).astype(np.float32)


def _ulps(a, b):
    return np.abs(a.view(np.int32).astype(np.int64) - b.view(np.int32).astype(np.int64))


def test_sin_cos_float32_is_within_an_ulp_of_the_exact_value():
    angles = _box_muller_angles()
    sine, cosine = philox.sin_cos_float32(angles)
    wide = angles.astype(np.float64)
    assert _ulps(sine, np.sin(wide).astype(np.float32)).max() <= 1
    assert _ulps(cosine, np.cos(wide).astype(np.float32)).max() <= 1
    unit = np.linspace(1e-7, 1, 100_003, dtype=np.float32)
    assert _ulps(philox.logf(unit), np.log(unit.astype(np.float64)).astype(np.float32)).max() <= 1


def _c_library():
    """The C library's logf/sinf/cosf when it is glibc 2.28 or later (TensorFlow calls them;
    older versions and other libraries compute other last bits)."""
    import ctypes
    import os

    version = os.confstr("CS_GNU_LIBC_VERSION") if hasattr(os, "confstr") else None
    if not version or tuple(int(p) for p in version.split()[1].split(".")[:2]) < (2, 28):
        pytest.skip(f"needs glibc 2.28 or later, found {version}")
    libm = ctypes.CDLL("libm.so.6")
    for name in ("logf", "sinf", "cosf"):
        function = getattr(libm, name)
        function.restype = ctypes.c_float
        function.argtypes = [ctypes.c_float]
    return libm


def test_sin_cos_and_log_float32_are_the_c_library_values_bit_for_bit():
    libm = _c_library()
    angles = _box_muller_angles()[::4]
    sine, cosine = philox.sin_cos_float32(angles)
    np.testing.assert_array_equal(sine, np.float32([libm.sinf(float(a)) for a in angles]))
    np.testing.assert_array_equal(cosine, np.float32([libm.cosf(float(a)) for a in angles]))
    mantissas = np.arange(1, 1 << 23, 97, dtype=np.uint32)
    unit = (mantissas | np.uint32(0x3F800000)).view(np.float32) - np.float32(1)
    unit = np.concatenate([unit, np.float32([1e-7, 0.5, 0.75, np.nextafter(1, 0)])])
    np.testing.assert_array_equal(philox.logf(unit), np.float32([libm.logf(float(u))
                                                                  for u in unit]))


# -- RandomShuffle ------------------------------------------------------------------------------


@settings(max_examples=40, deadline=None)
@given(size=st.integers(0, 300), seed=st.integers(1, 2**31 - 2))
def test_permutation_is_a_permutation_and_moves_the_counter_by_its_words(size, seed):
    stream = philox.PhiloxStream(seed, 7)
    order = philox_samplers.permutation(stream, size)
    assert sorted(order.tolist()) == list(range(size))
    used = -(-(size - 1) // 4) if size > 1 else 0
    assert stream.counter == (7 << 64) + used


def test_permutation_is_fisher_yates_from_the_front_on_the_words():
    stream = philox.PhiloxStream(3, 4)
    drawn = philox.philox_blocks(3, 4 << 64, 3).reshape(-1)[:9]
    expected = list(range(10))
    for i in range(9):
        j = i + int(drawn[i]) % (10 - i)
        expected[i], expected[j] = expected[j], expected[i]
    assert philox_samplers.permutation(stream, 10).tolist() == expected


def test_random_shuffle_draws_nothing_for_at_most_one_element():
    tf.reset_default_graph()
    x = tf.placeholder(tf.float32, [None, None])
    shuffled = tf.random_shuffle(x, seed=1)
    with tf.Session() as sess:
        for value in (np.zeros((1, 3)), np.zeros((4, 0)), np.zeros((0, 2))):
            np.testing.assert_array_equal(sess.run(shuffled, {x: value}), value)
        stream = next(iter(sess._state.random_streams.values()))
        assert stream.counter == (1 << 64)  # seed2 = 1, nothing reserved
        rows = np.arange(8.0).reshape(4, 2)
        assert sorted(sess.run(shuffled, {x: rows})[:, 0].tolist()) == [0, 2, 4, 6]


# -- Multinomial --------------------------------------------------------------------------------


@pytest.mark.parametrize(("total", "cost", "threads", "expected"), [
    (64, 14965, 2, [(start, start + 8) for start in range(0, 64, 8)]),  # 8 blocks of 8
    (2, 50 * 7, 2, [(0, 2)]),  # too cheap for a second thread
    (64, 14965, 1, [(0, 64)]),
    # 6 blocks of 1 keep 4 threads 75% busy, 3 blocks of 2 as much: the coarser is taken
    (6, 10**6, 4, [(0, 2), (2, 4), (4, 6)]),
    # 10 blocks of 1: 83%; 5 blocks of 2 only 62%, and 3 is past twice the size
    (10, 10**6, 4, [(start, start + 1) for start in range(10)]),
])
def test_parallel_for_blocks_follows_eigens_rule(total, cost, threads, expected):
    assert philox_samplers.parallel_for_blocks(total, cost, threads) == expected


def test_multinomial_pieces_start_their_own_part_of_the_stream():
    logits = np.log(np.random.default_rng(0).dirichlet(np.ones(100), size=64)).astype(np.float32)
    one = philox_samplers.multinomial(philox.PhiloxStream(8, 9), logits, 30, np.int64, 1)
    two = philox_samplers.multinomial(philox.PhiloxStream(8, 9), logits, 30, np.int64, 2)
    # the first piece (rows 0-7) reads the same words either way; later pieces skip ahead
    np.testing.assert_array_equal(one[:8], two[:8])
    assert not np.array_equal(one[8:], two[8:])
    assert ((two >= 0) & (two < 100)).all()


def test_multinomial_reserves_two_words_per_sample_rounded_to_four_samples():
    stream = philox.PhiloxStream(1, 0)
    philox_samplers.multinomial(stream, np.zeros((3, 5), np.float32), 6, np.int64, 1)
    assert stream.counter == 3 * 8 * 2 * 256


def test_multinomial_skips_non_finite_logits():
    logits = np.array([[np.nan, 0.0, np.inf, 0.0, -np.inf]], np.float32)
    drawn = philox_samplers.multinomial(philox.PhiloxStream(4, 4), logits, 200, np.int32, 1)
    assert set(np.unique(drawn)) == {1, 3}


def test_multinomial_op_checks_its_inputs_at_run_time():
    tf.reset_default_graph()
    count = tf.placeholder(tf.int32, [])
    drawn = tf.multinomial(tf.zeros([2, 3]), count, seed=1)
    with tf.Session() as sess:
        assert sess.run(drawn, {count: 4}).shape == (2, 4)
        with pytest.raises(tf.errors.InvalidArgumentError, match="non-negative"):
            sess.run(drawn, {count: -1})


# -- RandomGamma and RandomPoisson --------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.3, 1.0, 2.5, 40.0])
def test_gamma_is_the_value_by_value_loop_for_every_output(alpha):
    # the vectorised first try and the one-output loop must agree wherever both apply
    stream = philox.PhiloxStream(5, 6)
    drawn = philox_samplers.gamma(stream, np.float64(alpha), 300, np.float64)
    start = 6 << 64
    alpha64 = np.float64(alpha)
    d = alpha64 + (2 / 3 if alpha < 1 else -1 / 3)
    c = 1 / 3 / np.sqrt(d)
    for output in range(0, 300, 7):
        if alpha == 1.0:
            block = philox.philox_blocks(5, start + 256 * output, 1)[0]
            u = philox._unit_float64(block[2:3], block[3:4])
            expected = -philox_samplers._c_function("log1p", np.float64)(-u)[0]
        else:
            expected = philox_samplers._gamma_one(stream, start, output, alpha64, d, c,
                                                  np.float64)
        assert drawn[output] == expected
    assert stream.counter == start + 300 * 256


def test_gamma_and_poisson_match_their_distributions():
    stream = philox.PhiloxStream(11, 12)
    gammas = philox_samplers.gamma(stream, np.array([0.5, 3.0], np.float32), 20000, np.float32)
    assert gammas.shape == (20000, 2)
    assert gammas.dtype == np.float32
    np.testing.assert_allclose(gammas.mean(axis=0), [0.5, 3.0], rtol=0.04)
    np.testing.assert_allclose(gammas.var(axis=0), [0.5, 3.0], rtol=0.08)
    counts = philox_samplers.poisson(stream, np.array([0.7, 4.0, 25.0, 300.0]), 20000,
                                     np.int64)
    assert counts.dtype == np.int64
    assert (counts >= 0).all()
    np.testing.assert_allclose(counts.mean(axis=0), [0.7, 4.0, 25.0, 300.0], rtol=0.03)
    np.testing.assert_allclose(counts.var(axis=0), [0.7, 4.0, 25.0, 300.0], rtol=0.08)


def test_each_gamma_and_poisson_output_has_its_own_part_of_the_stream():
    short = philox_samplers.poisson(philox.PhiloxStream(3, 3), np.array([2.0, 50.0]), 10,
                                    np.float32)
    # output (rate r, sample j) is number r * num_samples + j: with one rate, a longer run
    # starts the same way
    single = philox_samplers.poisson(philox.PhiloxStream(3, 3), np.array([2.0]), 40, np.float32)
    np.testing.assert_array_equal(short[:, 0], single[:10, 0])


def test_random_gamma_op_never_returns_zero_and_scales_by_beta():
    tf.reset_default_graph()
    tiny = tf.random_gamma([2000], 0.01, seed=1)
    scaled = tf.random_gamma([3], 2.0, beta=4.0, seed=2)
    unscaled = tf.random_gamma([3], 2.0, seed=2)
    with tf.Session() as sess:
        values = sess.run(tiny)
        assert values.min() >= np.finfo(np.float32).tiny
        a, b = sess.run([scaled, unscaled])
    np.testing.assert_allclose(a * 4, b, rtol=1e-6)


# -- candidate samplers -------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["log_uniform", "uniform", "learned", "unigram"])
@pytest.mark.parametrize("unique", [True, False])
def test_candidate_sampler_reserves_2048_words_per_candidate(kind, unique):
    weights = np.arange(1, 31, dtype=np.float32) if kind == "unigram" else None
    sampler = philox_samplers.RangeSampler(kind, 30, weights)
    stream = philox.PhiloxStream(2, 5)
    sampled, true_expected, sampled_expected = sampler.sample(
        stream, 12, unique, np.array([[1, 2], [3, 29]]))
    assert stream.counter == (5 << 64) + 512 * 12
    assert sampled.dtype == np.int64
    assert ((sampled >= 0) & (sampled < 30)).all()
    if unique:
        assert len(set(sampled.tolist())) == 12
    assert true_expected.shape == (2, 2)
    assert true_expected.dtype == np.float32
    assert sampled_expected.shape == (12,)
    assert (sampled_expected > 0).all()


def test_log_uniform_sampler_reads_double_pairs_in_order():
    sampler = philox_samplers.RangeSampler("log_uniform", 1000)
    sampled, _, expected = sampler.sample(philox.PhiloxStream(4, 4), 6, False, np.zeros((1, 1)))
    words = philox.philox_blocks(4, 4 << 64, 3).reshape(-1)
    doubles = philox._unit_float64(words[0::2], words[1::2])
    values = (np.exp(doubles * np.log1p(1000)).astype(np.int64) - 1) % 1000
    np.testing.assert_array_equal(sampled, values)
    probability = np.log((values + 2.0) / (values + 1.0)) / np.log1p(1000)
    np.testing.assert_array_equal(expected, probability.astype(np.float32) * np.float32(6))


def test_alias_table_draws_the_fixed_distribution():
    weights = np.array([0.0, 1.0, 2.0, 5.0, 0.5, 1.5], np.float32)
    sampler = philox_samplers.RangeSampler("unigram", 6, weights)
    sampled, _, _ = sampler.sample(philox.PhiloxStream(9, 9), 30000, False, np.zeros((1, 1)))
    frequencies = np.bincount(sampled, minlength=6) / 30000
    np.testing.assert_allclose(frequencies, weights / weights.sum(), atol=0.01)
    assert frequencies[0] == 0


def test_learned_sampler_counts_the_true_classes_between_runs():
    sampler = philox_samplers.RangeSampler("learned", 5)
    stream = philox.PhiloxStream(1, 1)
    _, before, _ = sampler.sample(stream, 3, False, np.array([[2], [2], [4]]))
    np.testing.assert_array_equal(sampler.counts, [1, 1, 3, 1, 2])
    _, after, _ = sampler.sample(stream, 3, False, np.array([[2], [2], [4]]))
    np.testing.assert_allclose(before.ravel(), [3 / 5] * 3)  # p = 1/5, three candidates
    np.testing.assert_allclose(after.ravel(), [9 / 8, 9 / 8, 6 / 8])


def test_fixed_unigram_sampler_keeps_only_its_shard():
    tf.reset_default_graph()
    labels = tf.constant([[0], [5]], tf.int64)
    sampled, true_expected, _ = tf.nn.fixed_unigram_candidate_sampler(
        labels, 1, 200, False, 6, unigrams=[3, 1, 4, 1, 5, 9, 2, 6, 5, 3], num_reserved_ids=2,
        num_shards=2, shard=0, seed=1)
    with tf.Session() as sess:
        drawn, expected = sess.run([sampled, true_expected])
    # reserved id 0 is this shard's (weight 0); the unigrams continue at id 1 (TensorFlow
    # numbers them from the weights kept so far), so ids 2, 4, 6, 8, 10 are this shard's:
    # weights 0, 1, 1, 9, 6, 3
    assert 0 not in drawn
    assert set(drawn.tolist()) <= set(range(1, 6))
    np.testing.assert_allclose(expected.ravel(), [0.0, 3 / 20 * 200], rtol=1e-6)
    with pytest.raises(ValueError, match="must be equal to weights size 6"):
        tf.nn.fixed_unigram_candidate_sampler(labels, 1, 2, False, 12, unigrams=[1] * 10,
                                              num_reserved_ids=2, num_shards=2)


def test_candidate_sampler_rejects_true_classes_out_of_range():
    tf.reset_default_graph()
    labels = tf.placeholder(tf.int64, [None, 1])
    sampled = tf.nn.uniform_candidate_sampler(labels, 1, 2, True, 10, seed=1)[0]
    with tf.Session() as sess, pytest.raises(tf.errors.InvalidArgumentError,
                                              match=r"out of range \[0, 10\), received 10"):
        sess.run(sampled, {labels: [[10]]})


# -- tf.image ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("flip", "axis"), [("random_flip_left_right", 2),
                                            ("random_flip_up_down", 1)])
def test_a_batch_flips_the_images_whose_uniform_rounds_to_one(flip, axis):
    # TensorFlow flips image i of a batch when round(u_i) == 1 (u > 0.5); a single image
    # when u < 0.5. The op's uniform is the same stream as a twin draw with its seeds.
    images = np.random.default_rng(0).random((16, 3, 4, 1)).astype(np.float32)
    tf.reset_default_graph()
    tf.set_random_seed(1)
    flipped = getattr(tf.image, flip)(tf.constant(images), seed=10)
    twin = tf.random_uniform([16], seed=10)
    with tf.Session() as sess:
        got, uniform = sess.run([flipped, twin])
    assert 0 < (uniform > 0.5).sum() < 16
    for image, original, u in zip(got, images, uniform, strict=True):
        np.testing.assert_array_equal(image, np.flip(original, axis - 1) if u > 0.5
                                      else original)


# -- queues and input producers -----------------------------------------------------------------


def test_random_shuffle_queue_takes_word_mod_size_and_moves_the_last_in():
    tf.reset_default_graph()
    queue = tf.RandomShuffleQueue(50, 0, [tf.int32], shapes=[[]], seed=7)
    enqueue = queue.enqueue_many([tf.range(20)])
    dequeue = queue.dequeue_many(20)
    seed, seed2 = tf.random.get_seed(7)  # no graph seed: TensorFlow's default one
    with tf.Session() as sess:
        sess.run(enqueue)
        got = sess.run(dequeue)
    words = philox.philox_blocks(seed, seed2 << 64, 5).reshape(-1)
    elements, expected = list(range(20)), []
    for word in words[:20]:
        index = int(word) % len(elements)
        expected.append(elements[index])
        elements[index] = elements[-1]
        elements.pop()
    assert got.tolist() == expected


def test_input_producers_shuffle_with_a_random_shuffle_op_per_epoch():
    tf.reset_default_graph()
    tf.set_random_seed(1)
    names = [f"f{i}" for i in range(7)]
    queue = tf.train.string_input_producer(names, seed=3, num_epochs=2)
    assert "RandomShuffle" in {op.type for op in tf.get_default_graph().get_operations()}
    twin = tf.random_shuffle(tf.constant(names), seed=3)  # the same seeds: the same stream
    drawn = queue.dequeue_many(14)
    with tf.Session() as sess:
        sess.run(tf.local_variables_initializer())
        coord = tf.train.Coordinator()
        threads = tf.train.start_queue_runners(sess, coord)
        got = [name.decode() for name in sess.run(drawn)]
        coord.request_stop()
        coord.join(threads)
        epochs = [[name.decode() for name in sess.run(twin)] for _ in range(2)]
    assert got == epochs[0] + epochs[1]


# -- Dataset.shuffle ----------------------------------------------------------------------------


def _ring_shuffle(values, size, words):
    """TensorFlow's shuffle buffer, written out: a ring of ``size``; emit the element
    ``word % count`` past the oldest and move the oldest into its slot."""
    ring, start, end, out, source = [None] * size, 0, 0, [], iter(values)
    while True:
        for value in source:
            ring[end % size] = value
            end += 1
            if end - start == size:
                break
        if end == start:
            return out
        chosen = (start + int(words.take(1)[0]) % (end - start)) % size
        out.append(ring[chosen])
        ring[chosen] = ring[start % size]
        start += 1


def _words(seed, seed2):
    stream = philox.PhiloxStream(seed, seed2)
    return philox_samplers.WordReader(stream, stream.counter)


@pytest.mark.parametrize("reshuffle", [True, False])
def test_dataset_shuffle_is_tensorflows_ring_buffer_on_its_seeds(reshuffle):
    tf.reset_default_graph()
    tf.set_random_seed(1)
    dataset = tf.data.Dataset.range(23).shuffle(6, seed=3,
                                                reshuffle_each_iteration=reshuffle).repeat(3)
    iterator = tf.data.make_initializable_iterator(dataset)
    element = iterator.get_next()
    runs = []
    with tf.Session() as sess:
        for _ in range(2):  # initialising again starts the seed sequence again
            sess.run(iterator.initializer)
            runs.append([int(sess.run(element)) for _ in range(69)])
    seeds = _words(1, 3)
    expected = []
    for _ in range(3):
        pass_seeds = [int(word) for word in seeds.take(2)] if reshuffle else [1, 3]
        expected += _ring_shuffle(range(23), 6, _words(*pass_seeds))
    assert runs[0] == expected
    assert runs[1] == expected
    assert (runs[0][:23] == runs[0][23:46]) is not reshuffle


# -- stateless ops ------------------------------------------------------------------------------


def test_stateless_ops_draw_from_the_scrambled_seed():
    # GenerateKey: counter = the two seeds as 64-bit words, one block under a fixed key;
    # its words 0-1 are the key, 2-3 the upper counter half of the op's generator
    seed = [5, -6]
    block = _reference_blocks(0x02461E293EC8F720, 5 | ((-6) & (2**64 - 1)) << 64, 1)[0]
    stream = philox.PhiloxStream(int(block[0]) | int(block[1]) << 32,
                                 int(block[2]) | int(block[3]) << 32)
    expected = philox.uniform(stream, 6, np.float32)
    tf.reset_default_graph()
    drawn = tf.random.stateless_uniform([2, 3], seed=tf.constant(seed, tf.int64))
    with tf.Session() as sess:
        first, again = sess.run(drawn), sess.run(drawn)
    np.testing.assert_array_equal(first.ravel(), expected)
    np.testing.assert_array_equal(again, first)


def test_eager_loops_over_a_reshuffling_dataset_go_on_with_its_seed_sequence():
    # TensorFlow 2: the seed generator lives with the dataset, so the second loop is the
    # second pass of a repeat (conftest returns to graph mode afterwards)
    tf.enable_eager_execution()
    tf.set_random_seed(1)
    dataset = tf.data.Dataset.range(10).shuffle(5, seed=3)
    loops = [[int(x) for x in dataset] for _ in range(2)]
    repeated = [int(x) for x in tf.data.Dataset.range(10).shuffle(5, seed=3).repeat(2)]
    assert loops[0] + loops[1] == repeated
    assert loops[0] != loops[1]


def test_random_dataset_is_its_seeds_philox_words_from_the_start_each_pass():
    tf.reset_default_graph()
    tf.set_random_seed(1)
    dataset = tf.data.experimental.RandomDataset(seed=3).take(5).repeat(2).batch(10)
    with tf.Session() as sess:
        got = sess.run(tf.data.make_one_shot_iterator(dataset).get_next())
    words = _words(1, 3).take(5).astype(np.int64)
    np.testing.assert_array_equal(got, np.concatenate([words, words]))
