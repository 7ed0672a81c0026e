"""``tf.contrib.seq2seq.BeamSearchDecoder``, ``tile_batch`` and ``gather_tree``.

The decoder keeps ``beam_width`` hypotheses per batch entry. Each step runs the cell on the
``[batch * beam]`` merged rows, adds the step's log-softmax to each beam's total (finished
beams may only extend with ``end_token`` at no cost), scores the ``beam * vocab``
candidates (total log-probability divided by the GNMT length penalty
``((5 + length) / 6) ** length_penalty_weight``), keeps the best ``beam_width`` with
``top_k`` and reorders the cell state by the chosen parents. With
``coverage_penalty_weight`` (GNMT's coverage penalty) the attention probabilities of the
attentional cells are summed over the steps of each beam and a finished beam's score gains
``weight * sum_over_memory(log(min(coverage, 1)))`` (memory positions never attended to
are left out). Step outputs are the scores,
word ids and parent ids; ``finalize`` turns them into whole sequences with ``gather_tree``.
Memories and initial states must be tiled to ``batch * beam`` rows with ``tile_batch``.
"""

import collections
import warnings

import numpy as np

from ... import dtypes, nest
from ...graph import convert_to_tensor, name_scope
from ...ops import array_ops, math_ops, nn_ops
from ...ops.array_extra_ops import gather_nd, sequence_mask, top_k
from ...ops.beam_search_ops import gather_tree
from ...ops.common import constant_value
from ...ops.control_flow_ops import cond
from ...ops.tensor_array_ops import TensorArray
from ...tensor_shape import TensorShape
from .attention_wrapper import AttentionWrapperState
from .decoder import Decoder, _check_rnn_cell, _rnn_output_size, _static_batch
from .helper import _embedding_fn


class BeamSearchDecoderState(collections.namedtuple(
        "BeamSearchDecoderState", ("cell_state", "log_probs", "finished", "lengths",
                                   "accumulated_attention_probs"))):
    """The cell state per beam, each beam's total log-probability, finished flags and
    lengths (int64); ``accumulated_attention_probs`` ``[batch, beam, memory_time]`` with a
    coverage penalty, else ``()``."""


class BeamSearchDecoderOutput(collections.namedtuple(
        "BeamSearchDecoderOutput", ("scores", "predicted_ids", "parent_ids"))):
    """One step: the kept beams' scores, their last word ids and the beams they extend."""


class FinalBeamSearchDecoderOutput(collections.namedtuple(
        "FinalBeamDecoderOutput", ("predicted_ids", "beam_search_decoder_output"))):
    """``predicted_ids`` ``[batch, time, beam]`` (whole sequences, best beam first) and the
    per-step ``BeamSearchDecoderOutput``."""


def _tile_batch(t, multiplier):
    t = convert_to_tensor(t, name="t")
    if t.shape.ndims is None or t.shape.ndims < 1:
        raise ValueError("t must have statically known rank")
    shape_t = array_ops.shape(t)
    tiling = [1] * (t.shape.ndims + 1)
    tiling[1] = multiplier
    static_batch = t.shape.as_list()[0]
    tiled = array_ops.tile(array_ops.expand_dims(t, 1), tiling)
    tiled = array_ops.reshape(tiled, array_ops.concat([[shape_t[0] * multiplier],
                                                       shape_t[1:]], 0))
    tiled.set_shape(TensorShape([None if static_batch is None else static_batch * multiplier,
                                 *t.shape.as_list()[1:]]))
    return tiled


def tile_batch(t, multiplier, name=None):
    """Repeat each batch entry of every tensor in the nest ``t`` ``multiplier`` times in a
    row: ``[a, b]`` -> ``[a, a, b, b]`` (the layout ``BeamSearchDecoder`` expects)."""
    with name_scope(name or "tile_batch"):
        return nest.map_structure(lambda t_: _tile_batch(t_, multiplier), t)


def _gather_rows(gather_indices, gather_from, batch_size, range_size, gather_shape,
                 name=None):
    """For each batch entry, the rows of ``gather_from`` its ``gather_indices`` name
    (indices count within the entry's ``range_size`` rows)."""
    with name_scope(name or "tensor_gather_helper"):
        offsets = array_ops.expand_dims(math_ops.range(batch_size) * range_size, 1)
        flat_indices = array_ops.reshape(gather_indices + offsets, [-1])
        output = array_ops.gather(array_ops.reshape(gather_from, gather_shape), flat_indices)
        final_shape = array_ops.shape(gather_from)[:1 + len(gather_shape)]
        static_batch = _static_batch(batch_size)
        static = TensorShape([static_batch,
                              *gather_from.shape.as_list()[1:1 + len(gather_shape)]])
        output = array_ops.reshape(output, final_shape, name="output")
        output.set_shape(static)
        return output


