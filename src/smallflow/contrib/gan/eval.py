"""``tf.contrib.gan.eval``: sample-quality scores, image grids and TFGAN's summaries.

The scores are computed in float64 and cast back to the input's dtype, as TFGAN does:

- classifier score (the Inception score for any classifier):
  ``exp(mean_i KL(p(y|x_i) || mean_j p(y|x_j)))`` from logits;
- Frechet distance between Gaussians fitted to two sets of activations:
  ``|m - m_w|^2 + Tr(C + C_w - 2 (C C_w)^(1/2))`` with unbiased sample covariances, the
  trace of the square root taken as ``Tr(sqrt(A C_w A))`` with ``A = sqrt(C)`` (both
  symmetric, so square roots by SVD); the mean-only and diagonal-only variants drop the
  covariance term or keep only variances (population variances, as ``tf.nn.moments``).

``inception_score`` / ``frechet_inception_distance`` need TFGAN's Inception graph, which
TensorFlow downloads; without a network here they need ``graph_def=`` (or a
``default_graph_def_fn``) and otherwise say so.
"""

import functools
import math

from ... import dtypes, losses, summary
from ...graph import Tensor, convert_to_tensor, name_scope
from ...graph_import import import_graph_def
from ...ops import (
    array_ops,
    image_resize_ops,
    join_split_ops,
    linalg_extra_ops,
    linalg_ops,
    math_ops,
    nn_ops,
    selection_ops,
)
from ...variable_scope import variable_scope
from .namedtuples import CycleGANModel

__all__ = ["add_cyclegan_image_summaries", "add_gan_model_image_summaries",
           "add_gan_model_summaries", "add_image_comparison_summaries",
           "add_regularization_loss_summaries", "add_stargan_image_summaries", "classifier_score",
           "classifier_score_from_logits",
           "diagonal_only_frechet_classifier_distance_from_activations",
           "frechet_classifier_distance", "frechet_classifier_distance_from_activations",
           "frechet_inception_distance", "get_graph_def_from_disk",
           "get_graph_def_from_resource", "get_graph_def_from_url_tarball", "image_grid",
           "image_reshaper", "inception_score",
           "mean_only_frechet_classifier_distance_from_activations", "preprocess_image",
           "run_image_classifier", "run_inception", "trace_sqrt_product"]

INCEPTION_URL = "http://download.tensorflow.org/models/frozen_inception_v1_2015_12_05.tar.gz"
INCEPTION_FROZEN_GRAPH = "inceptionv1_for_inception_score.pb"
INCEPTION_INPUT = "Mul:0"
INCEPTION_OUTPUT = "logits:0"
INCEPTION_FINAL_POOL = "pool_3:0"
INCEPTION_DEFAULT_IMAGE_SIZE = 299


def _rank2(tensor, what):
    tensor = convert_to_tensor(tensor)
    if tensor.shape.ndims != 2:
        raise ValueError(f"{what} must have rank 2 ([examples, dims]); got shape "
                         f"{tensor.shape}")
    return tensor


def _as_float64(*tensors):
    return [t if t.dtype == dtypes.float64 else math_ops.cast(t, dtypes.float64)
            for t in tensors]


def _cast_back(value, dtype):
    return value if dtype == dtypes.float64 else math_ops.cast(value, dtype)


def classifier_score_from_logits(logits):
    """``exp(mean KL(p(y|x) || p(y)))`` of the softmax of ``logits`` ``[examples, classes]``."""
    logits = _rank2(logits, "logits")
    dtype = logits.dtype
    (logits64,) = _as_float64(logits)
    p = nn_ops.softmax(logits64)
    q = math_ops.reduce_mean(p, axis=0)
    kl = math_ops.reduce_sum(p * (nn_ops.log_softmax(logits64) - math_ops.log(q)), axis=1)
    return _cast_back(math_ops.exp(math_ops.reduce_mean(kl)), dtype)


def _run_in_batches(images, classifier_fn, num_batches):
    pieces = join_split_ops.split(images, num_or_size_splits=num_batches)
    return array_ops.concat([classifier_fn(piece) for piece in pieces], 0)


