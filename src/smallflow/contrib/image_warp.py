"""Warping images by per-point coordinates: ``tf.contrib.image.dense_image_warp`` and
``interpolate_bilinear`` (optical flow programs), ``tf.contrib.resampler.resampler``
(spatial transformer networks).

Both are bilinear interpolations written as composites of gathers and element-wise ops, so
their gradients with respect to the image and to the coordinates are those of the ops
(the coordinates' floor is constant; the interpolation weights carry the gradient).
They differ at the border, as in TensorFlow 1.15:

- ``interpolate_bilinear`` clamps: a query outside the grid takes the nearest border
  values (its cell is clamped to the grid and its weights to [0, 1]); queries are (row,
  column) pairs, or (x, y) with ``indexing='xy'``;
- ``resampler`` reads zeros outside the image: a point (x, y) with ``-1 < x < width`` and
  ``-1 < y < height`` mixes its four neighbours, a missing neighbour counting as zero, and
  any other point gives zero (with zero gradients).
"""

__all__ = ["dense_image_warp", "interpolate_bilinear", "resampler"]

_INT32_MAX = 2**31 - 1


def interpolate_bilinear(grid, query_points, name="interpolate_bilinear", indexing="ij"):
    """Values of ``grid`` [batch, height, width, channels] at ``query_points`` [batch, n, 2]
    (as MATLAB's interp2): a [batch, n, channels] tensor of the grid's dtype."""
    import smallflow as tf

    if indexing not in ("ij", "xy"):
        raise ValueError("Indexing mode must be 'ij' or 'xy'")
    with tf.name_scope(name):
        grid = tf.convert_to_tensor(grid, name="grid")
        query_points = tf.convert_to_tensor(query_points, name="query_points")
        if grid.shape.ndims != 4:
            raise ValueError(f"Grid must be 4 dimensional. Received size: {grid.shape}")
        if query_points.shape.ndims not in (None, 3):
            raise ValueError(f"Query points must be 3 dimensional, got shape "
                             f"{query_points.shape}")
        dims = tf.shape(grid)
        batch, height, width, channels = dims[0], dims[1], dims[2], dims[3]
        checks = [tf.assert_equal(tf.shape(query_points)[2], 2,
                                  message="Query points must be size 2 in dim 2."),
                  tf.assert_greater_equal(height, 2, message="Grid height must be at least 2"),
                  tf.assert_greater_equal(width, 2, message="Grid width must be at least2")]
        with tf.control_dependencies(checks):
            num_queries = tf.shape(query_points)[1]
        coordinates = tf.unstack(query_points, num=2, axis=2)
        if indexing == "xy":
            coordinates = coordinates[::-1]
        floors, alphas = [], []
        for queries, size in zip(coordinates, (height, width), strict=True):
            # the cell's corner stays at most size - 2, so corner + 1 is on the grid
            top = tf.cast(size - 2, query_points.dtype)
            floor = tf.minimum(tf.maximum(tf.zeros([], query_points.dtype),
                                          tf.floor(queries)), top)
            floors.append(tf.cast(floor, tf.int32))
            alpha = tf.cast(queries - floor, grid.dtype)
            alpha = tf.minimum(tf.maximum(tf.zeros([], grid.dtype), alpha),
                               tf.ones([], grid.dtype))
            alphas.append(tf.expand_dims(alpha, 2))
        flat = tf.reshape(grid, [-1, channels])
        offsets = tf.reshape(tf.range(batch) * height * width, [-1, 1])

        def corner(rows, cols):
            values = tf.gather(flat, offsets + rows * width + cols)
            return tf.reshape(values, [batch, num_queries, channels])

        row, col = floors
        top_left = corner(row, col)
        top_right = corner(row, col + 1)
        bottom_left = corner(row + 1, col)
        bottom_right = corner(row + 1, col + 1)
        upper = alphas[1] * (top_right - top_left) + top_left
        lower = alphas[1] * (bottom_right - bottom_left) + bottom_left
        return alphas[0] * (lower - upper) + upper


