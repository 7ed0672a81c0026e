"""Session 15 (cops): tf.contrib.image.dense_image_warp / interpolate_bilinear,
tf.contrib.resampler, tf.contrib.integrate and tf.contrib.deprecated (TensorFlow 2 has none
of them: values are checked against NumPy transcriptions of TensorFlow 1.15's documented
formulas, gradients by finite differences, the ODE solvers against TensorFlow 1.15's own
test expectations)."""

import numpy as np
import pytest

import smallflow as tf
from smallflow.test import compute_gradient_error


def _run(fetches, feed=None):
    with tf.Session() as sess:
        return sess.run(fetches, feed)


# -- warps ----------------------------------------------------------------------------------

def _bilinear_clamped(image, rows, cols):
    """TensorFlow 1.15's interpolate_bilinear for one image: cell clamped to the grid,
    weights to [0, 1]."""
    height, width = image.shape[:2]
    top = min(max(0, np.floor(rows)), height - 2)
    left = min(max(0, np.floor(cols)), width - 2)
    a_row = min(max(rows - top, 0.0), 1.0)
    a_col = min(max(cols - left, 0.0), 1.0)
    top, left = int(top), int(left)
    upper = image[top, left] * (1 - a_col) + image[top, left + 1] * a_col
    lower = image[top + 1, left] * (1 - a_col) + image[top + 1, left + 1] * a_col
    return upper * (1 - a_row) + lower * a_row


def _warp_reference(image, flow):
    out = np.zeros_like(image)
    for b, j, i in np.ndindex(*image.shape[:3]):
        out[b, j, i] = _bilinear_clamped(image[b], j - flow[b, j, i, 0], i - flow[b, j, i, 1])
    return out


def _resample_reference(data, warp):
    batch, height, width, channels = data.shape
    points = warp.reshape(batch, -1, 2)
    out = np.zeros((batch, points.shape[1], channels))

    def pixel(b, y, x):
        return data[b, y, x] if 0 <= y < height and 0 <= x < width else 0.0

    for b in range(batch):
        for k, (x, y) in enumerate(points[b]):
            if -1 < x < width and -1 < y < height:
                x0, y0 = int(np.floor(x)), int(np.floor(y))
                wx, wy = x0 + 1 - x, y0 + 1 - y
                out[b, k] = (wx * wy * pixel(b, y0, x0) + (1 - wx) * wy * pixel(b, y0, x0 + 1)
                             + wx * (1 - wy) * pixel(b, y0 + 1, x0)
                             + (1 - wx) * (1 - wy) * pixel(b, y0 + 1, x0 + 1))
    return out.reshape(warp.shape[:-1] + (channels,))


def test_dense_image_warp_samples_the_image_at_grid_minus_flow():
    rng = np.random.RandomState(0)
    image = rng.rand(2, 4, 5, 3)
    flow = rng.randn(2, 4, 5, 2) * 1.5  # some points beyond the border: clamped
    warped = tf.contrib.image.dense_image_warp(image, flow)
    assert warped.shape.as_list() == [2, 4, 5, 3]
    assert warped.name.startswith("dense_image_warp/")
    np.testing.assert_allclose(_run(warped), _warp_reference(image, flow), atol=1e-12)
    # whole-pixel flows move pixels: flow (1, 0) reads the row above
    shifted = _run(tf.contrib.image.dense_image_warp(image, np.tile([1.0, 0.0], (2, 4, 5, 1))))
    np.testing.assert_allclose(shifted[:, 1:], image[:, :-1])
    np.testing.assert_allclose(shifted[:, 0], image[:, 0])


def test_dense_image_warp_gradients_for_image_and_flow():
    rng = np.random.RandomState(1)
    image = tf.constant(rng.rand(1, 4, 4, 2))
    flow = tf.constant(rng.uniform(-0.9, 0.9, (1, 4, 4, 2)) + 0.05)
    warped = tf.contrib.image.dense_image_warp(image, flow)
    with tf.Session():
        error = compute_gradient_error([image, flow], [[1, 4, 4, 2], [1, 4, 4, 2]], warped,
                                       [1, 4, 4, 2])
    assert error < 1e-6