def classifier_score(images, classifier_fn, num_batches=1):
    """The classifier score of ``classifier_fn``'s logits on ``images``, run in
    ``num_batches`` equal parts."""
    return classifier_score_from_logits(_run_in_batches(images, classifier_fn, num_batches))


def _symmetric_sqrt(matrix, eps=1e-10):
    s, u, v = linalg_extra_ops.svd(matrix)
    # The square root is unstable near zero: singular values below eps are kept as they are.
    root = selection_ops.where(math_ops.less(s, eps), s, math_ops.sqrt(s))
    return math_ops.matmul(math_ops.matmul(u, selection_ops.diag(root)), v, transpose_b=True)


def trace_sqrt_product(sigma, sigma_v):
    """``Tr(sqrt(sigma sigma_v))`` of two symmetric positive semi-definite matrices."""
    sqrt_sigma = _symmetric_sqrt(sigma)
    inner = math_ops.matmul(sqrt_sigma, math_ops.matmul(sigma_v, sqrt_sigma))
    return linalg_ops.trace(_symmetric_sqrt(inner))


def _mean_term(real, generated):
    m = math_ops.reduce_mean(real, 0)
    m_w = math_ops.reduce_mean(generated, 0)
    return m, m_w, math_ops.reduce_sum(math_ops.squared_difference(m, m_w))


def _covariance(x, mean):
    centered = x - mean
    count = math_ops.cast(array_ops.shape(x)[0], dtypes.float64)
    return math_ops.matmul(centered, centered, transpose_a=True) / (count - 1)


def frechet_classifier_distance_from_activations(real_activations, generated_activations):
    """The Frechet distance between Gaussians fitted to two ``[examples, dims]`` sets."""
    real = _rank2(real_activations, "real_activations")
    generated = _rank2(generated_activations, "generated_activations")
    dtype = real.dtype
    real, generated = _as_float64(real, generated)
    m, m_w, mean = _mean_term(real, generated)
    sigma = _covariance(real, m)
    sigma_w = _covariance(generated, m_w)
    trace = linalg_ops.trace(sigma + sigma_w) - 2.0 * trace_sqrt_product(sigma, sigma_w)
    return _cast_back(trace + mean, dtype)


def mean_only_frechet_classifier_distance_from_activations(real_activations,
                                                           generated_activations):
    """``|m - m_w|^2``: the Frechet distance without its covariance term."""
    real = _rank2(real_activations, "real_activations")
    generated = _rank2(generated_activations, "generated_activations")
    dtype = real.dtype
    real, generated = _as_float64(real, generated)
    return _cast_back(_mean_term(real, generated)[2], dtype)


def diagonal_only_frechet_classifier_distance_from_activations(real_activations,
                                                               generated_activations):
    """The Frechet distance of Gaussians with diagonal covariances (population variances)."""
    real = _rank2(real_activations, "real_activations")
    generated = _rank2(generated_activations, "generated_activations")
    dtype = real.dtype
    real, generated = _as_float64(real, generated)
    m, var = nn_ops.moments(real, axes=[0])
    m_w, var_w = nn_ops.moments(generated, axes=[0])
    trace = math_ops.reduce_sum(var + var_w - 2.0 * math_ops.sqrt(var * var_w))
    mean = math_ops.reduce_sum(math_ops.squared_difference(m, m_w))
    return _cast_back(trace + mean, dtype)


def frechet_classifier_distance(real_images, generated_images, classifier_fn, num_batches=1):
    """The Frechet distance of ``classifier_fn``'s activations on the two image sets."""
    real = _run_in_batches(real_images, classifier_fn, num_batches)
    generated = _run_in_batches(generated_images, classifier_fn, num_batches)
    return frechet_classifier_distance_from_activations(real, generated)


def run_image_classifier(tensor, graph_def, input_tensor, output_tensor, scope="RunClassifier"):
    """Import a frozen classifier ``graph_def`` with ``input_tensor`` mapped to ``tensor`` and
    return the output(s) named by ``output_tensor`` (a name or a list of names)."""
    single = isinstance(output_tensor, str)
    names = [output_tensor] if single else list(output_tensor)
    outputs = import_graph_def(graph_def, {input_tensor: tensor}, names, name=scope)
    return outputs[0] if single else outputs


