"""Committees: several saved models answering as one saved model.

A committee's graph holds each member's evaluation network under its own variable scope
(``member_0/conv1/conv2d/kernel``, ...) and answers with the mean of the members' class
probabilities. Optionally each image is also shown in a few fixed moved copies ("views":
turned, resized, shifted) and the probabilities are averaged over the views too
(test-time augmentation). Everything happens inside the graph, so ``smallflow evaluate``,
``predict``, ``serve`` and the ONNX export all use the whole committee.

Choices, and why:

- **Mean of probabilities, equal weights.** The plain committee rule; weights fitted to
  data would need data nobody tuned anything else on. ``logits`` are the log of the mean,
  so ``softmax(logits)`` gives the mean back and the loss is the committee's likelihood.
- **Views as one matrix product.** A fixed bilinear transform of a 28x28 image is linear
  in the pixels, so each view is ``images @ M`` with ``M`` the transform applied to the 784
  unit images (computed once, when the graph is built, by the same
  ``tf.contrib.image.transform`` the training augmentation uses). It costs a fraction of a
  convolution, and ONNX has ``MatMul`` where it has no projective transform.
- **Views chosen on the validation set** (``choose_views``), among a few candidates, by
  whoever builds the committee; never on the test set. The members must have held out the
  same validation examples, or the choice would be made on examples a member trained on.
- **Each member evaluated once per batch over all views**: the views are stacked along the
  batch axis, and the batch fed per run is divided by the number of views to bound memory.
"""

import math

import numpy as np

import smallflow as tf

KIND = "committee"
DESCRIPTION = "committee of saved models: their class probabilities averaged, over views"

IMAGE_SIDE = 28
PIXELS = IMAGE_SIDE * IMAGE_SIDE

# A view is (degrees counter-clockwise, scale, dx, dy) about the image centre; the plain
# image is IDENTITY. Candidates for choose_views: (name, views), the plain image first.
IDENTITY = (0.0, 1.0, 0.0, 0.0)
_TURNS = [(-6.0, 1.0, 0.0, 0.0), (6.0, 1.0, 0.0, 0.0)]
_SHIFTS = [(0.0, 1.0, 1.0, 1.0), (0.0, 1.0, -1.0, -1.0)]
_SIZES = [(0.0, 0.93, 0.0, 0.0), (0.0, 1.07, 0.0, 0.0)]
VIEW_CANDIDATES = (
    ("plain", [IDENTITY]),
    ("turns", [IDENTITY, *_TURNS]),
    ("turns+shifts", [IDENTITY, *_TURNS, *_SHIFTS]),
    ("turns+sizes", [IDENTITY, *_TURNS, *_SIZES]),
)

# Name of the [members, views, N, 10] tensor of every member's probabilities per view.
MEMBER_VIEW_PROBABILITIES = "member_view_probabilities"


class CommitteeError(ValueError):
    """Members that cannot form a committee, or a committee spec that makes no sense."""


def check_views(views):
    """``views`` as a list of 4-tuples of floats; ValueError names the bad one."""
    if not views:
        raise CommitteeError("a committee needs at least one view (the plain image is "
                             f"{IDENTITY})")
    checked = []
    for view in views:
        try:
            degrees, scale, dx, dy = (float(part) for part in view)
        except (TypeError, ValueError):
            raise CommitteeError(f"view {view!r} is not (degrees, scale, dx, dy)") from None
        if not all(map(math.isfinite, (degrees, scale, dx, dy))) or scale <= 0:
            raise CommitteeError(f"view {view!r}: needs finite numbers and a positive scale")
        checked.append((degrees, scale, dx, dy))
    return checked


def view_matrices(views):
    """``[784, 784]`` float32 matrices, one per view: ``flat_images @ M`` is the moved image.

    Entry ``(i, j)`` is the weight input pixel ``i`` has in output pixel ``j`` under
    ``tf.contrib.image.transform``'s bilinear rule (zeros outside the image) with the rows
    the training augmentation builds (``cnn_bn.transform_rows``); tests/test_committee.py
    checks the product against the op itself.
    """
    from smallflow.models import cnn_bn

    views = check_views(views)
    with tf.Graph().as_default():
        radians = tf.constant([v[0] * math.pi / 180 for v in views], tf.float32)
        scales = tf.constant([v[1] for v in views], tf.float32)
        shifts = tf.constant([v[2:] for v in views], tf.float32)
        with tf.Session() as sess:
            rows = sess.run(cnn_bn.transform_rows(radians, scales, shifts))
    return [_bilinear_matrix(row) for row in rows]