def dense_image_warp(image, flow, name="dense_image_warp"):
    """``image`` [batch, height, width, channels] resampled at ``grid - flow``:
    ``output[b, j, i] = image[b, j - flow[b, j, i, 0], i - flow[b, j, i, 1]]`` (bilinear,
    border values outside the image)."""
    import smallflow as tf

    with tf.name_scope(name):
        image = tf.convert_to_tensor(image, name="image")
        flow = tf.convert_to_tensor(flow, name="flow")
        dims = tf.shape(image)
        batch, height, width, channels = dims[0], dims[1], dims[2], dims[3]
        grid_x, grid_y = tf.meshgrid(tf.range(width), tf.range(height))
        grid = tf.cast(tf.stack([grid_y, grid_x], axis=2), flow.dtype)
        queries = tf.reshape(tf.expand_dims(grid, 0) - flow, [batch, height * width, 2])
        values = interpolate_bilinear(image, queries)
        out = tf.reshape(values, [batch, height, width, channels])
        out.set_shape(image.shape)
        return out


def resampler(data, warp, name="resampler"):
    """``data`` [batch, height, width, channels] sampled bilinearly at ``warp``
    [batch, d1, ..., dn, 2] (x, y) points: [batch, d1, ..., dn, channels]; zero outside."""
    import smallflow as tf

    with tf.name_scope(name, "resampler", [data, warp]):
        data = tf.convert_to_tensor(data, name="data")
        warp = tf.convert_to_tensor(warp, name="warp")
        if data.dtype not in (tf.float16, tf.float32, tf.float64):
            raise TypeError(f"Value passed to parameter 'data' has DataType {data.dtype.name} "
                            "not in list of allowed values: float16, float32, float64")
        if warp.dtype != data.dtype:
            raise TypeError(f"Input 'warp' of 'Resampler' Op has type {warp.dtype.name} that "
                            f"does not match type {data.dtype.name} of argument 'data'.")
        if data.shape.ndims not in (None, 4):
            raise ValueError(f"data must be 4-D [batch, height, width, channels], got shape "
                             f"{data.shape}")
        if warp.shape.ndims is not None and (warp.shape.ndims < 2 or
                                             warp.shape[-1].value not in (None, 2)):
            raise ValueError(f"warp must be [batch, ..., 2] (x, y points), got shape "
                             f"{warp.shape}")
        dims = tf.shape(data)
        batch, height, width, channels = dims[0], dims[1], dims[2], dims[3]
        checks = [tf.assert_equal(tf.shape(warp)[0], batch,
                                  message="Batch size of data and warp tensor must be the "
                                          "same"),
                  tf.assert_equal(tf.shape(warp)[-1], 2,
                                  message="The last dimension of warp must be 2")]
        with tf.control_dependencies(checks):
            points = tf.reshape(warp, [batch, -1, 2])
        x, y = points[:, :, 0], points[:, :, 1]
        dtype = data.dtype
        w_f = tf.cast(width, dtype)
        h_f = tf.cast(height, dtype)
        inside = tf.logical_and(tf.logical_and(x > -1, y > -1),
                                tf.logical_and(x < w_f, y < h_f))
        # points outside give zero: move them to 0 so the corner arithmetic stays finite
        zero = tf.zeros_like(x)
        x = tf.where(inside, x, zero)
        y = tf.where(inside, y, zero)
        x0 = tf.floor(x)
        y0 = tf.floor(y)
        dx = x0 + 1 - x  # weight of the left column
        dy = y0 + 1 - y  # weight of the top row
        col = tf.cast(x0, tf.int32)
        row = tf.cast(y0, tf.int32)
        flat = tf.reshape(data, [-1, channels])
        offsets = tf.reshape(tf.range(batch) * height * width, [-1, 1])
        keep = tf.cast(inside, dtype)

        def corner(rows, cols, weight):
            on_image = tf.logical_and(tf.logical_and(rows >= 0, rows < height),
                                      tf.logical_and(cols >= 0, cols < width))
            safe = offsets + tf.clip_by_value(rows, 0, height - 1) * width + \
                tf.clip_by_value(cols, 0, width - 1)
            scale = weight * tf.cast(on_image, dtype) * keep
            return tf.expand_dims(scale, 2) * tf.gather(flat, safe)

        total = (corner(row, col, dx * dy) + corner(row, col + 1, (1 - dx) * dy)
                 + corner(row + 1, col, dx * (1 - dy))
                 + corner(row + 1, col + 1, (1 - dx) * (1 - dy)))
        out_shape = tf.concat([tf.shape(warp)[:-1], [channels]], 0)
        out = tf.reshape(total, out_shape)
        out.set_shape(warp.shape[:-1].concatenate(data.shape[-1:]) if warp.shape.ndims
                      is not None else None)
        return out
