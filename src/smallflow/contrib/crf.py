"""``tf.contrib.crf``: the linear-chain conditional random field of TensorFlow 1.x.

Scores are log-potentials: ``inputs[b, t, j]`` is the unary score of tag ``j`` at step ``t``
and ``transition_params[i, j]`` the score of tag ``i`` followed by tag ``j``. The functions
keep TensorFlow 1.15's arithmetic and conventions, so a trained tagger decodes the same:

- sequences longer than one step run the forward algorithm (log-sum-exp over the previous
  step's alphas) or Viterbi's max-product through ``dynamic_rnn`` with the given lengths,
  so the padding after a sequence's end takes no part;
- when the time dimension is 1 (statically, or at run time through a ``cond``) the unary
  scores alone are used;
- sequences of length 0 get a score and a normaliser of 0;
- ``crf_log_likelihood`` makes a ``transitions`` variable (``[num_tags, num_tags]``, the
  scope's default initializer) when no transition matrix is given;
- ``viterbi_decode`` runs in NumPy on one unpadded sequence, ``crf_decode`` in the graph on
  a padded batch (int32 tags; padding positions are 0).
"""

import numpy as np

from .. import dtypes
from ..graph import convert_to_tensor
from ..ops import array_extra_ops, array_ops, math_ops
from ..ops.constant_op import constant
from ..ops.math_composites import reduce_logsumexp
from ..python.layers.utils import smart_cond
from ..rnn import dynamic_rnn
from ..rnn_cell_impl import RNNCell
from ..tensor_shape import dimension_value
from ..variable_scope import get_variable
from ._missing import missing_attribute

__all__ = [
    "CrfDecodeBackwardRnnCell", "CrfDecodeForwardRnnCell", "CrfForwardRnnCell",
    "crf_binary_score", "crf_decode", "crf_log_likelihood", "crf_log_norm",
    "crf_multitag_sequence_score", "crf_sequence_score", "crf_unary_score", "viterbi_decode",
]


def _tensors(*values):
    # TensorFlow reads ``.dtype`` of its arguments, so it needs tensors; arrays and lists
    # are converted here rather than failing with an AttributeError.
    return [convert_to_tensor(v) if v is not None else None for v in values]


def _one_step(inputs):
    """The predicate "the time dimension has length 1", static when the shape says so."""
    steps = dimension_value(inputs.shape[1]) if inputs.shape.ndims else None
    if steps is not None:
        return steps == 1
    return math_ops.equal(array_ops.shape(inputs)[1], 1)


def _choose(pred, one_step, several_steps):
    if isinstance(pred, bool):
        return one_step() if pred else several_steps()
    return smart_cond(pred, one_step, several_steps)


def _zero_where_empty(values, sequence_lengths):
    return array_ops.where(math_ops.less_equal(sequence_lengths, 0),
                           array_ops.zeros_like(values), values)


def _lengths_less_one(sequence_lengths):
    # A sequence of length 0 still runs 0 transitions (never a negative length).
    return math_ops.maximum(constant(0, dtype=sequence_lengths.dtype), sequence_lengths - 1)


def crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params):
    """The unnormalised score ([batch_size]) of each given tag sequence: its unary scores
    plus the transitions between consecutive tags, up to each sequence's length."""
    (inputs, tag_indices, sequence_lengths, transition_params) = _tensors(
        inputs, tag_indices, sequence_lengths, transition_params)

    def one_step():
        batch_size = array_ops.shape(inputs, out_type=tag_indices.dtype)[0]
        rows = array_ops.reshape(math_ops.range(batch_size, dtype=tag_indices.dtype), [-1, 1])
        scores = array_extra_ops.gather_nd(array_ops.squeeze(inputs, [1]),
                                           array_ops.concat([rows, tag_indices], axis=1))
        return _zero_where_empty(scores, sequence_lengths)

    def several_steps():
        return (crf_unary_score(tag_indices, sequence_lengths, inputs)
                + crf_binary_score(tag_indices, sequence_lengths, transition_params))

    return _choose(_one_step(inputs), one_step, several_steps)


def crf_multitag_sequence_score(inputs, tag_bitmap, sequence_lengths, transition_params):
    """The log of the summed scores of every tag sequence allowed by ``tag_bitmap``
    ([batch_size, max_seq_len, num_tags] bools); one-hot bitmaps give
    ``crf_sequence_score``."""
    (inputs, tag_bitmap, sequence_lengths, transition_params) = _tensors(
        inputs, tag_bitmap, sequence_lengths, transition_params)
    masked = array_ops.where(tag_bitmap, inputs,
                             array_ops.fill(array_ops.shape(inputs), float("-inf")))

    def one_step():
        return reduce_logsumexp(masked, axis=[1, 2], keepdims=False)

    def several_steps():
        return crf_log_norm(masked, sequence_lengths, transition_params)

    return _choose(_one_step(inputs), one_step, several_steps)


