"""Unrolling a cell over time: ``static_rnn``, ``dynamic_rnn`` and their bidirectional forms.

``static_rnn`` builds one copy of the cell per time step (a straight-line graph, the
fastest plan for short fixed sequences); ``dynamic_rnn`` builds the cell once inside a
``while_loop`` over a TensorArray of time steps. Both use the variable scope ``rnn`` (or
``scope``), so the cell's variables are named ``rnn/<cell>/kernel`` as in TensorFlow. With
``sequence_length``, rows past their length output zeros and keep their last state.
"""

from . import dtypes, nest
from .graph import convert_to_tensor, name_scope
from .ops import array_extra_ops, array_ops, math_ops
from .ops.control_flow_ops import while_loop
from .ops.tensor_array_ops import TensorArray
from .tensor_shape import TensorShape
from .variable_scope import variable_scope


def _check_cell(cell, name):
    if not callable(cell) or not hasattr(cell, "state_size"):
        raise TypeError(f"{name} must be an instance of RNNCell, got {type(cell).__name__}")


def _initial_state(cell, initial_state, batch_size, dtype):
    if initial_state is not None:
        return initial_state
    if dtype is None:
        raise ValueError("If no initial_state is provided, dtype must be specified")
    return cell.zero_state(batch_size, dtype)


def _lengths(sequence_length):
    if sequence_length is None:
        return None
    lengths = array_ops.cast(convert_to_tensor(sequence_length), dtypes.int32)
    if lengths.shape.ndims not in (None, 1):
        raise ValueError(f"sequence_length must be a vector of length batch_size, but saw "
                         f"shape: {lengths.shape}")
    return array_ops.identity(lengths, name="sequence_length")


def _keep_finished(time, lengths, new, old):
    """Rows whose sequence has ended (time >= length) keep ``old``; others take ``new``."""
    running = array_ops.expand_dims(math_ops.less(time, lengths), 1)
    return array_ops.where_v2(running, new, old)


def _mask_outputs(time, lengths, output):
    running = array_ops.expand_dims(math_ops.less(time, lengths), 1)
    return array_ops.where_v2(running, output, array_ops.zeros_like(output))


def static_rnn(cell, inputs, initial_state=None, dtype=None, sequence_length=None,
               scope=None):
    """Run ``cell`` over the list ``inputs`` (one [batch, depth] tensor per step).

    Returns ``(outputs, state)``: the list of outputs and the final state.
    """
    _check_cell(cell, "cell")
    if not nest.is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    outputs = []
    with variable_scope(scope or "rnn") as varscope:
        first = nest.flatten(inputs[0])[0]
        first = convert_to_tensor(first)
        ndims = first.shape.ndims
        if ndims == 0:
            raise ValueError(f"Shape {first.shape} must have rank at least 1")
        if ndims is not None and ndims >= 2:
            for step in nest.flatten(inputs):
                dims = convert_to_tensor(step).shape.as_list()
                for i, size in enumerate(dims[1:] if dims is not None else []):
                    if size is None:
                        raise ValueError(f"Input size (dimension {i} of inputs) must be "
                                         f"accessible via shape inference, but saw value "
                                         f"None.")
        # Rank-1 steps are symbols for an EmbeddingWrapper (TF allows them for it).
        batch = first.shape.as_list()[0] if ndims else None
        if batch is None:
            batch = array_ops.shape(first)[0]
        state = _initial_state(cell, initial_state, batch, dtype)
        lengths = _lengths(sequence_length)
        for time, step_input in enumerate(inputs):
            if time > 0:
                varscope.reuse_variables()
            output, new_state = cell(step_input, state)
            if lengths is not None:
                output = _mask_outputs(time, lengths, output)
                new_state = nest.map_structure(
                    lambda new, old, t=time: _keep_finished(t, lengths, new, old),
                    new_state, state)
            state = new_state
            outputs.append(output)
    return outputs, state


def _transpose_batch_time(tensor):
    rank = tensor.shape.ndims
    if rank is None:
        raise ValueError(f"Expected the rank of {tensor.name} to be known")
    if rank < 2:
        raise ValueError(f"Expected input tensor {tensor} to have rank at least 2")
    return array_ops.transpose(tensor, [1, 0, *range(2, rank)])