def test_interpolate_bilinear_takes_ij_or_xy_points():
    rng = np.random.RandomState(2)
    grid = rng.rand(1, 3, 4, 2)
    points = np.array([[[0.5, 2.25], [1.75, 0.0], [-1.0, 5.0]]])
    ij = _run(tf.contrib.image.interpolate_bilinear(grid, points))
    xy = _run(tf.contrib.image.interpolate_bilinear(grid, points[:, :, ::-1], indexing="xy"))
    want = np.stack([_bilinear_clamped(grid[0], r, c) for r, c in points[0]])[None]
    np.testing.assert_allclose(ij, want)
    np.testing.assert_allclose(xy, want)


@pytest.mark.parametrize(("call", "error", "message"), [
    (lambda: tf.contrib.image.interpolate_bilinear(np.ones((1, 3, 3, 1)), np.ones((1, 2, 2)),
                                                   indexing="yx"), ValueError, "'ij' or 'xy'"),
    (lambda: tf.contrib.image.interpolate_bilinear(np.ones((3, 3, 1)), np.ones((1, 2, 2))),
     ValueError, "Grid must be 4 dimensional"),
])
def test_interpolate_bilinear_refuses_bad_arguments(call, error, message):
    with pytest.raises(error, match=message):
        call()


def test_interpolate_bilinear_needs_two_rows_when_run():
    grid = tf.placeholder(tf.float64, [1, None, 3, 1])
    out = tf.contrib.image.interpolate_bilinear(grid, np.zeros((1, 2, 2)))
    with pytest.raises(tf.errors.InvalidArgumentError, match="Grid height must be at least 2"):
        _run(out, {grid: np.ones((1, 1, 3, 1))})


def test_resampler_reads_zeros_outside_the_image():
    rng = np.random.RandomState(3)
    data = rng.rand(2, 4, 5, 3)
    warp = rng.uniform(-1.5, 5.5, (2, 3, 7, 2))
    sampled = tf.contrib.resampler.resampler(data, warp)
    assert sampled.shape.as_list() == [2, 3, 7, 3]
    np.testing.assert_allclose(_run(sampled), _resample_reference(data, warp), atol=1e-12)
    # a point on a pixel is that pixel; beyond -1 or the size, zero
    exact = _run(tf.contrib.resampler.resampler(data, np.array([[[2.0, 1.0], [-1.0, 0.0]]] * 2)))
    np.testing.assert_allclose(exact[:, 0], data[:, 1, 2])
    np.testing.assert_allclose(exact[:, 1], 0.0)


def test_resampler_gradients_for_data_and_warp():
    rng = np.random.RandomState(4)
    data = tf.constant(rng.rand(2, 3, 4, 2))
    warp = tf.constant(rng.uniform(-0.8, 3.8, (2, 5, 2)))
    sampled = tf.contrib.resampler.resampler(data, warp)
    with tf.Session():
        error = compute_gradient_error([data, warp], [[2, 3, 4, 2], [2, 5, 2]], sampled,
                                       [2, 5, 2])
    assert error < 1e-6


def test_resampler_refuses_mixed_dtypes_and_bad_shapes():
    with pytest.raises(TypeError, match="does not match type float32"):
        tf.contrib.resampler.resampler(np.ones((1, 2, 2, 1), np.float32),
                                       np.ones((1, 2), np.float64))
    with pytest.raises(ValueError, match="data must be 4-D"):
        tf.contrib.resampler.resampler(np.ones((2, 2, 1), np.float32),
                                       np.ones((1, 2), np.float32))
    with pytest.raises(ValueError, match="warp must be"):
        tf.contrib.resampler.resampler(np.ones((1, 2, 2, 1), np.float32),
                                       np.ones((1, 3), np.float32))


# -- ODEs (TensorFlow 1.15's odes_test expectations) ----------------------------------------

_ROTATION = np.array([[0.0, 1.0], [-1.0, 0.0]])


def _rotation(y, t):
    return tf.matmul(tf.constant(_ROTATION), y)


