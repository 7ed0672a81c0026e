"""``tf.contrib.seq2seq.AttentionWrapper``: an RNN cell that attends over a memory each step.

Each step feeds ``cell_input_fn(inputs, previous attention)`` (a concat by default) to the
wrapped cell, queries every attention mechanism with the cell's output, mixes the memory
values by the alignments into a context and (with ``attention_layer_size``) projects
``[cell_output, context]`` through a bias-free Dense named ``attention_layer``. The state is
an ``AttentionWrapperState`` namedtuple; ``alignment_history`` keeps every step's
alignments in a TensorArray (stacked to ``[time, batch, memory_time]`` by the caller).
Variables live in the cell's scope (``decoder/attention_wrapper/...``) as in TensorFlow.
"""

import collections

from ... import dtypes, nest
from ...graph import Tensor, control_dependencies, name_scope
from ...layers.core import Dense
from ...ops import array_ops, math_ops
from ...ops.debug_ops import assert_equal
from ...ops.tensor_array_ops import TensorArray
from ...rnn_cell_impl import RNNCell
from ...tensor_shape import TensorShape, dimension_value
from .attention_mechanisms import AttentionMechanism, _dim
from .decoder import _check_rnn_cell, _zero_state_tensors


class AttentionWrapperState(collections.namedtuple(
        "AttentionWrapperState", ("cell_state", "attention", "time", "alignments",
                                  "alignment_history", "attention_state"))):
    """The state of an ``AttentionWrapper``: the wrapped cell's state, the last attention
    vector, the step counter, the last alignments (and their history) per mechanism."""

    def clone(self, **kwargs):
        """A copy with the given fields replaced; replaced tensors keep the old static
        shape (as ``zero_state(...).clone(cell_state=encoder_state)`` expects)."""

        def with_same_shape(old, new):
            if isinstance(old, Tensor) and isinstance(new, Tensor):
                new.set_shape(old.shape)
            return new

        replaced = super()._replace(**kwargs)
        return nest.map_structure(with_same_shape, self, replaced)


def _compute_attention(attention_mechanism, cell_output, attention_state, attention_layer):
    """``(attention, alignments, next_attention_state)`` for one mechanism."""
    alignments, next_attention_state = attention_mechanism(cell_output,
                                                           state=attention_state)
    context = math_ops.matmul(array_ops.expand_dims(alignments, 1),
                              attention_mechanism.values)
    context = array_ops.squeeze(context, [1])
    if attention_layer is not None:
        attention = attention_layer(array_ops.concat([cell_output, context], 1))
    else:
        attention = context
    return attention, alignments, next_attention_state


def _batch_check(expected, actual, message):
    if isinstance(expected, int) and isinstance(actual, int):
        if expected != actual:
            raise ValueError(f"{message} (batch sizes {actual} and {expected})")
        return []
    return [assert_equal(actual, expected, message=message)]