def dynamic_rnn(cell, inputs, sequence_length=None, initial_state=None, dtype=None,
                parallel_iterations=None, swap_memory=False, time_major=False, scope=None):
    """Run ``cell`` over the time axis of ``inputs`` inside a while loop.

    ``inputs`` is ``[batch, time, depth]`` (``[time, batch, depth]`` with ``time_major``) or
    a nest of such tensors. Returns ``(outputs, state)``, outputs in the inputs' layout.
    """
    _check_cell(cell, "cell")
    with variable_scope(scope or "rnn"):
        flat = [convert_to_tensor(t, name="inputs") for t in nest.flatten(inputs)]
        if not time_major:
            flat = [_transpose_batch_time(t) for t in flat]
        first = flat[0]
        static_time = first.shape.as_list()[0] if first.shape.ndims else None
        static_batch = first.shape.as_list()[1] if first.shape.ndims else None
        for tensor in flat:
            if tensor.shape.ndims is not None and tensor.shape.ndims < 3:
                raise ValueError(f"Input must have rank at least 3 (time, batch, depth), got "
                                 f"shape {tensor.shape}")
        dynamic_shape = array_ops.shape(first)
        time_steps = dynamic_shape[0]
        batch = static_batch if static_batch is not None else dynamic_shape[1]
        state = _initial_state(cell, initial_state, batch, dtype)
        lengths = _lengths(sequence_length)
        outputs, final_state = _dynamic_rnn_loop(cell, flat, inputs, state, time_steps, lengths,
                                                 parallel_iterations or 32, swap_memory, dtype)
        flat_outputs = nest.flatten(outputs)
        for output in flat_outputs:
            if output.shape.ndims is not None:
                dims = output.shape.as_list()
                output.set_shape(TensorShape([static_time, static_batch, *dims[2:]]))
        if not time_major:
            flat_outputs = [_transpose_batch_time(t) for t in flat_outputs]
        return nest.pack_sequence_as(outputs, flat_outputs), final_state


def _dynamic_rnn_loop(cell, flat_inputs, structure, state, time_steps, lengths,
                      parallel_iterations, swap_memory, dtype=None):
    with name_scope("dynamic_rnn"):
        input_arrays = []
        for index, tensor in enumerate(flat_inputs):
            array = TensorArray(tensor.dtype, size=time_steps,
                                element_shape=TensorShape(tensor.shape.as_list()[1:])
                                if tensor.shape.ndims else None,
                                tensor_array_name=f"dynamic_rnn/input_{index}")
            input_arrays.append(array.unstack(tensor))
        output_sizes = nest.flatten(cell.output_size)
        # As TensorFlow: the outputs take the explicit ``dtype`` when one is given (CRF
        # decoding emits int32 backpointers from a float32 state), else the state's dtype.
        out_dtype = dtypes.as_dtype(dtype) if dtype is not None else nest.flatten(state)[0].dtype
        output_arrays = [TensorArray(out_dtype, size=time_steps,
                                     tensor_array_name=f"dynamic_rnn/output_{index}")
                         for index in range(len(output_sizes))]
    state_count = len(nest.flatten(state))

    def body(time, *loop_state):
        flat_state = list(loop_state[:state_count])
        arrays = loop_state[state_count:]
        step_inputs = [array.read(time) for array in input_arrays]
        for item, tensor in zip(step_inputs, flat_inputs):
            item.set_shape(tensor.shape.as_list()[1:])
        step_input = nest.pack_sequence_as(structure, step_inputs)
        previous = nest.pack_sequence_as(state, flat_state)
        output, new_state = cell(step_input, previous)
        flat_output = nest.flatten(output)
        flat_new = nest.flatten(new_state)
        if lengths is not None:
            flat_output = [_mask_outputs(time, lengths, o) for o in flat_output]
            flat_new = [_keep_finished(time, lengths, new, old)
                        for new, old in zip(flat_new, flat_state)]
        for new, old in zip(flat_new, flat_state):
            new.set_shape(old.shape)
        written = [array.write(time, o) for array, o in zip(arrays, flat_output)]
        return (time + 1, *flat_new, *written)

    time = array_ops.constant(0, dtype=dtypes.int32, name="time")
    finished = while_loop(lambda time, *_: math_ops.less(time, time_steps), body,
                          (time, *nest.flatten(state), *output_arrays),
                          parallel_iterations=parallel_iterations, swap_memory=swap_memory,
                          maximum_iterations=time_steps)
    final_state = nest.pack_sequence_as(state, list(finished[1:1 + state_count]))
    stacked = [array.stack() for array in finished[1 + state_count:]]
    return nest.pack_sequence_as(cell.output_size, stacked), final_state


def _reverse(tensor, lengths, seq_axis, batch_axis):
    if lengths is None:
        return array_ops.reverse(tensor, [seq_axis])
    return array_extra_ops.reverse_sequence(tensor, lengths, seq_axis=seq_axis,
                                         batch_axis=batch_axis)


