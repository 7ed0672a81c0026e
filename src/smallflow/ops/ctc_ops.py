"""Connectionist temporal classification: ``tf.nn.ctc_loss`` (with its gradient) and
``tf.nn.ctc_greedy_decoder``.

The loss kernel runs the forward-backward recursions in log space per batch element and,
like TensorFlow's ``CTCLoss`` op, returns the gradient with respect to the logits as a
second output; the registered gradient scales it by the incoming loss gradient. The blank
is the last class (``num_classes - 1``), as in TensorFlow 1.x.
"""

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor, name_scope
from ..op_signature import signature
from ..registry import NotDifferentiable, RegisterGradient, register_op
from ..tensor_shape import TensorShape
from . import array_ops
from .common import make_op
from .sparse_tensor import SparseTensor

__all__ = ["ctc_greedy_decoder", "ctc_loss", "ctc_loss_v2"]


def _log_softmax(x):
    shifted = x - x.max(-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(-1, keepdims=True))


def _logsumexp(*terms):
    stacked = np.stack(terms)
    top = stacked.max(0)
    safe = np.where(np.isfinite(top), top, 0.0)
    with np.errstate(divide="ignore"):
        return safe + np.log(np.exp(stacked - safe).sum(0))


def _collapse(labels):
    return [v for i, v in enumerate(labels) if i == 0 or v != labels[i - 1]]


def _one_sequence(logits, labels, blank):
    """``(loss, gradient)`` of one sequence: ``logits`` [T, C], ``labels`` a list."""
    steps, classes = logits.shape
    log_probs = _log_softmax(logits.astype(np.float64))
    extended = [blank]
    for label in labels:
        extended += [label, blank]
    size = len(extended)
    ext = np.array(extended)
    # s-2 -> s is allowed onto a label that differs from the one two places back.
    skip = np.zeros(size, bool)
    skip[2:] = (ext[2:] != blank) & (ext[2:] != ext[:-2])
    alpha = np.full((steps, size), -np.inf)
    alpha[0, 0] = log_probs[0, blank]
    if size > 1:
        alpha[0, 1] = log_probs[0, ext[1]]
    for t in range(1, steps):
        previous = alpha[t - 1]
        one_back = np.concatenate([[-np.inf], previous[:-1]])
        two_back = np.where(skip, np.concatenate([[-np.inf, -np.inf], previous[:-2]]), -np.inf)
        alpha[t] = _logsumexp(previous, one_back, two_back) + log_probs[t, ext]
    beta = np.full((steps, size), -np.inf)
    beta[-1, -1] = log_probs[-1, blank]
    if size > 1:
        beta[-1, -2] = log_probs[-1, ext[-2]]
    skip_forward = np.zeros(size, bool)
    skip_forward[:-2] = skip[2:]
    for t in range(steps - 2, -1, -1):
        following = beta[t + 1]
        one_ahead = np.concatenate([following[1:], [-np.inf]])
        two_ahead = np.where(skip_forward, np.concatenate([following[2:], [-np.inf, -np.inf]]),
                             -np.inf)
        beta[t] = _logsumexp(following, one_ahead, two_ahead) + log_probs[t, ext]
    ends = [alpha[-1, -1]] + ([alpha[-1, -2]] if size > 1 else [])
    log_likelihood = _logsumexp(*ends)
    if not np.isfinite(log_likelihood):
        return np.inf, np.zeros((steps, classes))
    # Occupation of each class at each step: sum over the positions holding it.
    occupancy = alpha + beta - log_probs[:, ext]
    per_class = np.full((steps, classes), -np.inf)
    for k in np.unique(ext):
        per_class[:, k] = _logsumexp(*occupancy[:, ext == k].T)
    gradient = np.exp(log_probs) - np.exp(per_class - log_likelihood)
    return -log_likelihood, gradient