def crf_log_norm(inputs, sequence_lengths, transition_params):
    """The log partition function ([batch_size]): log-sum-exp of the scores of all tag
    sequences, by the forward algorithm."""
    (inputs, sequence_lengths, transition_params) = _tensors(
        inputs, sequence_lengths, transition_params)
    first = array_ops.squeeze(array_ops.slice(inputs, [0, 0, 0], [-1, 1, -1]), [1])

    def one_step():
        return _zero_where_empty(reduce_logsumexp(first, [1]), sequence_lengths)

    def several_steps():
        rest = array_ops.slice(inputs, [0, 1, 0], [-1, -1, -1])
        _, alphas = dynamic_rnn(CrfForwardRnnCell(transition_params), rest,
                                sequence_length=_lengths_less_one(sequence_lengths),
                                initial_state=first, dtype=dtypes.float32)
        return _zero_where_empty(reduce_logsumexp(alphas, [1]), sequence_lengths)

    return _choose(_one_step(inputs), one_step, several_steps)


def crf_log_likelihood(inputs, tag_indices, sequence_lengths, transition_params=None):
    """``(log_likelihood, transition_params)``: each sequence's log-likelihood
    ([batch_size]) and the transition matrix used (a new ``transitions`` variable when
    none is given)."""
    inputs, tag_indices, sequence_lengths = _tensors(inputs, tag_indices, sequence_lengths)
    num_tags = dimension_value(inputs.shape[2])
    if transition_params is None:
        transition_params = get_variable("transitions", [num_tags, num_tags])
    scores = crf_sequence_score(inputs, tag_indices, sequence_lengths, transition_params)
    log_norm = crf_log_norm(inputs, sequence_lengths, transition_params)
    return scores - log_norm, transition_params


def crf_unary_score(tag_indices, sequence_lengths, inputs):
    """The sum ([batch_size]) of the unary scores of the given tags up to each length."""
    tag_indices, sequence_lengths, inputs = _tensors(tag_indices, sequence_lengths, inputs)
    batch_size = array_ops.shape(inputs)[0]
    max_seq_len = array_ops.shape(inputs)[1]
    num_tags = array_ops.shape(inputs)[2]
    flat_inputs = array_ops.reshape(inputs, [-1])
    # Position of (b, t, tag) in the flattened scores: b*T*O + t*O + tag.
    offsets = array_ops.expand_dims(math_ops.range(batch_size) * max_seq_len * num_tags, 1)
    offsets += array_ops.expand_dims(math_ops.range(max_seq_len) * num_tags, 0)
    if tag_indices.dtype == dtypes.int64:
        offsets = math_ops.cast(offsets, dtypes.int64)
    flat_tags = array_ops.reshape(offsets + tag_indices, [-1])
    scores = array_ops.reshape(array_ops.gather(flat_inputs, flat_tags),
                               [batch_size, max_seq_len])
    masks = array_extra_ops.sequence_mask(sequence_lengths,
                                          maxlen=array_ops.shape(tag_indices)[1],
                                          dtype=dtypes.float32)
    return math_ops.reduce_sum(scores * masks, 1)


def crf_binary_score(tag_indices, sequence_lengths, transition_params):
    """The sum ([batch_size]) of the transition scores between consecutive given tags up
    to each length."""
    (tag_indices, sequence_lengths, transition_params) = _tensors(
        tag_indices, sequence_lengths, transition_params)
    num_tags = transition_params.get_shape()[0]
    transitions = array_ops.shape(tag_indices)[1] - 1
    starts = array_ops.slice(tag_indices, [0, 0], [-1, transitions])
    ends = array_ops.slice(tag_indices, [0, 1], [-1, transitions])
    flat_pairs = starts * dimension_value(num_tags) + ends
    scores = array_ops.gather(array_ops.reshape(transition_params, [-1]), flat_pairs)
    masks = array_extra_ops.sequence_mask(sequence_lengths,
                                          maxlen=array_ops.shape(tag_indices)[1],
                                          dtype=dtypes.float32)
    return math_ops.reduce_sum(scores * array_ops.slice(masks, [0, 1], [-1, -1]), 1)


class _TransitionCell(RNNCell):
    """A variable-free cell over [batch_size, num_tags] score vectors."""

    def __init__(self, transition_params):  # pylint: disable=super-init-not-called
        # No Layer set-up: these cells own no variables and take no scope, as in TF.
        self._transition_params = array_ops.expand_dims(transition_params, 0)
        self._num_tags = dimension_value(transition_params.shape[0])

    @property
    def state_size(self):
        return self._num_tags

    @property
    def output_size(self):
        return self._num_tags

    def _scores(self, state):
        # [B, O, 1] + [1, O, O]: entry (b, i, j) is "tag i at the previous step, then j".
        return array_ops.expand_dims(state, 2) + self._transition_params