def _mask_probs(probs, eos_token, finished):
    """Finished beams get log-probability 0 for ``eos_token`` and the lowest value for
    every other word, so they can only stay as they are."""
    vocab_size = probs.shape.as_list()[2]
    finished_row = array_ops.one_hot(eos_token, vocab_size, dtype=probs.dtype,
                                      on_value=0.0, off_value=probs.dtype.min)
    finished_probs = array_ops.tile(array_ops.reshape(finished_row, [1, 1, -1]),
                                    array_ops.concat([array_ops.shape(finished), [1]], 0))
    finished_mask = array_ops.tile(array_ops.expand_dims(finished, 2), [1, 1, vocab_size])
    return array_ops.where(finished_mask, finished_probs, probs)


def _length_penalty(sequence_lengths, penalty_factor):
    """GNMT's ``((5 + length) / 6) ** penalty_factor`` (1.0 when the factor is 0)."""
    penalty_factor = convert_to_tensor(penalty_factor, name="penalty_factor")
    penalty_factor.set_shape(())
    static = constant_value(penalty_factor)
    if static is not None and static == 0:
        return 1.0
    lengths = math_ops.cast(sequence_lengths, dtypes.float32)
    return (5.0 + lengths) ** penalty_factor / (5.0 + 1.0) ** penalty_factor


def _alignments_of(attention_state):
    """An AttentionWrapperState's alignments (the mean over its attention mechanisms)."""
    alignments = attention_state.alignments
    if isinstance(alignments, tuple):
        stacked = array_ops.concat([array_ops.expand_dims(a, -1) for a in alignments], -1)
        alignments = math_ops.reduce_mean(stacked, -1)
    return alignments


def _attention_probs(cell_state, coverage_penalty_weight):
    """The attention probabilities of the attentional cells in ``cell_state`` (their mean
    over several), or None when the coverage penalty is off."""
    if isinstance(coverage_penalty_weight, float | int) and coverage_penalty_weight == 0.0:
        return None
    if isinstance(cell_state, AttentionWrapperState):
        per_layer = [_alignments_of(cell_state)]
    elif isinstance(cell_state, tuple):
        per_layer = [_alignments_of(s) for s in cell_state
                     if isinstance(s, AttentionWrapperState)]
    else:
        per_layer = []
    if not per_layer:
        raise ValueError("coverage_penalty_weight must be 0.0 if no cell is attentional.")
    if len(per_layer) == 1:
        return per_layer[0]
    stacked = array_ops.concat([array_ops.expand_dims(p, -1) for p in per_layer], -1)
    return math_ops.reduce_mean(stacked, -1)


def _coverage_scores(scores, coverage_penalty_weight, finished, accumulated_attention_probs):
    """``scores`` plus the weighted coverage penalty of the beams already finished."""
    weight = convert_to_tensor(coverage_penalty_weight, name="coverage_penalty_weight")
    if weight.shape.ndims != 0:
        raise ValueError(f"coverage_penalty_weight should be a scalar, but saw shape: "
                         f"{weight.shape}")
    if constant_value(weight) == 0.0:
        return scores
    if accumulated_attention_probs is None:
        raise ValueError("accumulated_attention_probs can be None only if coverage penalty "
                         "is disabled.")
    # Memory positions no beam attended to (padding past the source length) count as 1.
    probs = array_ops.where(math_ops.equal(accumulated_attention_probs, 0.0),
                            array_ops.ones_like(accumulated_attention_probs),
                            accumulated_attention_probs)
    penalty = math_ops.reduce_sum(math_ops.log(math_ops.minimum(probs, 1.0)), 2)
    penalty *= math_ops.cast(finished, penalty.dtype)
    return scores + array_ops.expand_dims(penalty * math_ops.cast(weight, penalty.dtype), 2)


