"""``tf.contrib.seq2seq`` decoding: the ``Decoder`` interface, ``BasicDecoder`` and
``dynamic_decode``.

``dynamic_decode`` is one ``tf.while_loop`` whose loop variables are the step counter, one
TensorArray per output (written at each step), the decoder's state, the next inputs, the
finished flags and the sequence lengths; it stops when every row is finished or after
``maximum_iterations`` steps, so the number of steps is decided at run time and the whole
loop differentiates through the While op's gradient like ``dynamic_rnn``.
"""

import collections
import contextlib

import numpy as np

from ... import dtypes, nest
from ...graph import Tensor, convert_to_tensor, name_scope
from ...layers.base import Layer
from ...ops import array_ops, math_ops
from ...ops.common import constant_value
from ...ops.control_flow_ops import while_loop
from ...ops.tensor_array_ops import TensorArray
from ...rnn_cell_impl import _zeros
from ...tensor_shape import TensorShape
from ...variable_scope import variable_scope
from .helper import Helper, _transpose_batch_time


def _check_rnn_cell(cell, name="cell"):
    """TF's ``assert_like_rnncell``: the object needs the sizes and to be callable."""
    missing = [what for what, ok in (
        ("'output_size' property is missing", hasattr(cell, "output_size")),
        ("'state_size' property is missing", hasattr(cell, "state_size")),
        ("either 'zero_state' or 'get_initial_state' method is required",
         hasattr(cell, "zero_state") or hasattr(cell, "get_initial_state")),
        ("is not callable", callable(cell))) if not ok]
    if missing:
        raise TypeError(f"The argument {name!r} ({cell}) is not an RNNCell: "
                        f"{', '.join(missing)}.")


def _shape_list(size):
    """A state/output size (int, scalar tensor, list or TensorShape) as a list of dims (a
    tensor when the size is only known at run time, e.g. a memory's length)."""
    if isinstance(size, TensorShape):
        return size.as_list()
    if isinstance(size, int | Tensor):
        return [size]
    return list(size)


def _zero_state_tensors(size, batch_size, dtype):
    """Zeros of shape ``[batch_size] + size`` for every leaf of the nest ``size``."""
    return nest.map_structure(lambda s: _zeros(batch_size, _shape_list(s), dtype), size)


def _static_batch(batch_size):
    """A batch size known at build time (an int, a constant, or the Size of a tensor of
    static shape, as TF's constant folding finds), else None."""
    if isinstance(batch_size, int):
        return batch_size
    batch_size = convert_to_tensor(batch_size)
    if batch_size.op.type == "Size" and batch_size.op.inputs[0].shape.is_fully_defined():
        return int(np.prod(batch_size.op.inputs[0].shape.as_list(), dtype=np.int64))
    value = constant_value(batch_size)
    return None if value is None else int(value)


def _rnn_output_size(cell, output_layer):
    """The cell's output size, or the output layer's when there is one (per row)."""
    size = cell.output_size
    if output_layer is None:
        return size
    with_batch = nest.map_structure(lambda s: TensorShape([None, *_shape_list(s)]), size)
    layer_shape = output_layer.compute_output_shape(with_batch)
    return nest.map_structure(lambda s: TensorShape(TensorShape(s).as_list()[1:]), layer_shape)


class Decoder:
    """What ``dynamic_decode`` drives: ``initialize`` once, then ``step`` until finished."""

    @property
    def batch_size(self):
        raise NotImplementedError

    @property
    def output_size(self):
        """A nest of TensorShapes or ints: each output's shape without the batch axis."""
        raise NotImplementedError

    @property
    def output_dtype(self):
        raise NotImplementedError

    def initialize(self, name=None):
        """``(finished, initial_inputs, initial_state)``."""
        raise NotImplementedError

    def step(self, time, inputs, state, name=None):
        """``(outputs, next_state, next_inputs, finished)``."""
        raise NotImplementedError

    def finalize(self, outputs, final_state, sequence_lengths):
        raise NotImplementedError

    @property
    def tracks_own_finished(self):
        """True when ``step``'s finished flags already include rows finished earlier (so
        ``dynamic_decode`` must not OR them with its own)."""
        return False


class BasicDecoderOutput(collections.namedtuple("BasicDecoderOutput",
                                                ("rnn_output", "sample_id"))):
    """One step's cell output (after ``output_layer``) and the helper's sample id."""


class BasicDecoder(Decoder):
    """Runs ``cell`` one step at a time, projecting its output with ``output_layer`` and
    letting ``helper`` choose the sample ids and the next inputs."""

    def __init__(self, cell, helper, initial_state, output_layer=None):
        _check_rnn_cell(cell, "cell")
        if not isinstance(helper, Helper):
            raise TypeError(f"helper must be a Helper, received: {type(helper)}")
        layer_like = isinstance(output_layer, Layer) or (
            callable(output_layer) and hasattr(output_layer, "compute_output_shape"))
        if output_layer is not None and not layer_like:
            raise TypeError(f"output_layer must be a Layer, received: {type(output_layer)}")
        self._cell = cell
        self._helper = helper
        self._initial_state = initial_state
        self._output_layer = output_layer

    @property
    def batch_size(self):
        return self._helper.batch_size

    def _rnn_output_size(self):
        return _rnn_output_size(self._cell, self._output_layer)

    @property
    def output_size(self):
        return BasicDecoderOutput(rnn_output=self._rnn_output_size(),
                                  sample_id=self._helper.sample_ids_shape)

    @property
    def output_dtype(self):
        dtype = nest.flatten(self._initial_state)[0].dtype
        return BasicDecoderOutput(nest.map_structure(lambda _: dtype, self._rnn_output_size()),
                                  self._helper.sample_ids_dtype)

    def initialize(self, name=None):
        finished, first_inputs = self._helper.initialize()
        return finished, first_inputs, self._initial_state

    def step(self, time, inputs, state, name=None):
        with name_scope(name or "BasicDecoderStep"):
            cell_outputs, cell_state = self._cell(inputs, state)
            if self._output_layer is not None:
                cell_outputs = self._output_layer(cell_outputs)
            sample_ids = self._helper.sample(time=time, outputs=cell_outputs, state=cell_state)
            finished, next_inputs, next_state = self._helper.next_inputs(
                time=time, outputs=cell_outputs, state=cell_state, sample_ids=sample_ids)
        outputs = BasicDecoderOutput(cell_outputs, sample_ids)
        return outputs, next_state, next_inputs, finished