class CrfForwardRnnCell(_TransitionCell):
    """The forward algorithm's step: new alphas = unary scores + log-sum-exp over the
    previous tag of (previous alphas + transition). Output and state are the alphas."""

    def __call__(self, inputs, state, scope=None):
        alphas = inputs + reduce_logsumexp(self._scores(state), [1])
        return alphas, alphas


class CrfDecodeForwardRnnCell(_TransitionCell):
    """Viterbi's forward step: the output is the best previous tag for each tag (int32
    backpointers), the state the best score ending in each tag."""

    def __call__(self, inputs, state, scope=None):
        scores = self._scores(state)
        best = inputs + math_ops.reduce_max(scores, [1])
        backpointers = math_ops.cast(math_ops.argmax(scores, 1), dtype=dtypes.int32)
        return backpointers, best


class CrfDecodeBackwardRnnCell(RNNCell):
    """Viterbi's backward step over time-reversed backpointers: the state ([batch_size, 1])
    is the tag chosen for the next position, the output the tag for this one."""

    def __init__(self, num_tags):  # pylint: disable=super-init-not-called
        self._num_tags = num_tags

    @property
    def state_size(self):
        return 1

    @property
    def output_size(self):
        return 1

    def __call__(self, inputs, state, scope=None):
        state = array_ops.squeeze(state, axis=[1])
        rows = math_ops.range(array_ops.shape(inputs)[0])
        picked = array_extra_ops.gather_nd(inputs, array_ops.stack([rows, state], axis=1))
        tags = array_ops.expand_dims(picked, axis=-1)
        return tags, tags


def viterbi_decode(score, transition_params):
    """``(viterbi, viterbi_score)`` in NumPy for one sequence: ``score`` is
    [seq_len, num_tags]; ``viterbi`` is a list of seq_len tag indices, ``viterbi_score``
    the best sequence's score. Ties go to the lowest tag index."""
    trellis = np.zeros_like(score)
    backpointers = np.zeros_like(score, dtype=np.int32)
    trellis[0] = score[0]
    for t in range(1, score.shape[0]):
        candidates = np.expand_dims(trellis[t - 1], 1) + transition_params
        trellis[t] = score[t] + np.max(candidates, 0)
        backpointers[t] = np.argmax(candidates, 0)
    path = [np.argmax(trellis[-1])]
    for pointers in backpointers[1:][::-1]:
        path.append(pointers[path[-1]])
    path.reverse()
    return path, np.max(trellis[-1])


def crf_decode(potentials, transition_params, sequence_length):
    """``(decode_tags, best_score)`` in the graph: the best tag sequence of each padded
    sequence ([batch_size, max_seq_len] int32) and its score ([batch_size])."""
    (potentials, transition_params, sequence_length) = _tensors(
        potentials, transition_params, sequence_length)

    def one_step():
        squeezed = array_ops.squeeze(potentials, [1])
        tags = array_ops.expand_dims(math_ops.argmax(squeezed, axis=1), 1)
        return math_ops.cast(tags, dtype=dtypes.int32), math_ops.reduce_max(squeezed, axis=1)

    def several_steps():
        num_tags = dimension_value(potentials.shape[2])
        first = array_ops.squeeze(array_ops.slice(potentials, [0, 0, 0], [-1, 1, -1]),
                                  axis=[1])
        rest = array_ops.slice(potentials, [0, 1, 0], [-1, -1, -1])
        lengths_less_one = _lengths_less_one(sequence_length)
        backpointers, last_score = dynamic_rnn(
            CrfDecodeForwardRnnCell(transition_params), rest,
            sequence_length=lengths_less_one, initial_state=first, time_major=False,
            dtype=dtypes.int32)
        backpointers = array_extra_ops.reverse_sequence(backpointers, lengths_less_one,
                                                        seq_axis=1)
        last_tag = array_ops.expand_dims(
            math_ops.cast(math_ops.argmax(last_score, axis=1), dtype=dtypes.int32), axis=-1)
        tags, _ = dynamic_rnn(CrfDecodeBackwardRnnCell(num_tags), backpointers,
                              sequence_length=lengths_less_one, initial_state=last_tag,
                              time_major=False, dtype=dtypes.int32)
        tags = array_ops.concat([last_tag, array_ops.squeeze(tags, axis=[2])], axis=1)
        tags = array_extra_ops.reverse_sequence(tags, sequence_length, seq_axis=1)
        return tags, math_ops.reduce_max(last_score, axis=1)

    return _choose(_one_step(potentials), one_step, several_steps)


__getattr__ = missing_attribute(__name__, "tf.contrib.crf")