class AttentionWrapper(RNNCell):
    """Wraps ``cell`` with one or more attention mechanisms (a list gives one attention
    per mechanism, concatenated)."""

    def __init__(self, cell, attention_mechanism, attention_layer_size=None,
                 alignment_history=False, cell_input_fn=None, output_attention=True,
                 initial_cell_state=None, name=None, attention_layer=None,
                 attention_fn=None):
        super().__init__(name=name)
        _check_rnn_cell(cell, "cell")
        if isinstance(attention_mechanism, list | tuple):
            self._is_multi = True
            mechanisms = tuple(attention_mechanism)
            for mechanism in mechanisms:
                if not isinstance(mechanism, AttentionMechanism):
                    raise TypeError(f"attention_mechanism must contain only instances of "
                                    f"AttentionMechanism, saw type: {type(mechanism).__name__}")
        else:
            self._is_multi = False
            if not isinstance(attention_mechanism, AttentionMechanism):
                raise TypeError(f"attention_mechanism must be an AttentionMechanism or list "
                                f"of multiple AttentionMechanism instances, saw type: "
                                f"{type(attention_mechanism).__name__}")
            mechanisms = (attention_mechanism,)
        if cell_input_fn is None:
            cell_input_fn = lambda inputs, attention: array_ops.concat(  # noqa: E731
                [inputs, attention], -1)
        elif not callable(cell_input_fn):
            raise TypeError(f"cell_input_fn must be callable, saw type: "
                            f"{type(cell_input_fn).__name__}")
        if attention_layer_size is not None and attention_layer is not None:
            raise ValueError("Only one of attention_layer_size and attention_layer should be "
                             "set")
        if attention_layer_size is not None:
            sizes = tuple(attention_layer_size if isinstance(attention_layer_size, list | tuple)
                          else (attention_layer_size,))
            if len(sizes) != len(mechanisms):
                raise ValueError(f"If provided, attention_layer_size must contain exactly one "
                                 f"integer per attention_mechanism, saw: {len(sizes)} vs "
                                 f"{len(mechanisms)}")
            self._attention_layers = tuple(
                Dense(size, name="attention_layer", use_bias=False, dtype=mechanism.dtype)
                for size, mechanism in zip(sizes, mechanisms))
            self._attention_layer_size = sum(sizes)
        elif attention_layer is not None:
            layers = tuple(attention_layer if isinstance(attention_layer, list | tuple)
                           else (attention_layer,))
            if len(layers) != len(mechanisms):
                raise ValueError(f"If provided, attention_layer must contain exactly one "
                                 f"layer per attention_mechanism, saw: {len(layers)} vs "
                                 f"{len(mechanisms)}")
            self._attention_layers = layers
            self._attention_layer_size = sum(
                TensorShape(layer.compute_output_shape(TensorShape(
                    [None, cell.output_size + dimension_value(m.values.shape[-1])]))
                ).as_list()[-1] for layer, m in zip(layers, mechanisms))
        else:
            self._attention_layers = None
            self._attention_layer_size = sum(dimension_value(m.values.shape[-1])
                                             for m in mechanisms)
        self._cell = cell
        self._attention_mechanisms = mechanisms
        self._cell_input_fn = cell_input_fn
        self._output_attention = output_attention
        self._alignment_history = alignment_history
        self._attention_fn = attention_fn or _compute_attention
        self._initial_cell_state = None
        if initial_cell_state is not None:
            with name_scope(name or "AttentionWrapperInit"):
                last = nest.flatten(initial_cell_state)[-1]
                checks = self._batch_size_checks(
                    _dim(last, 0),
                    f"When constructing AttentionWrapper {self.name}: Non-matching batch sizes "
                    f"between the memory (encoder output) and initial_cell_state.  Are you "
                    f"using the BeamSearchDecoder?  You may need to tile your initial state "
                    f"via the tf.contrib.seq2seq.tile_batch function with argument "
                    f"multiple=beam_width.")
                with control_dependencies(checks):
                    self._initial_cell_state = nest.map_structure(
                        lambda s: array_ops.identity(s, name="check_initial_cell_state"),
                        initial_cell_state)

    def _batch_size_checks(self, batch_size, message):
        checks = []
        for mechanism in self._attention_mechanisms:
            checks.extend(_batch_check(mechanism.batch_size, batch_size, message))
        return checks

    def _item_or_tuple(self, seq):
        items = tuple(seq)
        return items if self._is_multi else items[0]

    @property
    def output_size(self):
        return self._attention_layer_size if self._output_attention else self._cell.output_size

    @property
    def state_size(self):
        mechanisms = self._attention_mechanisms
        return AttentionWrapperState(
            cell_state=self._cell.state_size, time=TensorShape([]),
            attention=self._attention_layer_size,
            alignments=self._item_or_tuple(m.alignments_size for m in mechanisms),
            attention_state=self._item_or_tuple(m.state_size for m in mechanisms),
            alignment_history=self._item_or_tuple(
                m.alignments_size if self._alignment_history else () for m in mechanisms))

    def zero_state(self, batch_size, dtype):
        """The initial state: the cell's (or ``initial_cell_state``), zero attention and
        alignments, time 0 and empty alignment histories."""
        with name_scope(type(self).__name__ + "ZeroState"):
            if self._initial_cell_state is not None:
                cell_state = self._initial_cell_state
            else:
                cell_state = self._cell.zero_state(batch_size, dtype)
            message = (f"When calling zero_state of AttentionWrapper {self.name}: Non-matching "
                       f"batch sizes between the memory (encoder output) and the requested "
                       f"batch size.  Are you using the BeamSearchDecoder?  If so, make sure "
                       f"your encoder output has been tiled to beam_width via "
                       f"tf.contrib.seq2seq.tile_batch, and the batch_size= argument passed "
                       f"to zero_state is batch_size * beam_width.")
            with control_dependencies(self._batch_size_checks(batch_size, message)):
                cell_state = nest.map_structure(
                    lambda s: array_ops.identity(s, name="checked_cell_state"), cell_state)
            alignments = [m.initial_alignments(batch_size, dtype)
                          for m in self._attention_mechanisms]
            histories = [TensorArray(dtype, size=0, dynamic_size=True,
                                     element_shape=a.shape) if self._alignment_history else ()
                         for a in alignments]
            return AttentionWrapperState(
                cell_state=cell_state, time=array_ops.zeros([], dtype=dtypes.int32),
                attention=_zero_state_tensors(self._attention_layer_size, batch_size, dtype),
                alignments=self._item_or_tuple(alignments),
                attention_state=self._item_or_tuple(
                    m.initial_state(batch_size, dtype) for m in self._attention_mechanisms),
                alignment_history=self._item_or_tuple(histories))

    def call(self, inputs, state):
        if not isinstance(state, AttentionWrapperState):
            raise TypeError(f"Expected state to be instance of AttentionWrapperState. "
                            f"Received type {type(state)} instead.")
        cell_inputs = self._cell_input_fn(inputs, state.attention)
        cell_output, next_cell_state = self._cell(cell_inputs, state.cell_state)
        message = (f"When applying AttentionWrapper {self.name}: Non-matching batch sizes "
                   f"between the memory (encoder output) and the query (decoder output).  "
                   f"Are you using the BeamSearchDecoder?  You may need to tile your memory "
                   f"input via the tf.contrib.seq2seq.tile_batch function with argument "
                   f"multiple=beam_width.")
        with control_dependencies(self._batch_size_checks(_dim(cell_output, 0), message)):
            cell_output = array_ops.identity(cell_output, name="checked_cell_output")
        if self._is_multi:
            previous_states = state.attention_state
            previous_histories = state.alignment_history
        else:
            previous_states = [state.attention_state]
            previous_histories = [state.alignment_history]
        attentions, all_alignments, attention_states, histories = [], [], [], []
        for index, mechanism in enumerate(self._attention_mechanisms):
            layer = self._attention_layers[index] if self._attention_layers else None
            attention, alignments, next_attention_state = self._attention_fn(
                mechanism, cell_output, previous_states[index], layer)
            history = (previous_histories[index].write(state.time, alignments)
                       if self._alignment_history else ())
            attentions.append(attention)
            all_alignments.append(alignments)
            attention_states.append(next_attention_state)
            histories.append(history)
        attention = array_ops.concat(attentions, 1)
        next_state = AttentionWrapperState(
            time=state.time + 1, cell_state=next_cell_state, attention=attention,
            attention_state=self._item_or_tuple(attention_states),
            alignments=self._item_or_tuple(all_alignments),
            alignment_history=self._item_or_tuple(histories))
        if self._output_attention:
            return attention, next_state
        return cell_output, next_state


__all__ = ["AttentionWrapper", "AttentionWrapperState"]