def get_graph_def_from_disk(filename):
    """A GraphDef read from a binary file."""
    from ... import tb_protos

    with open(filename, "rb") as stream:
        return tb_protos.load().graph_pb2.GraphDef.FromString(stream.read())


def get_graph_def_from_resource(filename):
    """A GraphDef from a file beside the program (TensorFlow reads it from a .par)."""
    return get_graph_def_from_disk(filename)


def get_graph_def_from_url_tarball(url, filename, tar_filename=None):
    """A GraphDef from a downloaded tarball: only an already downloaded ``tar_filename`` is
    read (smallflow does not download)."""
    import os
    import tarfile

    from ... import tb_protos

    if not (tar_filename and os.path.exists(tar_filename)):
        raise ValueError(f"get_graph_def_from_url_tarball: smallflow does not download "
                         f"{url}; download it and pass its path as tar_filename")
    with tarfile.open(tar_filename, "r:gz") as tar:
        member = tar.extractfile(filename)
        if member is None:
            raise ValueError(f"{tar_filename} holds no file {filename}")
        return tb_protos.load().graph_pb2.GraphDef.FromString(member.read())


def _default_graph_def_fn():
    import os

    return get_graph_def_from_url_tarball(INCEPTION_URL, INCEPTION_FROZEN_GRAPH,
                                          os.path.basename(INCEPTION_URL))


def preprocess_image(images, height=INCEPTION_DEFAULT_IMAGE_SIZE,
                     width=INCEPTION_DEFAULT_IMAGE_SIZE, scope=None):
    """Images in [0, 255] resized (bilinear) and mapped to [-1, 1] for the Inception net."""
    images = convert_to_tensor(images)
    single = images.shape.ndims == 3
    with name_scope(scope, "preprocess"):
        if not images.dtype.is_floating:
            images = math_ops.cast(images, dtypes.float32)
        if single:
            images = array_ops.expand_dims(images, axis=0)
        resized = image_resize_ops.resize_bilinear(images, [height, width])
        resized = (resized - 128.0) / 128.0
        if single:
            resized = array_ops.squeeze(resized, axis=0)
        return resized


def run_inception(images, graph_def=None, default_graph_def_fn=_default_graph_def_fn,
                  image_size=INCEPTION_DEFAULT_IMAGE_SIZE, input_tensor=INCEPTION_INPUT,
                  output_tensor=INCEPTION_OUTPUT):
    """Images ``[batch, image_size, image_size, 3]`` through the frozen Inception graph;
    outputs of rank other than 2 are flattened."""
    from .. import layers as contrib_layers

    images = convert_to_tensor(images)
    if images.dtype != dtypes.float32:
        raise ValueError(f"run_inception needs float32 images; got {images.dtype.name}")
    images.shape.assert_is_compatible_with([None, image_size, image_size, 3])
    if graph_def is None:
        if default_graph_def_fn is None:
            raise ValueError("If `graph_def` is `None`, must provide `default_graph_def_fn`.")
        graph_def = default_graph_def_fn()
    outputs = run_image_classifier(images, graph_def, input_tensor, output_tensor)
    if isinstance(outputs, list):
        return [o if o.shape.ndims == 2 else contrib_layers.flatten(o) for o in outputs]
    return outputs if outputs.shape.ndims == 2 else contrib_layers.flatten(outputs)


inception_score = functools.partial(
    classifier_score, classifier_fn=functools.partial(run_inception,
                                                      output_tensor=INCEPTION_OUTPUT))
frechet_inception_distance = functools.partial(
    frechet_classifier_distance, classifier_fn=functools.partial(
        run_inception, output_tensor=INCEPTION_FINAL_POOL))