def test_odeint_solves_growth_complex_riccati_and_linear_systems():
    t = np.linspace(0.0, 1.0, 11)
    grown = tf.contrib.integrate.odeint(lambda y, t: y, tf.constant(1.0, tf.float64), t)
    assert "odeint" in grown.name
    assert grown.shape.as_list() == [11]
    k = 1j - 0.1
    spiral = tf.contrib.integrate.odeint(lambda y, t: k * y, 1.0 + 0.0j, t)
    riccati = tf.contrib.integrate.odeint(lambda y, t: (y - t) ** 2 + 1.0, np.float64(0.5), t)
    matrix = tf.constant([[3.0, 4.0], [-4.0, 3.0]], tf.float64)
    linear = tf.contrib.integrate.odeint(lambda y, t: tf.matmul(matrix, y),
                                         tf.constant([[0.0], [1.0]], tf.float64), t)
    values = _run([grown, spiral, riccati, linear])
    np.testing.assert_allclose(values[0], np.exp(t), rtol=1e-6)
    np.testing.assert_allclose(values[1], np.exp(k * t), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(values[2], 1.0 / (2.0 - t) + t, rtol=1e-6, atol=1e-6)
    want = np.stack([np.sin(4 * t) * np.exp(3 * t), np.cos(4 * t) * np.exp(3 * t)], 1)
    np.testing.assert_allclose(values[3][:, :, 0], want, rtol=1e-6, atol=1e-5)


@pytest.mark.parametrize("y_dtype", [tf.float32, tf.float64, tf.complex64, tf.complex128])
@pytest.mark.parametrize("t_dtype", [tf.float32, tf.float64])
def test_odeint_keeps_the_state_dtype(y_dtype, t_dtype):
    t = np.linspace(0.0, 1.0, 11)
    solved = tf.contrib.integrate.odeint(lambda y, t: y, tf.cast(1.0, y_dtype),
                                         tf.cast(t, t_dtype))
    value = _run(solved)
    assert value.dtype == y_dtype.as_numpy_dtype
    np.testing.assert_allclose(value, np.exp(t), rtol=1e-5)


@pytest.mark.parametrize("shape", [(), (1,), (1, 1)])
def test_odeint_keeps_the_state_shape(shape):
    y0 = tf.reshape(tf.constant(1.0, tf.float64), shape)
    solved = tf.contrib.integrate.odeint(lambda y, t: y, y0, np.linspace(0.0, 1.0, 11))
    assert solved.shape.as_list() == [11, *shape]
    assert _run(solved).shape == (11, *shape)


def test_odeint_steps_do_not_depend_on_the_output_times():
    y0 = np.array([[1.0], [0.0]])
    coarse = tf.contrib.integrate.odeint(_rotation, y0, np.linspace(0, 10, 11),
                                         full_output=True)
    fine = tf.contrib.integrate.odeint(_rotation, y0, np.linspace(0, 10, 101),
                                       full_output=True)
    (y0_values, info0), (y1_values, info1) = _run([coarse, fine])
    np.testing.assert_allclose(y0_values, y1_values[::10])
    assert info0["num_func_evals"] == info1["num_func_evals"] == \
        6 * info0["integrate_points"].size + 1
    np.testing.assert_array_equal(info0["integrate_points"], info1["integrate_points"])
    np.testing.assert_array_equal(info0["error_ratio"], info1["error_ratio"])
    # rejected steps (ratio > 1) do not advance: the accepted ends reach the last time
    accepted = info0["integrate_points"][info0["error_ratio"] <= 1]
    assert np.all(np.diff(accepted) > 0)
    assert accepted[-1] >= 10


def test_odeint_has_fifth_order_accuracy():
    options = {"full_output": True, "method": "dopri5", "options": {"max_num_steps": 2000}}
    y0 = np.array([[1.0], [0.0]])
    _, loose = _run(tf.contrib.integrate.odeint(_rotation, y0, [0, 20], rtol=0, atol=1e-6,
                                                **options))
    _, tight = _run(tf.contrib.integrate.odeint(_rotation, y0, [0, 20], rtol=0, atol=1e-9,
                                                **options))
    np.testing.assert_allclose(loose["integrate_points"].size * 1000 ** 0.2,
                               tight["integrate_points"].size, rtol=0.01)


def test_odeint_first_step_and_step_factors():
    y0 = tf.constant(1.0, tf.float64)
    _, info = _run(tf.contrib.integrate.odeint(
        lambda y, t: -y, y0, [0.0, 1.0], method="dopri5", full_output=True,
        options={"first_step": 0.01, "ifactor": 2.0}))
    steps = np.diff(np.concatenate([[0.0], info["integrate_points"]]))
    assert steps[0] == pytest.approx(0.01)
    # each accepted step at most doubles (ifactor 2)
    assert np.all(steps[1:] <= 2 * steps[:-1] * (1 + 1e-12))


def test_odeint_refuses_bad_arguments():
    y0 = np.array([[1.0], [0.0]])
    with pytest.raises(TypeError, match="`y0` must have a floating point"):
        tf.contrib.integrate.odeint(_rotation, tf.cast(y0, tf.int32), [0, 1])
    with pytest.raises(TypeError, match="`t` must have a floating point"):
        tf.contrib.integrate.odeint(_rotation, y0, tf.cast([0, 1], tf.int32))
    with pytest.raises(ValueError, match="cannot supply `options` without"):
        tf.contrib.integrate.odeint(_rotation, y0, [0, 1], options={"first_step": 1.0})
    with pytest.raises(ValueError, match="invalid method: 'rk45'"):
        tf.contrib.integrate.odeint(_rotation, y0, [0, 1], method="rk45")


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"t": [0, 1], "method": "dopri5", "options": {"max_num_steps": 0}}, "max_num_steps"),
    ({"t": [1, 0]}, "monotonic increasing"),
])
def test_odeint_run_time_checks(kwargs, message):
    solved = tf.contrib.integrate.odeint(_rotation, np.array([[1.0], [0.0]]), **kwargs)
    with pytest.raises(tf.errors.InvalidArgumentError, match=message):
        _run(solved)