def _bilinear_matrix(row):
    """The linear map of one projective transform row: each output pixel reads the input
    point the row sends it to, from its four neighbours with bilinear weights."""
    a0, a1, a2, b0, b1, b2, c0, c1 = np.asarray(row, np.float64)
    ys, xs = np.mgrid[0:IMAGE_SIDE, 0:IMAGE_SIDE].astype(np.float64)
    k = c0 * xs + c1 * ys + 1.0
    src_x = (a0 * xs + a1 * ys + a2) / k
    src_y = (b0 * xs + b1 * ys + b2) / k
    matrix = np.zeros((PIXELS, PIXELS), np.float32)
    outputs = np.arange(PIXELS).reshape(IMAGE_SIDE, IMAGE_SIDE)
    for dy in (0, 1):
        for dx in (0, 1):
            xi = np.floor(src_x) + dx
            yi = np.floor(src_y) + dy
            weight = ((1 - np.abs(src_x - xi)) * (1 - np.abs(src_y - yi))).astype(np.float32)
            inside = (xi >= 0) & (xi < IMAGE_SIDE) & (yi >= 0) & (yi < IMAGE_SIDE) & (weight > 0)
            inputs = (yi * IMAGE_SIDE + xi)[inside].astype(np.int64)
            np.add.at(matrix, (inputs, outputs[inside]), weight[inside])
    return matrix


def _viewed(images, views):
    """Flat images stacked view after view: ``[len(views) * N, 784]``.

    One product with ``[M_1 | M_2 | ...]`` (the plain view's matrix is the identity, exact
    in float32), then a reshape and a transpose: ops every backend, ONNX included, has.
    """
    if views == [IDENTITY]:
        return images
    matrices = tf.constant(np.concatenate(view_matrices(views), 1), name="view_matrices")
    moved = tf.reshape(tf.matmul(images, matrices), [-1, len(views), PIXELS])
    return tf.reshape(tf.transpose(moved, [1, 0, 2]), [-1, PIXELS])


def _member_probabilities(module, viewed, count):
    """One member's probabilities per view, ``[count, N, 10]``, from the stacked views."""
    if hasattr(module, "inference"):
        logits = module.inference(viewed)
    else:
        logits = module.build(viewed, tf.constant(1.0))
    return tf.reshape(tf.nn.softmax(logits), [count, -1, 10])


def build(spec, images):
    """The committee of ``spec`` over flat images: ``(logits, probabilities, member_view)``.

    ``spec`` is ``{"members": [{"model": name}, ...], "views": [[degrees, scale, dx, dy],
    ...]}`` (a committee model's metadata has it under ``"committee"``). Member ``i``'s
    variables are built under the scope ``member_i``.
    """
    from smallflow import models

    members, views = check_spec(spec)
    with tf.name_scope("views"):
        viewed = _viewed(images, views)
    per_member = []
    for index, member in enumerate(members):
        with tf.variable_scope(f"member_{index}"):
            module = models.get_model(member["model"])
            per_member.append(_member_probabilities(module, viewed, len(views)))
    member_view = tf.stack(per_member, name=MEMBER_VIEW_PROBABILITIES)
    probabilities = tf.reduce_mean(member_view, [0, 1], name="committee_probabilities")
    logits = tf.log(probabilities, name="committee_logits")
    return logits, probabilities, member_view


def check_spec(spec):
    """``(members, views)`` of a committee spec; CommitteeError says what is wrong."""
    from smallflow import models

    if not isinstance(spec, dict):
        raise CommitteeError("the committee's description is not a JSON object")
    members = spec.get("members")
    if not isinstance(members, list) or not members:
        raise CommitteeError("a committee needs at least one member")
    for member in members:
        name = member.get("model") if isinstance(member, dict) else None
        if name not in models.MODELS:
            raise CommitteeError(f"member model {name!r} is not one smallflow trains")
    return members, check_views(spec.get("views") or [IDENTITY])