def _ctc_loss_kernel(attrs):
    collapse = attrs["preprocess_collapse_repeated"]
    ignore_longer = attrs["ignore_longer_outputs_than_inputs"]

    def loss(inputs, label_indices, label_values, sequence_length):
        steps, batch, classes = inputs.shape
        blank = classes - 1
        losses = np.zeros(batch)
        gradient = np.zeros(inputs.shape)
        rows = [[] for _ in range(batch)]
        for (b, _), value in zip(label_indices, label_values):
            rows[int(b)].append(int(value))
        for b in range(batch):
            length = int(sequence_length[b])
            if length > steps:
                raise InvalidArgumentError(None, None, f"sequence_length({b}) <= {steps}")
            labels = _collapse(rows[b]) if collapse else rows[b]
            if any(v < 0 or v >= blank for v in labels):
                raise InvalidArgumentError(None, None, f"Saw a non-null label (index >= "
                                                       f"num_classes - 1) following a null "
                                                       f"label, batch: {b} num_classes: "
                                                       f"{classes} labels: {labels}")
            repeats = sum(1 for i in range(1, len(labels)) if labels[i] == labels[i - 1])
            if len(labels) + repeats > length:
                if ignore_longer:
                    continue
                raise InvalidArgumentError(None, None, f"Not enough time for target "
                                                       f"transition sequence (required: "
                                                       f"{len(labels) + repeats}, available: "
                                                       f"{length}){b}You can turn this error "
                                                       f"into a warning by using the flag "
                                                       f"ignore_longer_outputs_than_inputs")
            if length == 0:
                continue
            value, grad = _one_sequence(inputs[:length, b], labels, blank)
            losses[b] = value
            gradient[:length, b] = grad
        return losses.astype(inputs.dtype), gradient.astype(inputs.dtype)

    return loss


def _ctc_shape(op):
    dims = op.inputs[0].shape
    batch = dims.as_list()[1] if dims.ndims == 3 else None
    return [TensorShape([batch]), dims]


register_op("CTCLoss", _ctc_loss_kernel, _ctc_shape,
            signature=signature("inputs: T, labels_indices: int64, labels_values: int32, "
                                "sequence_length: int32 -> loss: T, gradient: T",
                                T=(dtypes.float32, dtypes.float64)))


@RegisterGradient("CTCLoss")
def _ctc_loss_grad(op, grad_loss, _grad_gradient):
    # The kernel's gradient output, scaled per batch element (the batch is axis 1).
    scale = array_ops.reshape(grad_loss, [1, -1, 1])
    return scale * op.outputs[1], None, None, None


def ctc_loss(labels, inputs=None, sequence_length=None, preprocess_collapse_repeated=False,
             ctc_merge_repeated=True, ignore_longer_outputs_than_inputs=False, time_major=True,
             logits=None):
    """``-log p(labels | inputs)`` per batch element: ``labels`` an int32 SparseTensor,
    ``inputs`` unnormalised logits ``[max_time, batch, num_classes]`` (``[batch, max_time,
    ...]`` unless ``time_major``); the blank is the last class."""
    inputs = logits if inputs is None else inputs
    if not isinstance(labels, SparseTensor):
        raise TypeError("Expected labels (first argument) to be a SparseTensor")
    if not ctc_merge_repeated:
        raise NotImplementedError("smallflow's ctc_loss supports ctc_merge_repeated=True only")
    with name_scope("CTCLoss"):
        inputs = convert_to_tensor(inputs, name="inputs")
        if not time_major:
            inputs = array_ops.transpose(inputs, [1, 0, 2])
        sequence_length = convert_to_tensor(sequence_length, dtype=dtypes.int32,
                                            name="sequence_length")
        values = convert_to_tensor(labels.values, dtype=dtypes.int32, name="labels_values")
        attrs = {"preprocess_collapse_repeated": bool(preprocess_collapse_repeated),
                 "ignore_longer_outputs_than_inputs": bool(ignore_longer_outputs_than_inputs)}
        op = make_op("CTCLoss", [inputs, labels.indices, values, sequence_length],
                     [inputs.dtype, inputs.dtype], attrs)
        return op.outputs[0]


def _greedy_kernel(attrs):
    merge = attrs["merge_repeated"]

    def decode(inputs, sequence_length):
        steps, batch, classes = inputs.shape
        blank = classes - 1
        indices, values = [], []
        scores = np.zeros((batch, 1), dtype=inputs.dtype)
        longest = 0
        for b in range(batch):
            length = int(sequence_length[b])
            best = inputs[:length, b].argmax(-1)
            scores[b, 0] = -inputs[:length, b].max(-1).sum()
            decoded = []
            previous = None
            for label in best:
                if label != blank and not (merge and label == previous):
                    decoded.append(int(label))
                previous = label
            indices += [[b, i] for i in range(len(decoded))]
            values += decoded
            longest = max(longest, len(decoded))
        return (np.array(indices, np.int64).reshape(-1, 2), np.array(values, np.int64),
                np.array([batch, longest], np.int64), scores)

    return decode