def test_odeint_is_differentiable():
    rate = tf.constant(0.7, tf.float64)
    y0 = tf.constant(1.5, tf.float64)
    solved = tf.contrib.integrate.odeint(lambda y, t: -rate * y, y0, np.linspace(0, 2, 5))
    grads = _run(tf.gradients(solved[-1], [y0, rate]))
    np.testing.assert_allclose(grads, [np.exp(-1.4), -2 * 1.5 * np.exp(-1.4)], rtol=1e-5)


def _growth_per_step(method, h):
    """What one step multiplies y by for dy/dt = -y."""
    if method == "rk4":
        return 1 - h + h ** 2 / 2 - h ** 3 / 6 + h ** 4 / 24
    return 1 - h + h ** 2 / 2


@pytest.mark.parametrize(("method", "dt", "steps"), [
    ("rk4", 0.1, [10, 5, 15]), ("rk4", None, [1, 1, 1]), ("midpoint", 0.3, [4, 2, 5]),
    ("midpoint", [0.5, 0.01, 0.4], [2, 50, 4]),
])
def test_odeint_fixed_integrates_on_its_grid(method, dt, steps):
    # each interval takes ceil(interval / dt) equal steps
    t = np.array([0.0, 1.0, 1.5, 3.0])
    solved = tf.contrib.integrate.odeint_fixed(lambda y, t: -y, tf.constant(1.0, tf.float64),
                                               t, dt=dt, method=method)
    assert solved.shape.as_list() == [4]
    factors = [_growth_per_step(method, width / n) ** n
               for width, n in zip(np.diff(t), steps, strict=True)]
    np.testing.assert_allclose(_run(solved), np.cumprod([1.0, *factors]), rtol=1e-12)


def test_odeint_fixed_takes_the_steps_of_rk4_and_midpoint():
    # one step of each method on dy/dt = y from y = 1 with h = 0.5
    h = 0.5
    rk4 = 1 + h + h ** 2 / 2 + h ** 3 / 6 + h ** 4 / 24
    midpoint = 1 + h * (1 + h / 2)
    got = _run([tf.contrib.integrate.odeint_fixed(lambda y, t: y, np.float64(1.0), [0.0, h],
                                                  method=method)[-1]
                for method in ("rk4", "midpoint")])
    np.testing.assert_allclose(got, [rk4, midpoint])


