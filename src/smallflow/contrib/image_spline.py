"""``tf.contrib.image.interpolate_spline`` (polyharmonic splines) and ``sparse_image_warp``
(an image warped so that control points move from their sources to their destinations).

The spline ``f(x) = sum_i w_i phi(|x - c_i|) + v^T [x, 1]`` is fitted, as in TensorFlow 1.15,
by one ``matrix_solve`` of the system ``[[A + lambda I, B], [B^T, 0]] [w; v] = [f; 0]``
with ``A = phi(|c_i - c_j|)`` and ``B = [c, 1]``; ``phi`` of the squared distance ``r`` is
``sqrt(r)`` (order 1), ``r log(r) / 2`` (2, the thin-plate spline), ``r^2 log(r) / 2`` (4),
``r^(k/2) log(r) / 2`` (other even k) or ``r^(k/2)`` (odd k), ``r`` kept above 1e-10 so
logarithms and square roots (and their gradients) stay finite. Everything is a composite of
graph ops, so the result is differentiable in the points and values.

``sparse_image_warp`` interpolates the control points' displacements into a dense flow at
every pixel (optionally pinning zero-flow points along the border) and applies
``dense_image_warp``; it needs the image's batch, height and width when the graph is built.
"""

import numpy as np

__all__ = ["interpolate_spline", "sparse_image_warp"]

_EPSILON = 1e-10


def _phi(tf, r, order):
    if order == 1:
        return tf.sqrt(tf.maximum(r, _EPSILON))
    if order == 2:
        return 0.5 * r * tf.log(tf.maximum(r, _EPSILON))
    if order == 4:
        return 0.5 * tf.square(r) * tf.log(tf.maximum(r, _EPSILON))
    r = tf.maximum(r, _EPSILON)
    if order % 2 == 0:
        return 0.5 * tf.pow(r, 0.5 * order) * tf.log(r)
    return tf.pow(r, 0.5 * order)


def _squared_distances(tf, x, y):
    """``|x_i - y_j|^2`` for batches of rows: [b, n, d], [b, m, d] -> [b, n, m]."""
    x_norms = tf.expand_dims(tf.reduce_sum(tf.square(x), 2), 2)
    y_norms = tf.expand_dims(tf.reduce_sum(tf.square(y), 2), 1)
    return x_norms - 2 * tf.matmul(x, y, adjoint_b=True) + y_norms


def interpolate_spline(train_points, train_values, query_points, order,
                       regularization_weight=0.0, name="interpolate_spline"):
    """The polyharmonic spline through ``train_values`` [b, n, k] at ``train_points``
    [b, n, d], evaluated at ``query_points`` [b, m, d]: a [b, m, k] tensor. ``d`` and ``k``
    must be known when the graph is built."""
    import smallflow as tf

    with tf.name_scope(name):
        centers = tf.convert_to_tensor(train_points, name="train_points")
        values = tf.convert_to_tensor(train_values, name="train_values")
        queries = tf.convert_to_tensor(query_points, name="query_points")
        if centers.shape.ndims is None or centers.shape[-1].value is None:
            raise ValueError("The dimensionality of the input points (d) must be "
                             "statically-inferrable.")
        if values.shape.ndims is None or values.shape[-1].value is None:
            raise ValueError("The dimensionality of the output values (k) must be "
                             "statically-inferrable.")
        d = centers.shape[-1].value
        k = values.shape[-1].value
        dims = tf.shape(centers)
        batch, n = dims[0], dims[1]
        dtype = centers.dtype
        with tf.name_scope("solve"):
            matrix_a = _phi(tf, _squared_distances(tf, centers, centers), order)
            if regularization_weight > 0:
                matrix_a += regularization_weight * tf.expand_dims(tf.eye(n, dtype=dtype), 0)
            matrix_b = tf.concat([centers, tf.ones_like(centers[..., :1])], 2)
            left = tf.concat([matrix_a, tf.transpose(matrix_b, [0, 2, 1])], 1)
            right = tf.concat([matrix_b, tf.zeros(tf.stack([batch, d + 1, d + 1]), dtype)], 1)
            lhs = tf.concat([left, right], 2)
            rhs = tf.concat([values, tf.zeros(tf.stack([batch, d + 1, k]), dtype)], 1)
            solution = tf.matrix_solve(lhs, rhs)
            w = solution[:, :n, :]
            v = solution[:, n:, :]
        with tf.name_scope("predict"):
            rbf = tf.matmul(_phi(tf, _squared_distances(tf, queries, centers), order), w)
            padded = tf.concat([queries, tf.ones_like(queries[..., :1])], 2)
            return rbf + tf.matmul(padded, v)


def _boundary_points(height, width, per_edge):
    """Evenly spaced (row, col) points on the image's border, corners included."""
    rows, cols = np.meshgrid(np.linspace(0, height - 1, per_edge + 2),
                             np.linspace(0, width - 1, per_edge + 2), indexing="ij")
    on_edge = (cols == 0) | (cols == width - 1) | (rows == 0) | (rows == height - 1)
    return np.stack([rows[on_edge], cols[on_edge]], axis=-1)


def sparse_image_warp(image, source_control_point_locations, dest_control_point_locations,
                      interpolation_order=2, regularization_weight=0.0, num_boundary_points=0,
                      name="sparse_image_warp"):
    """Warp ``image`` so each source control point [b, t, (row, col)] moves to its
    destination: ``(warped_image, dense_flows)``. ``num_boundary_points`` n > 0 pins zero
    flow at the corners and n - 1 points along each edge."""
    import smallflow as tf

    from .image_warp import dense_image_warp

    image = tf.convert_to_tensor(image, name="image")
    sources = tf.convert_to_tensor(source_control_point_locations)
    destinations = tf.convert_to_tensor(dest_control_point_locations)
    flows = destinations - sources
    with tf.name_scope(name):
        shape = image.shape.as_list() if image.shape.ndims == 4 else None
        if shape is None or any(s is None for s in shape[:3]):
            raise ValueError(f"sparse_image_warp needs the image's batch, height and width "
                             f"when the graph is built, got shape {image.shape}")
        batch, height, width, _ = shape
        rows, cols = np.meshgrid(np.arange(height), np.arange(width), indexing="ij")
        grid = np.stack([rows, cols], -1).reshape(1, height * width, 2)
        grid = tf.constant(np.tile(grid, (batch, 1, 1)), image.dtype)
        if num_boundary_points > 0:
            border = _boundary_points(height, width, num_boundary_points - 1)
            border = np.tile(border[None], (batch, 1, 1))
            destinations = tf.concat(
                [destinations, tf.constant(border, destinations.dtype)], 1)
            flows = tf.concat([flows, tf.zeros(border.shape, flows.dtype)], 1)
        dense = interpolate_spline(destinations, flows, grid, interpolation_order,
                                   regularization_weight)
        dense = tf.reshape(dense, [batch, height, width, 2])
        return dense_image_warp(image, dense), dense