def bidirectional_dynamic_rnn(cell_fw, cell_bw, inputs, sequence_length=None,
                              initial_state_fw=None, initial_state_bw=None, dtype=None,
                              parallel_iterations=None, swap_memory=False, time_major=False,
                              scope=None):
    """A forward and a backward ``dynamic_rnn`` over ``inputs``.

    Returns ``((output_fw, output_bw), (state_fw, state_bw))``; ``output_bw`` is aligned
    with the inputs (already reversed back).
    """
    _check_cell(cell_fw, "cell_fw")
    _check_cell(cell_bw, "cell_bw")
    seq_axis, batch_axis = (0, 1) if time_major else (1, 0)
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = dynamic_rnn(
                cell_fw, inputs, sequence_length, initial_state_fw, dtype,
                parallel_iterations, swap_memory, time_major, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            lengths = None if sequence_length is None else array_ops.cast(
                convert_to_tensor(sequence_length), dtypes.int64)
            reversed_inputs = nest.map_structure(
                lambda t: _reverse(convert_to_tensor(t), lengths, seq_axis, batch_axis), inputs)
            reversed_output, state_bw = dynamic_rnn(
                cell_bw, reversed_inputs, sequence_length, initial_state_bw, dtype,
                parallel_iterations, swap_memory, time_major, scope=bw_scope)
    output_bw = nest.map_structure(
        lambda t: _reverse(t, lengths, seq_axis, batch_axis), reversed_output)
    return (output_fw, output_bw), (state_fw, state_bw)


def static_bidirectional_rnn(cell_fw, cell_bw, inputs, initial_state_fw=None,
                             initial_state_bw=None, dtype=None, sequence_length=None,
                             scope=None):
    """A forward and a backward ``static_rnn``; each step's outputs concatenated.

    Returns ``(outputs, state_fw, state_bw)``.
    """
    _check_cell(cell_fw, "cell_fw")
    _check_cell(cell_bw, "cell_bw")
    if not nest.is_sequence(inputs):
        raise TypeError("inputs must be a sequence")
    if not inputs:
        raise ValueError("inputs must not be empty")
    with variable_scope(scope or "bidirectional_rnn"):
        with variable_scope("fw") as fw_scope:
            output_fw, state_fw = static_rnn(cell_fw, inputs, initial_state_fw, dtype,
                                             sequence_length, scope=fw_scope)
        with variable_scope("bw") as bw_scope:
            reversed_inputs = _reverse_list(inputs, sequence_length)
            tmp, state_bw = static_rnn(cell_bw, reversed_inputs, initial_state_bw, dtype,
                                       sequence_length, scope=bw_scope)
    output_bw = _reverse_list(tmp, sequence_length)
    outputs = [array_ops.concat([fw, bw], 1) for fw, bw in zip(output_fw, output_bw)]
    return outputs, state_fw, state_bw


def _reverse_list(tensors, lengths):
    if lengths is None:
        return list(reversed(tensors))
    stacked = array_ops.stack(tensors)
    flipped = array_extra_ops.reverse_sequence(stacked, array_ops.cast(
        convert_to_tensor(lengths), dtypes.int64), seq_axis=0, batch_axis=1)
    return array_ops.unstack(flipped, num=len(tensors))


def _batch_then(batch, size):
    """The shape ``[batch] + size`` as a list or a shape tensor (``size`` a TensorShape,
    an int or a shape tensor)."""
    if isinstance(size, int):
        size = TensorShape([size])
    if isinstance(size, TensorShape) and size.is_fully_defined() and isinstance(batch, int):
        return [batch, *size.as_list()]
    dims = size.as_list() if isinstance(size, TensorShape) else size
    return array_ops.concat([array_ops.reshape(batch, [1]),
                             array_ops.cast(dims, dtypes.int32)], 0)


def raw_rnn(cell, loop_fn, parallel_iterations=None, swap_memory=False, scope=None):
    """Run ``cell`` in a while loop whose inputs, finishing and outputs ``loop_fn`` decides.

    ``loop_fn(time, cell_output, cell_state, loop_state)`` returns ``(finished, next_input,
    next_cell_state, emit_output, next_loop_state)``; it is called once with ``time=0`` and
    ``None`` for the rest (then ``next_cell_state`` is the initial state and ``emit_output``
    the structure of what is emitted, or None for the cell's outputs), then after each step.
    Rows already finished emit zeros and keep their state. Returns ``(emit_ta, final_state,
    final_loop_state)``: TensorArrays of the emitted values (time major), as TF 1.x does.
    """
    _check_cell(cell, "cell")
    if not callable(loop_fn):
        raise TypeError("loop_fn must be a callable")
    with variable_scope(scope or "rnn"):
        time = array_ops.constant(0, dtype=dtypes.int32)
        finished, next_input, initial_state, emit_structure, init_loop_state = loop_fn(
            time, None, None, None)
        flat_input = [convert_to_tensor(t) for t in nest.flatten(next_input)]
        static_batch = None
        for tensor in flat_input:
            dims = tensor.shape.as_list() if tensor.shape.ndims else [None]
            if dims[0] is not None:
                if static_batch not in (None, dims[0]):
                    raise ValueError(f"raw_rnn: the inputs' batch sizes differ ({static_batch} "
                                     f"and {dims[0]})")
                static_batch = dims[0]
        batch = static_batch if static_batch is not None else array_ops.shape(flat_input[0])[0]
        nest.assert_same_structure(initial_state, cell.state_size)
        flat_state = [convert_to_tensor(s) for s in nest.flatten(initial_state)]
        loop_state = init_loop_state if init_loop_state is not None else \
            array_ops.constant(0, dtype=dtypes.int32)
        flat_loop_state = nest.flatten(loop_state)
        if emit_structure is not None:
            flat_emit = nest.flatten(emit_structure)
            # Given per row (no batch axis), as in TensorFlow.
            emit_sizes = [e.shape if e.shape.is_fully_defined() else array_ops.shape(e)
                          for e in flat_emit]
            emit_dtypes = [e.dtype for e in flat_emit]
        else:
            emit_structure = cell.output_size
            emit_sizes = nest.flatten(emit_structure)
            emit_dtypes = [flat_state[0].dtype] * len(emit_sizes)
        emit_arrays = []
        for index, (dtype, size) in enumerate(zip(emit_dtypes, emit_sizes)):
            element = None
            if isinstance(size, int | TensorShape):
                element = TensorShape([static_batch]).concatenate(
                    TensorShape([size]) if isinstance(size, int) else size)
            emit_arrays.append(TensorArray(dtype, size=0, dynamic_size=True,
                                           element_shape=element,
                                           tensor_array_name=f"rnn_output_{index}"))
        zero_emit = [array_ops.zeros(_batch_then(batch, size), dtype)
                     for size, dtype in zip(emit_sizes, emit_dtypes)]
        counts = [len(flat_input), len(emit_arrays), len(flat_state), len(flat_loop_state)]

        def split(values):
            parts, start = [], 0
            for count in counts:
                parts.append(list(values[start:start + count]))
                start += count
            return parts

        def condition(unused_time, elements_finished, *_):
            return math_ops.logical_not(math_ops.reduce_all(elements_finished))

        def body(step, elements_finished, *values):
            inputs, arrays, states, loop_values = split(values)
            state = nest.pack_sequence_as(initial_state, states)
            output, cell_state = cell(nest.pack_sequence_as(next_input, inputs), state)
            nest.assert_same_structure(state, cell_state)
            nest.assert_same_structure(cell.output_size, output)
            next_step = step + 1
            old_loop_state = nest.pack_sequence_as(loop_state, loop_values)
            (next_finished, new_input, new_state, emit_output,
             new_loop_state) = loop_fn(next_step, output, cell_state, old_loop_state)
            nest.assert_same_structure(state, new_state)
            nest.assert_same_structure(next_input, new_input)
            nest.assert_same_structure(emit_structure, emit_output)
            if new_loop_state is None:
                new_loop_state = old_loop_state

            def keep(current, candidate):
                # Finished rows keep ``current`` (zeros for the emitted values, the state).
                candidate = convert_to_tensor(candidate)
                if candidate.shape.ndims == 0:
                    return candidate
                return array_ops.where(elements_finished, current, candidate)

            emitted = [keep(z, e) for z, e in zip(zero_emit, nest.flatten(emit_output))]
            kept = [keep(old, new) for old, new in zip(states, nest.flatten(new_state))]
            for new, old in zip(kept, states):
                new.set_shape(old.shape)
            written = [array.write(step, value) for array, value in zip(arrays, emitted)]
            done = math_ops.logical_or(elements_finished, next_finished)
            return (next_step, done, *nest.flatten(new_input), *written, *kept,
                    *nest.flatten(new_loop_state))

        finished = convert_to_tensor(finished, dtype=dtypes.bool)
        result = while_loop(condition, body,
                            (time, finished, *flat_input, *emit_arrays, *flat_state,
                             *flat_loop_state),
                            parallel_iterations=parallel_iterations or 32,
                            swap_memory=swap_memory)
        _, arrays, states, loop_values = split(result[2:])
        emit_ta = nest.pack_sequence_as(emit_structure, arrays)
        final_state = nest.pack_sequence_as(initial_state, states)
        final_loop_state = None if init_loop_state is None else \
            nest.pack_sequence_as(loop_state, loop_values)
        return emit_ta, final_state, final_loop_state