def test_odeint_fixed_gradients_and_errors():
    rate = tf.constant(0.7, tf.float64)
    y0 = tf.constant(1.5, tf.float64)
    solved = tf.contrib.integrate.odeint_fixed(lambda y, t: -rate * y, y0, [0.0, 2.0], 0.05)
    grads = _run(tf.gradients(solved[-1], [y0, rate]))
    np.testing.assert_allclose(grads, [np.exp(-1.4), -2 * 1.5 * np.exp(-1.4)], rtol=1e-6)
    with pytest.raises(ValueError, match="method not supported: euler"):
        tf.contrib.integrate.odeint_fixed(lambda y, t: y, 1.0, [0.0, 1.0], method="euler")
    with pytest.raises(tf.errors.InvalidArgumentError, match="monotonic increasing"):
        _run(tf.contrib.integrate.odeint_fixed(lambda y, t: y, 1.0, [1.0, 0.0]))


# -- tf.contrib.deprecated ------------------------------------------------------------------

def _parse(serialized):
    from smallflow import tb_protos

    summary = tb_protos.load().summary_pb2.Summary()
    summary.ParseFromString(serialized)
    return summary


def test_deprecated_summaries_keep_their_tags_and_collect():
    pytest.importorskip("tensorboard")
    deprecated = tf.contrib.deprecated
    rng = np.random.RandomState(5)
    pixels = rng.randint(0, 255, (3, 2, 4, 3)).astype(np.uint8)
    with tf.name_scope("outer"):
        scalars = deprecated.scalar_summary(tf.constant(["x", "y"]), tf.constant([1.0, 2.0]))
        deprecated.image_summary("frames", tf.constant(pixels), max_images=2)
    one = deprecated.image_summary("single", tf.constant(pixels), max_images=1)
    assert scalars.op.name == "outer/ScalarSummary"
    merged = deprecated.merge_all_summaries()
    values = _parse(_run(merged)).value
    assert [v.tag for v in values] == ["x", "y", "frames/image/0", "frames/image/1",
                                       "single/image"]
    assert [v.simple_value for v in values[:2]] == [1.0, 2.0]
    decoded = _run([tf.image.decode_png(v.image.encoded_image_string) for v in values[2:]])
    np.testing.assert_array_equal(decoded[0], pixels[0])
    np.testing.assert_array_equal(decoded[1], pixels[1])
    np.testing.assert_array_equal(decoded[2], pixels[0])
    assert one in tf.get_collection(tf.GraphKeys.SUMMARIES)
    assert deprecated.merge_all_summaries("nothing_here") is None