def image_grid(input_tensor, grid_shape, image_shape=(32, 32), num_channels=3):
    """A ``[1, rows * height, cols * width, channels]`` mosaic of a batch of
    ``rows * cols`` images (flat or NHWC), laid out row by row."""
    input_tensor = convert_to_tensor(input_tensor)
    shape = input_tensor.shape.as_list()
    rows, cols = int(grid_shape[0]), int(grid_shape[1])
    if shape[0] is None or rows * cols != int(shape[0]):
        raise ValueError(f"Grid shape {tuple(grid_shape)} incompatible with minibatch size "
                         f"{shape[0]}.")
    height, width = int(image_shape[0]), int(image_shape[1])
    if len(shape) == 2:
        if shape[1] != height * width * num_channels:
            raise ValueError("Image shape and number of channels incompatible with input "
                             "tensor dimension.")
    elif len(shape) == 4:
        if shape[1:] != [height, width, num_channels]:
            raise ValueError("Image shape and number of channels incompatible with input "
                             "tensor.")
    else:
        raise ValueError("Unrecognized input tensor format.")
    tiles = array_ops.reshape(input_tensor, [rows, cols, height, width, num_channels])
    tiles = array_ops.transpose(tiles, [0, 2, 1, 3, 4])
    return array_ops.reshape(tiles, [1, rows * height, cols * width, num_channels])


def image_reshaper(images, num_cols=None):
    """A ``[1, H, W, C]`` tiling of a list (or batch) of ``[h, w, c]`` images,
    ``num_cols`` wide (``ceil(sqrt(n))`` by default), the last row padded with black."""
    if isinstance(images, Tensor):
        images = join_split_ops.unstack(images)
    images = [convert_to_tensor(img) for img in images]
    for img in images:
        if img.shape.ndims != 3 or not img.shape.is_fully_defined():
            raise ValueError(f"image_reshaper needs images of a fully defined rank-3 shape; "
                             f"got {img.shape}")
        if img.shape.as_list()[-1] not in (1, 3):
            raise ValueError("image_reshaper only supports 1 or 3 channel images.")
    count = len(images)
    columns = num_cols if num_cols else int(math.ceil(math.sqrt(count)))
    rows = [list(images[i:i + columns]) for i in range(0, count, columns)]
    missing = len(rows) * columns - count
    if missing > 0:
        rows[-1].extend([array_ops.zeros_like(images[-1])] * missing)
    mosaic = array_ops.concat([array_ops.concat(row, 1) for row in rows], 0)
    return array_ops.expand_dims(mosaic, 0)


def _assert_is_image(data, what):
    if data.shape.ndims != 4 or not data.shape[1:].is_fully_defined():
        raise ValueError(f"{what} must be a batch of images [batch, height, width, channels] "
                         f"with known image dimensions; got {data.shape}")


def add_gan_model_image_summaries(gan_model, grid_size=4, model_summaries=True):
    """Image summaries ``real_data`` and ``generated_data``: grids of the first
    ``grid_size**2`` images of each (and the variables' histograms)."""
    if isinstance(gan_model, CycleGANModel):
        raise ValueError("`add_gan_model_image_summaries` does not take CycleGANModels. "
                         "Please use `add_cyclegan_image_summaries` instead.")
    _assert_is_image(gan_model.real_data, "real_data")
    _assert_is_image(gan_model.generated_data, "generated_data")
    count = grid_size ** 2
    for tag, data in (("real_data", gan_model.real_data),
                      ("generated_data", gan_model.generated_data)):
        _, height, width, channels = data.shape.as_list()
        summary.image(tag, image_grid(data[:count], grid_shape=(grid_size, grid_size),
                                      image_shape=(height, width), num_channels=channels),
                      max_outputs=1)
    if model_summaries:
        add_gan_model_summaries(gan_model)


def add_image_comparison_summaries(gan_model, num_comparisons=2, display_diffs=False):
    """One image summary laying generator inputs, outputs and real data side by side (for
    image-to-image GANs), with the absolute differences when ``display_diffs``."""
    for what in ("generator_inputs", "generated_data", "real_data"):
        _assert_is_image(getattr(gan_model, what), what)
    images = []
    images.extend(join_split_ops.unstack(gan_model.generator_inputs[:num_comparisons]))
    generated = join_split_ops.unstack(gan_model.generated_data[:num_comparisons])
    real = join_split_ops.unstack(gan_model.real_data[:num_comparisons])
    images.extend(generated)
    images.extend(real)
    if display_diffs:
        images.extend(math_ops.abs(math_ops.cast(g, dtypes.float32)
                                   - math_ops.cast(r, dtypes.float32))
                      for g, r in zip(generated, real, strict=True))
    summary.image("image_comparison", image_reshaper(images, num_cols=num_comparisons),
                  max_outputs=1)