def predict_batch(spec):
    """Images per run: the smallest member batch, shared among the views."""
    from smallflow import models

    members, views = check_spec(spec)
    smallest = min(getattr(models.get_model(m["model"]), "PREDICT_BATCH", models.PREDICT_BATCH)
                   for m in members)
    return max(1, smallest // len(views))


def member_view_probabilities(sess, model_graph, images):
    """Every member's probabilities per view, ``[members, views, N, 10]``, in batches."""
    tensor = model_graph.graph.get_tensor_by_name(MEMBER_VIEW_PROBABILITIES + ":0")
    batch = model_graph.predict_batch or len(images) or 1
    parts = [sess.run(tensor, {model_graph.images: images[start:start + batch]})
             for start in range(0, len(images), batch)]
    return np.concatenate(parts, 2)


def accuracies(member_view, labels, views, candidates=VIEW_CANDIDATES):
    """Accuracy of each member and of the whole committee under each candidate's views.

    ``member_view`` is ``[members, len(views), N, 10]`` over ``views``; ``labels`` are
    one-hot or class numbers. Returns ``{candidate: {"members": [...], "committee": a}}``.
    """
    truth = np.asarray(labels)
    truth = np.argmax(truth, 1) if truth.ndim == 2 else truth
    index = {tuple(view): i for i, view in enumerate(check_views(views))}
    results = {}
    for name, chosen in candidates:
        columns = [index[tuple(view)] for view in check_views(chosen)]
        mean = member_view[:, columns].mean(1)  # [members, N, 10]
        results[name] = {
            "members": [float(np.mean(np.argmax(m, 1) == truth)) for m in mean],
            "committee": float(np.mean(np.argmax(mean.mean(0), 1) == truth)),
        }
    return results


def choose_views(validation_accuracies, candidates=VIEW_CANDIDATES):
    """The candidate with the best committee accuracy on the VALIDATION set; ties go to
    the fewer views (cheaper, and no evidence the extra views help)."""
    order = {name: (len(views), i) for i, (name, views) in enumerate(candidates)}
    return max(order, key=lambda name: (validation_accuracies[name]["committee"],
                                        [-x for x in order[name]]))


def union_of_views(candidates=VIEW_CANDIDATES):
    """Every view any candidate uses, once, the plain image first."""
    seen = []
    for _, views in candidates:
        for view in check_views(views):
            if view not in seen:
                seen.append(view)
    return seen


def load_members(paths):
    """``[(metadata, {variable name: value}), ...]`` of the saved models at ``paths``.

    Raises ModelFileError naming the file for a missing, damaged or foreign file, and for
    a committee (combine its members instead: views and members do not nest).
    """
    from smallflow import models

    loaded = []
    for path in paths:
        metadata = models.read_model_metadata(path)
        if metadata["model"] == KIND:
            raise models.ModelFileError(
                str(path), "is a committee already; combine the models it was made of")
        sess, graph, metadata = models.load_model(path)
        with sess:
            values = sess.run({v.op.name: v for v in graph.model_variables})
        loaded.append((metadata, values))
    return loaded


def assemble(members, views):
    """``(session, model_graph, spec)``: the committee of loaded ``members`` (from
    ``load_members``) over ``views``, its variables holding the members' values."""
    from smallflow import models

    spec = {"members": [{"model": metadata["model"]} for metadata, _ in members],
            "views": [list(view) for view in check_views(views)]}
    model_graph = models.build_committee_graph(spec)
    sess = tf.Session(graph=model_graph.graph)
    try:
        with model_graph.graph.as_default():
            for variable in model_graph.model_variables:
                scope, _, name = variable.op.name.partition("/")
                _, values = members[int(scope.rpartition("_")[2])]
                variable.load(values[name], sess)
    except BaseException:
        sess.close()
        raise
    return sess, model_graph, spec