def test_deprecated_scalar_summary_needs_matching_constant_tags():
    pytest.importorskip("tensorboard")
    with pytest.raises(ValueError, match="must be equal"):
        tf.contrib.deprecated.scalar_summary(["a", "b"], tf.constant([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="known when the graph is built"):
        tf.contrib.deprecated.histogram_summary(tf.placeholder(tf.string), [1.0])


def test_contrib_provides_the_new_namespaces():
    for name in ("deprecated", "integrate", "resampler"):
        assert name in tf.contrib.__all__
        assert hasattr(tf.contrib, name)


# -- splines and sparse warps ---------------------------------------------------------------

@pytest.mark.parametrize("order", [1, 2, 3, 4, 6])
def test_interpolate_spline_passes_through_its_points(order):
    rng = np.random.RandomState(6)
    points = rng.rand(2, 6, 2) * 5
    values = rng.randn(2, 6, 3)
    fitted = tf.contrib.image.interpolate_spline(points, values, points, order)
    np.testing.assert_allclose(_run(fitted), values, atol=1e-9)


def test_interpolate_spline_keeps_linear_functions_and_smooths_with_regularization():
    rng = np.random.RandomState(7)
    points = rng.rand(1, 8, 2) * 4
    queries = rng.rand(1, 5, 2) * 4
    slope = np.array([[1.0], [-2.0]])
    exact = tf.contrib.image.interpolate_spline(points, points @ slope + 0.5, queries, 2)
    np.testing.assert_allclose(_run(exact), queries @ slope + 0.5, atol=1e-9)
    noisy = rng.randn(1, 8, 1)
    smooth = tf.contrib.image.interpolate_spline(points, noisy, points, 2,
                                                 regularization_weight=0.1)
    assert not np.allclose(_run(smooth), noisy)  # no longer through the points
    with pytest.raises(ValueError, match=r"\(k\) must be statically-inferrable"):
        tf.contrib.image.interpolate_spline(points, tf.placeholder(tf.float64), queries, 2)


def test_interpolate_spline_is_differentiable():
    rng = np.random.RandomState(8)
    points = tf.constant(rng.rand(1, 5, 2) * 3)
    values = tf.constant(rng.randn(1, 5, 1))
    queries = tf.constant(rng.rand(1, 3, 2) * 3)
    out = tf.contrib.image.interpolate_spline(points, values, queries, 3)
    # a small step: the spline's second derivatives in the centres are large
    with tf.Session():
        error = compute_gradient_error([points, values, queries], [[1, 5, 2], [1, 5, 1],
                                                                   [1, 3, 2]], out, [1, 3, 1],
                                       delta=1e-5)
    assert error < 1e-6


def test_sparse_image_warp_moves_control_points():
    rng = np.random.RandomState(9)
    image = rng.rand(1, 8, 9, 2)
    sources = np.array([[[2.0, 3.0], [5.0, 6.0], [4.0, 2.0]]])
    destinations = np.array([[[3.0, 4.0], [5.0, 5.0], [4.0, 2.0]]])
    warped, flows = tf.contrib.image.sparse_image_warp(image, sources, destinations,
                                                       num_boundary_points=2)
    assert warped.shape.as_list() == [1, 8, 9, 2]
    assert flows.shape.as_list() == [1, 8, 9, 2]
    warped, flows = _run([warped, flows])
    for (r0, c0), (r1, c1) in zip(sources[0].astype(int), destinations[0].astype(int),
                                  strict=True):
        np.testing.assert_allclose(warped[0, r1, c1], image[0, r0, c0], atol=1e-9)
    # zero flow pinned at the corners and the edges' midpoints
    for row, col in [(0, 0), (0, 8), (7, 0), (7, 8), (0, 4), (7, 4), (3.5, 0)]:
        if float(row).is_integer():
            np.testing.assert_allclose(flows[0, int(row), int(col)], 0.0, atol=1e-9)
    with pytest.raises(ValueError, match="batch, height and width"):
        tf.contrib.image.sparse_image_warp(tf.placeholder(tf.float64, [1, None, 9, 2]),
                                           sources, destinations)


# -- connected components -------------------------------------------------------------------

def _flood_fill_labels(images):
    """Reference labelling: breadth-first flood fill over 4-neighbours of equal value."""
    labels = np.zeros(images.shape, np.int64)
    count = 0
    for start in np.ndindex(*images.shape):
        if images[start] == 0 or labels[start]:
            continue
        count += 1
        labels[start] = count
        queue = [start]
        while queue:
            b, r, c = queue.pop()
            for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                nr, nc = r + dr, c + dc
                if 0 <= nr < images.shape[1] and 0 <= nc < images.shape[2] and \
                        not labels[b, nr, nc] and images[b, nr, nc] == images[b, r, c]:
                    labels[b, nr, nc] = count
                    queue.append((b, nr, nc))
    return labels


def test_connected_components_label_equal_valued_neighbours():
    rng = np.random.RandomState(10)
    images = rng.randint(0, 3, (3, 9, 11)).astype(np.int32)
    images[1] = 0  # an empty image in the batch
    labels = tf.contrib.image.connected_components(images)
    assert labels.dtype == tf.int64
    assert labels.shape.as_list() == [3, 9, 11]
    np.testing.assert_array_equal(_run(labels), _flood_fill_labels(images))
    # a spiral: one component whose pixels are far apart along it
    spiral = np.array([[1, 1, 1, 1], [0, 0, 0, 1], [1, 1, 0, 1], [1, 0, 0, 1],
                       [1, 1, 1, 1]], dtype=bool)
    single = _run(tf.contrib.image.connected_components(spiral))
    np.testing.assert_array_equal(single, spiral.astype(np.int64))


def test_connected_components_needs_rank_2_or_3():
    with pytest.raises(ValueError, match="rank 2 \\(HW\\) or 3 \\(NHW\\)"):
        tf.contrib.image.connected_components(np.ones((1, 2, 2, 1)))