def add_cyclegan_image_summaries(cyclegan_model):
    """For each direction, one image summary of an input, its translation and its
    reconstruction."""
    if not isinstance(cyclegan_model, CycleGANModel):
        raise ValueError(f"`cyclegan_model` was not a CycleGANModel. Instead, was "
                         f"{type(cyclegan_model)}")

    def comparison(model, reconstructions):
        images = (join_split_ops.unstack(model.generator_inputs[:1])
                  + join_split_ops.unstack(model.generated_data[:1])
                  + join_split_ops.unstack(reconstructions[:1]))
        summary.image("image_comparison", image_reshaper(images, num_cols=len(images)),
                      max_outputs=1)

    with name_scope("x2y_image_comparison_summaries"):
        comparison(cyclegan_model.model_x2y, cyclegan_model.reconstructed_x)
    with name_scope("y2x_image_comparison_summaries"):
        comparison(cyclegan_model.model_y2x, cyclegan_model.reconstructed_y)


def add_stargan_image_summaries(stargan_model, num_images=2, display_diffs=False):
    """One image summary per input image (the first ``num_images``): the image followed by
    its translation to every domain (and, with ``display_diffs``, a row of blank then
    translation-minus-image)."""
    data = stargan_model.input_data
    _assert_is_image(data, "input_data")
    labels = stargan_model.input_data_domain_label
    if labels.shape.ndims != 2 or labels.shape.as_list()[1] is None:
        raise ValueError(f"input_data_domain_label must have rank 2 with a known number of "
                         f"domains; got {labels.shape}")
    num_domains = labels.shape.as_list()[-1]
    targets = array_ops.one_hot(list(range(num_domains)), num_domains)
    mosaics = []
    # TFGAN builds each mosaic inside a map_fn; a loop over the first images builds the
    # same pictures.
    for image in join_split_ops.unstack(data[:num_images]):
        tiled = array_ops.tile(array_ops.expand_dims(image, 0), [num_domains, 1, 1, 1])
        with variable_scope(stargan_model.generator_scope, reuse=True):
            generated = stargan_model.generator_fn(tiled, targets)
        tiles = [image] + join_split_ops.unstack(generated)
        if display_diffs:
            tiles.append(array_ops.zeros_like(image))
            tiles.extend(join_split_ops.unstack(generated - tiled))
        mosaics.append(array_ops.squeeze(image_reshaper(tiles, num_cols=num_domains + 1), 0))
    summary.image("stargan_image_generation", array_ops.stack(mosaics),
                  max_outputs=num_images)


def add_gan_model_summaries(gan_model):
    """Histograms of the generator's and the discriminator's variables."""
    if isinstance(gan_model, CycleGANModel):
        with name_scope("cyclegan_x2y_summaries"):
            add_gan_model_summaries(gan_model.model_x2y)
        with name_scope("cyclegan_y2x_summaries"):
            add_gan_model_summaries(gan_model.model_y2x)
        return
    with name_scope("generator_variables"):
        for var in gan_model.generator_variables:
            summary.histogram(var.name, var)
    with name_scope("discriminator_variables"):
        for var in gan_model.discriminator_variables:
            summary.histogram(var.name, var)


def add_regularization_loss_summaries(gan_model):
    """Scalar summaries of each network's regularization loss."""
    if isinstance(gan_model, CycleGANModel):
        with name_scope("cyclegan_x2y_regularization_loss_summaries"):
            add_regularization_loss_summaries(gan_model.model_x2y)
        with name_scope("cyclegan_y2x_regularization_loss_summaries"):
            add_regularization_loss_summaries(gan_model.model_y2x)
        return
    if gan_model.generator_scope:
        summary.scalar("generator_regularization_loss",
                       losses.get_regularization_loss(gan_model.generator_scope.name))
    if gan_model.discriminator_scope:
        summary.scalar("discriminator_regularization_loss",
                       losses.get_regularization_loss(gan_model.discriminator_scope.name))