register_op("CTCGreedyDecoder", _greedy_kernel,
            lambda op: [TensorShape([None, 2]), TensorShape([None]), TensorShape([2]),
                        TensorShape([op.inputs[0].shape.as_list()[1]
                                     if op.inputs[0].shape.ndims == 3 else None, 1])],
            signature=signature("inputs: T, sequence_length: int32 -> decoded_indices: int64, "
                                "decoded_values: int64, decoded_shape: int64, "
                                "log_probability: T", T=(dtypes.float32, dtypes.float64)))
NotDifferentiable("CTCGreedyDecoder")


def ctc_greedy_decoder(inputs, sequence_length, merge_repeated=True):
    """``([decoded], neg_sum_logits)``: the best class at each step, repeats merged (when
    ``merge_repeated``) and blanks removed, as a SparseTensor; and minus the sum of the
    chosen logits."""
    inputs = convert_to_tensor(inputs, name="inputs")
    sequence_length = convert_to_tensor(sequence_length, dtype=dtypes.int32,
                                        name="sequence_length")
    op = make_op("CTCGreedyDecoder", [inputs, sequence_length],
                 [dtypes.int64, dtypes.int64, dtypes.int64, inputs.dtype],
                 {"merge_repeated": bool(merge_repeated)})
    indices, values, shape, scores = op.outputs
    return [SparseTensor(indices, values, shape)], scores


def _dense_labels_to_sparse(labels, label_length):
    """The first ``label_length[b]`` labels of each row of ``labels`` as a SparseTensor."""
    from . import array_extra_ops, math_ops, selection_ops

    labels = convert_to_tensor(labels, name="labels")
    mask = array_extra_ops.sequence_mask(label_length, maxlen=array_ops.shape(labels)[1])
    indices = selection_ops.where(mask)
    values = array_extra_ops.gather_nd(math_ops.cast(labels, dtypes.int32), indices)
    dense_shape = math_ops.cast(array_ops.shape(labels), dtypes.int64)
    return SparseTensor(indices, values, dense_shape)


def _move_blank_last(labels, logits, blank_index):
    """Labels and logits with class ``blank_index`` moved to the end (TensorFlow 1.x's
    ``ctc_loss`` takes the last class as the blank)."""
    from . import math_ops, selection_ops

    classes = logits.shape[2].value
    if classes is None:
        raise ValueError("ctc_loss_v2 needs the number of classes (the last dimension of "
                         "logits) known when the graph is built")
    if blank_index < 0:
        blank_index += classes
    if blank_index == classes - 1:
        return labels, logits
    logits = array_ops.concat([logits[:, :, :blank_index], logits[:, :, blank_index + 1:],
                               logits[:, :, blank_index:blank_index + 1]], axis=2)
    values = labels.values
    shifted = selection_ops.where(math_ops.less(values, blank_index), values,
                                  math_ops.subtract(values, 1))
    return SparseTensor(labels.indices, shifted, labels.dense_shape), logits


def ctc_loss_v2(labels, logits, label_length, logit_length, logits_time_major=True,
                unique=None, blank_index=None, name=None):
    """TensorFlow 1.15's ``tf.nn.ctc_loss_v2``: the CTC loss per batch element with the blank
    at ``blank_index`` (default 0 for dense labels; SparseTensor labels must name it).

    ``labels`` are a dense ``[batch, max_label_length]`` tensor whose rows hold
    ``label_length`` labels, or a SparseTensor (then ``label_length`` is unused);
    ``logit_length`` the frames of each sequence. ``unique`` (TensorFlow's precomputed
    ``ctc_unique_labels``) only speeds TensorFlow up; the loss is the same without it.
    """
    with name_scope(name or "ctc_loss_dense"):
        logits = convert_to_tensor(logits, name="logits")
        if isinstance(labels, SparseTensor):
            if blank_index is None:
                raise ValueError("blank_index must be given when using SparseTensor labels.")
        else:
            if label_length is None:
                raise ValueError("label_length must be given for dense labels")
            blank_index = 0 if blank_index is None else blank_index
            labels = _dense_labels_to_sparse(labels, label_length)
        if not logits_time_major:
            logits = array_ops.transpose(logits, [1, 0, 2])
        labels, logits = _move_blank_last(labels, logits, blank_index)
        return ctc_loss(labels, logits, logit_length, time_major=True)