def _output_array(size, dtype, batch):
    """A growing TensorArray for one output; its elements are ``[batch] + size``."""
    known = not isinstance(size, TensorShape) or size.ndims is not None
    element = TensorShape([batch, *_shape_list(size)]) if known else None
    return TensorArray(dtype, size=0, dynamic_size=True, element_shape=element)


def _keep_state(finished, new, old):
    """Finished rows keep ``old`` (TensorArrays and scalars pass through unchanged)."""
    if isinstance(old, TensorArray):
        return new
    new.set_shape(old.shape)
    if new.shape.ndims == 0:
        return new
    return array_ops.where(finished, old, new)


def dynamic_decode(decoder, output_time_major=False, impute_finished=False,
                   maximum_iterations=None, parallel_iterations=32, swap_memory=False,
                   scope=None):
    """Run ``decoder`` until every row is finished (or ``maximum_iterations`` steps).

    Returns ``(final_outputs, final_state, final_sequence_lengths)``: outputs stacked over
    time (``[batch, time, ...]``, or ``[time, batch, ...]`` with ``output_time_major``), the
    last state, and each row's length (the step at which it finished, int32). With
    ``impute_finished``, finished rows output zeros and keep their state, so the final state
    is each row's state at its own end and no gradient flows through the padding.
    """
    if not isinstance(decoder, Decoder):
        raise TypeError(f"Expected decoder to be type Decoder, but saw: {type(decoder)}")
    with variable_scope(scope, default_name="decoder"):
        if maximum_iterations is not None:
            maximum_iterations = convert_to_tensor(maximum_iterations, dtype=dtypes.int32,
                                                   name="maximum_iterations")
            if maximum_iterations.shape.ndims != 0:
                raise ValueError("maximum_iterations must be a scalar")
        initial_finished, initial_inputs, initial_state = decoder.initialize()
        batch = _static_batch(decoder.batch_size)
        zero_outputs = nest.map_structure(
            lambda size, dtype: _zero_state_tensors(size, decoder.batch_size, dtype),
            decoder.output_size, decoder.output_dtype)
        if maximum_iterations is not None:
            initial_finished = math_ops.logical_or(
                initial_finished, math_ops.greater_equal(0, maximum_iterations))
        initial_lengths = array_ops.zeros_like(initial_finished, dtype=dtypes.int32)
        initial_time = array_ops.constant(0, dtype=dtypes.int32)
        initial_arrays = nest.map_structure(lambda s, d: _output_array(s, d, batch),
                                            decoder.output_size, decoder.output_dtype)

        def condition(time, arrays, state, inputs, finished, lengths):
            return math_ops.logical_not(math_ops.reduce_all(finished))

        def body(time, arrays, state, inputs, finished, lengths):
            outputs, decoder_state, next_inputs, decoder_finished = decoder.step(
                time, inputs, state)
            if decoder.tracks_own_finished:
                next_finished = decoder_finished
            else:
                next_finished = math_ops.logical_or(decoder_finished, finished)
            next_finished.set_shape(finished.shape)
            next_lengths = array_ops.where(
                math_ops.logical_not(finished),
                array_ops.fill(array_ops.shape(lengths), time + 1), lengths)
            nest.assert_same_structure(state, decoder_state)
            nest.assert_same_structure(arrays, outputs)
            nest.assert_same_structure(inputs, next_inputs)
            if impute_finished:
                emit = nest.map_structure(lambda out, zero: array_ops.where(finished, zero, out),
                                          outputs, zero_outputs)
                next_state = nest.map_structure(
                    lambda new, old: _keep_state(finished, new, old), decoder_state, state)
            else:
                emit = outputs
                next_state = decoder_state
            arrays = nest.map_structure(lambda ta, out: ta.write(time, out), arrays, emit)
            return time + 1, arrays, next_state, next_inputs, next_finished, next_lengths

        result = while_loop(condition, body,
                            (initial_time, initial_arrays, initial_state, initial_inputs,
                             initial_finished, initial_lengths),
                            parallel_iterations=parallel_iterations,
                            maximum_iterations=maximum_iterations, swap_memory=swap_memory)
        final_state = result[2]
        final_lengths = result[5]
        final_outputs = nest.map_structure(lambda ta: ta.stack(), result[1])
        # A decoder without finalize (the base class raises) keeps the stacked outputs.
        with contextlib.suppress(NotImplementedError):
            final_outputs, final_state = decoder.finalize(final_outputs, final_state,
                                                          final_lengths)
        if not output_time_major:
            final_outputs = nest.map_structure(_transpose_batch_time, final_outputs)
    return final_outputs, final_state, final_lengths


__all__ = ["BasicDecoder", "BasicDecoderOutput", "Decoder", "dynamic_decode"]