class BeamSearchDecoder(Decoder):
    """Beam search over ``cell`` with ``beam_width`` beams per batch entry (see the
    module). ``initial_state`` has ``batch * beam_width`` rows (``tile_batch``)."""

    def __init__(self, cell, embedding, start_tokens, end_token, initial_state, beam_width,
                 output_layer=None, length_penalty_weight=0.0, coverage_penalty_weight=0.0,
                 reorder_tensor_arrays=True):
        _check_rnn_cell(cell, "cell")
        if output_layer is not None and not callable(output_layer):
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell = cell
        self._output_layer = output_layer
        self._reorder_tensor_arrays = reorder_tensor_arrays
        self._embedding_fn = _embedding_fn(embedding)
        self._start_tokens = convert_to_tensor(start_tokens, dtype=dtypes.int32,
                                               name="start_tokens")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        self._end_token = convert_to_tensor(end_token, dtype=dtypes.int32, name="end_token")
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        self._batch_size = array_ops.size(self._start_tokens)
        self._beam_width = beam_width
        self._length_penalty_weight = length_penalty_weight
        self._coverage_penalty_weight = coverage_penalty_weight
        self._initial_cell_state = nest.map_structure(self._maybe_split_batch_beams,
                                                      initial_state)
        self._start_tokens = array_ops.tile(array_ops.expand_dims(self._start_tokens, 1),
                                            [1, self._beam_width])
        self._start_inputs = self._embedding_fn(self._start_tokens)
        self._finished = array_ops.one_hot(array_ops.zeros([self._batch_size], dtypes.int32),
                                           depth=self._beam_width, on_value=False,
                                           off_value=True, dtype=dtypes.bool)

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def tracks_own_finished(self):
        return True

    def _rnn_output_size(self):
        return _rnn_output_size(self._cell, self._output_layer)

    @property
    def output_size(self):
        beams = TensorShape([self._beam_width])
        return BeamSearchDecoderOutput(scores=beams, predicted_ids=beams, parent_ids=beams)

    @property
    def output_dtype(self):
        dtype = nest.flatten(self._initial_cell_state)[0].dtype
        return BeamSearchDecoderOutput(
            scores=nest.map_structure(lambda _: dtype, self._rnn_output_size()),
            predicted_ids=dtypes.int32, parent_ids=dtypes.int32)

    # -- moving between [batch * beam, ...] and [batch, beam, ...] -------------------------
    def _merge_batch_beams(self, t, s=None):
        shape = array_ops.shape(t)
        merged = array_ops.reshape(t, array_ops.concat(
            [[self._batch_size * self._beam_width], shape[2:]], 0))
        static_batch = _static_batch(self._batch_size)
        rest = t.shape.as_list()[2:] if t.shape.ndims is not None else None
        if rest is not None:
            merged.set_shape(TensorShape([None if static_batch is None
                                          else static_batch * self._beam_width, *rest]))
        return merged

    def _split_batch_beams(self, t, s=None):
        expected = TensorShape([_static_batch(self._batch_size),
                                self._beam_width, *t.shape.as_list()[1:]])
        rows = t.shape.as_list()[0] if t.shape.ndims else None
        static_batch = _static_batch(self._batch_size)
        whole = None if static_batch is None else static_batch * self._beam_width
        # Checked before reshaping: a statically known shape makes the reshape's own shape
        # check fail first, with a message that does not say what to do.
        if rows is not None and whole is not None and rows != whole:
            raise self._split_error(t.shape, expected)
        shape = array_ops.shape(t)
        split = array_ops.reshape(t, array_ops.concat(
            [[self._batch_size, self._beam_width], shape[1:]], 0))
        if not split.shape.is_compatible_with(expected):
            raise self._split_error(split.shape, expected)
        split.set_shape(expected)
        return split

    @staticmethod
    def _split_error(shape, expected):
        return ValueError(
            f"Unexpected behavior when reshaping between beam width and batch size.  The "
            f"reshaped tensor has shape: {shape}.  We expected it to have shape "
            f"(batch_size, beam_width, depth) == {expected}.  Perhaps you forgot to create "
            f"a zero_state with batch_size=encoder_batch_size * beam_width?")

    def _maybe_split_batch_beams(self, t, s=None):
        if isinstance(t, TensorArray):
            return t
        t = convert_to_tensor(t)
        if t.shape.ndims is None:
            raise ValueError(f"Expected tensor ({t.name}) to have known rank, but ndims == "
                             f"None.")
        return self._split_batch_beams(t, s) if t.shape.ndims >= 1 else t

    def _maybe_merge_batch_beams(self, t, s=None):
        if isinstance(t, TensorArray):
            return t
        if t.shape.ndims is None:
            raise ValueError(f"Expected tensor ({t.name}) to have known rank, but ndims == "
                             f"None.")
        return self._merge_batch_beams(t, s) if t.shape.ndims >= 2 else t

    def _maybe_gather_beams(self, t, parent_ids):
        if isinstance(t, TensorArray) or t.shape.ndims is None or t.shape.ndims < 2:
            return t
        return _gather_rows(parent_ids, t, self._batch_size, self._beam_width,
                            [self._batch_size * self._beam_width, -1])

    def _maybe_sort_array_beams(self, t, parent_ids, sequence_length):
        """A TensorArray of per-beam values (e.g. an alignment history) reordered so that
        each final beam reads its own ancestors' entries; other leaves pass through."""
        if not isinstance(t, TensorArray):
            return t
        shape = t.element_shape
        if shape.ndims is None or shape.ndims < 1:
            warnings.warn(f"The TensorArray {t.handle.name} in the cell state is not "
                          f"amenable to sorting based on the beam search result. It will not "
                          f"be reordered.", stacklevel=2)
            return t
        stacked = t.stack()
        return TensorArray(t.dtype, size=0, dynamic_size=True).unstack(
            _gather_tree_from_array(stacked, parent_ids, sequence_length, self._batch_size,
                                    self._beam_width))

    def initialize(self, name=None):
        with name_scope(name or "BeamSearchDecoderInitialize"):
            dtype = nest.flatten(self._initial_cell_state)[0].dtype
            log_probs = array_ops.one_hot(
                array_ops.zeros([self._batch_size], dtypes.int32), depth=self._beam_width,
                on_value=convert_to_tensor(0.0, dtype=dtype),
                off_value=convert_to_tensor(-np.inf, dtype=dtype), dtype=dtype)
            state = BeamSearchDecoderState(
                cell_state=self._initial_cell_state, log_probs=log_probs,
                finished=self._finished,
                lengths=array_ops.zeros([self._batch_size, self._beam_width], dtypes.int64),
                accumulated_attention_probs=_or_empty(_attention_probs(
                    self._initial_cell_state, self._coverage_penalty_weight)))
        return self._finished, self._start_inputs, state

    def finalize(self, outputs, final_state, sequence_lengths):
        """Whole sequences from the step outputs (``gather_tree``), best beam first."""
        max_lengths = math_ops.cast(math_ops.reduce_max(final_state.lengths, axis=1),
                                    dtypes.int32)
        predicted_ids = gather_tree(outputs.predicted_ids, outputs.parent_ids,
                                    max_sequence_lengths=max_lengths,
                                    end_token=self._end_token)
        if self._reorder_tensor_arrays:
            final_state = final_state._replace(cell_state=nest.map_structure(
                lambda t: self._maybe_sort_array_beams(t, outputs.parent_ids,
                                                       final_state.lengths),
                final_state.cell_state))
        return FinalBeamSearchDecoderOutput(beam_search_decoder_output=outputs,
                                            predicted_ids=predicted_ids), final_state

    def step(self, time, inputs, state, name=None):
        with name_scope(name or "BeamSearchDecoderStep"):
            cell_state = nest.map_structure(self._maybe_merge_batch_beams, state.cell_state)
            inputs = nest.map_structure(self._merge_batch_beams, inputs)
            cell_outputs, next_cell_state = self._cell(inputs, cell_state)
            cell_outputs = nest.map_structure(self._split_batch_beams, cell_outputs)
            next_cell_state = nest.map_structure(self._maybe_split_batch_beams,
                                                 next_cell_state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            output, next_state = self._search_step(time, cell_outputs, next_cell_state, state)
            finished = next_state.finished
            next_inputs = cond(math_ops.reduce_all(finished), lambda: self._start_inputs,
                               lambda: self._embedding_fn(output.predicted_ids))
        return output, next_state, next_inputs, finished

    def _search_step(self, time, logits, next_cell_state, beam_state):
        batch_size = self._batch_size
        beam_width = self._beam_width
        end_token = self._end_token
        previously_finished = beam_state.finished
        not_finished = math_ops.logical_not(previously_finished)
        step_log_probs = _mask_probs(nn_ops.log_softmax(logits), end_token,
                                     previously_finished)
        total_probs = array_ops.expand_dims(beam_state.log_probs, 2) + step_log_probs
        vocab_size = logits.shape.as_list()[-1]
        if vocab_size is None:
            raise ValueError(f"BeamSearchDecoder needs the vocabulary size (the logits' last "
                             f"dimension) statically, got logits of shape {logits.shape}")
        # A word adds one to a beam's length unless it is end_token or the beam is done.
        lengths_to_add = array_ops.one_hot(
            array_ops.fill([batch_size, beam_width], end_token), depth=vocab_size,
            on_value=np.int64(0), off_value=np.int64(1), dtype=dtypes.int64)
        lengths_to_add *= array_ops.expand_dims(math_ops.cast(not_finished, dtypes.int64), 2)
        new_lengths = lengths_to_add + array_ops.expand_dims(beam_state.lengths, 2)
        accumulated = None
        attention_probs = _attention_probs(next_cell_state, self._coverage_penalty_weight)
        if attention_probs is not None:
            attention_probs *= array_ops.expand_dims(
                math_ops.cast(not_finished, attention_probs.dtype), 2)
            accumulated = beam_state.accumulated_attention_probs + attention_probs
        scores = total_probs / math_ops.cast(
            _length_penalty(new_lengths, self._length_penalty_weight), total_probs.dtype)
        scores = _coverage_scores(scores, self._coverage_penalty_weight, previously_finished,
                                  accumulated)
        scores_flat = array_ops.reshape(scores, [batch_size, -1])
        next_scores, word_indices = top_k(scores_flat, k=beam_width)
        static = [_static_batch(batch_size), beam_width]
        next_scores.set_shape(static)
        word_indices.set_shape(static)
        next_probs = _gather_rows(word_indices, total_probs, batch_size,
                                  beam_width * vocab_size, [-1], name="next_beam_probs")
        next_word_ids = math_ops.cast(word_indices % vocab_size, dtypes.int32,
                                      name="next_beam_word_ids")
        next_beam_ids = math_ops.cast(word_indices // vocab_size, dtypes.int32,
                                      name="next_beam_parent_ids")
        parent_finished = _gather_rows(next_beam_ids, previously_finished, batch_size,
                                       beam_width, [-1])
        next_finished = math_ops.logical_or(parent_finished,
                                            math_ops.equal(next_word_ids, end_token),
                                            name="next_beam_finished")
        next_lengths = _gather_rows(next_beam_ids, beam_state.lengths, batch_size,
                                    beam_width, [-1])
        next_lengths += math_ops.cast(math_ops.logical_not(parent_finished), dtypes.int64)
        next_cell_state = nest.map_structure(
            lambda t: self._maybe_gather_beams(t, next_beam_ids), next_cell_state)
        next_accumulated = ()
        if accumulated is not None:
            next_accumulated = _gather_rows(next_beam_ids, accumulated, batch_size, beam_width,
                                            [batch_size * beam_width, -1],
                                            name="next_accumulated_attention_probs")
        state = BeamSearchDecoderState(cell_state=next_cell_state, log_probs=next_probs,
                                       lengths=next_lengths, finished=next_finished,
                                       accumulated_attention_probs=next_accumulated)
        output = BeamSearchDecoderOutput(scores=next_scores, predicted_ids=next_word_ids,
                                         parent_ids=next_beam_ids)
        return output, state


def _or_empty(value):
    return () if value is None else value


def _gather_tree_from_array(t, parent_ids, sequence_length, batch_size, beam_width):
    """Reorder ``t`` ``[time, batch * beam, ...]`` along the final beams' ancestry (as
    ``gather_tree`` does for ids); past a beam's length its own row is kept."""
    max_time = array_ops.shape(parent_ids)[0]
    beam_ids = array_ops.reshape(math_ops.range(beam_width), [1, 1, beam_width])
    beam_ids = array_ops.tile(beam_ids, array_ops.stack([max_time, batch_size, 1]))
    max_lengths = math_ops.cast(math_ops.reduce_max(sequence_length, axis=1), dtypes.int32)
    sorted_beam_ids = gather_tree(beam_ids, parent_ids, max_sequence_lengths=max_lengths,
                                  end_token=beam_width + 1)
    in_bound = array_ops.transpose(
        sequence_mask(sequence_length, maxlen=max_time), [2, 0, 1])
    sorted_beam_ids = array_ops.where(in_bound, sorted_beam_ids, beam_ids)
    time_ids = array_ops.tile(array_ops.reshape(math_ops.range(max_time), [-1, 1, 1]),
                              array_ops.stack([1, batch_size, beam_width]))
    batch_ids = array_ops.tile(array_ops.reshape(math_ops.range(batch_size), [1, -1, 1]),
                               array_ops.stack([max_time, 1, beam_width]))
    indices = array_ops.stack([time_ids, batch_ids * beam_width + sorted_beam_ids], -1)
    gathered = gather_nd(t, indices)
    return array_ops.reshape(gathered, array_ops.shape(t))


__all__ = ["BeamSearchDecoder", "BeamSearchDecoderOutput", "BeamSearchDecoderState",
           "FinalBeamSearchDecoderOutput", "gather_tree", "tile_batch"]
