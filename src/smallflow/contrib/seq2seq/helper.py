"""``tf.contrib.seq2seq`` helpers: what a decoder feeds itself at each step and when it stops.

A helper answers three questions for ``BasicDecoder``: the first inputs and which rows are
already finished (``initialize``), which ids the step's outputs stand for (``sample``), and
the next inputs and finished flags (``next_inputs``). Training helpers read the ground-truth
sequence from a TensorArray (teacher forcing); inference helpers embed the sampled ids.
As in TensorFlow 1.x, once every row is finished the next inputs are a placeholder value
(zeros or the start inputs) chosen by a ``tf.cond``, so no out-of-range read happens.
"""

from ... import dtypes, nest
from ...graph import Tensor, convert_to_tensor, name_scope
from ...ops import array_ops, math_ops, nn_extra_ops, random_extra_ops, random_ops
from ...ops.control_flow_ops import cond
from ...ops.tensor_array_ops import TensorArray
from ...tensor_shape import TensorShape


def _transpose_batch_time(tensor):
    """``[batch, time, ...]`` <-> ``[time, batch, ...]`` (rank must be known, >= 2)."""
    tensor = convert_to_tensor(tensor)
    rank = tensor.shape.ndims
    if rank is None:
        raise ValueError(f"Expected the rank of {tensor.name} to be known")
    if rank < 2:
        raise ValueError(f"Expected input tensor {tensor.name} to have rank at least 2, "
                         f"got shape {tensor.shape}")
    return array_ops.transpose(tensor, [1, 0, *range(2, rank)])


def _unstack_ta(tensor):
    """A TensorArray holding ``tensor``'s time steps (its first axis)."""
    element = TensorShape(tensor.shape.as_list()[1:]) if tensor.shape.ndims else None
    array = TensorArray(tensor.dtype, size=array_ops.shape(tensor)[0], element_shape=element)
    return array.unstack(tensor)


def _embedding_fn(embedding):
    """A callable ``ids -> vectors``: ``embedding`` itself or a lookup into that matrix."""
    if callable(embedding):
        return embedding
    params = convert_to_tensor(embedding, name="embedding")
    return lambda ids: nn_extra_ops.embedding_lookup(params, ids)


def _sample_categorical(logits, seed):
    """One int32 id per row of ``logits`` drawn from ``softmax(logits)``."""
    draws = random_extra_ops.multinomial(logits, 1, seed=seed, output_dtype=dtypes.int32)
    return array_ops.squeeze(draws, [1])


def _sampling_probability(value):
    probability = convert_to_tensor(value, name="sampling_probability")
    if probability.shape.ndims not in (0, 1):
        raise ValueError(f"sampling_probability must be either a scalar or a vector. saw "
                         f"shape: {probability.shape}")
    return probability


def _rows_chosen(batch_size, probability, seed):
    """A Bernoulli(``probability``) bool per row: which rows are fed their own samples."""
    draws = random_ops.random_uniform(array_ops.reshape(batch_size, [1]),
                                      dtype=probability.dtype, seed=seed)
    return math_ops.less(draws, probability)


class Helper:
    """The interface ``BasicDecoder`` calls (TF1's abstract ``Helper``)."""

    @property
    def batch_size(self):
        raise NotImplementedError("batch_size has not been implemented")

    @property
    def sample_ids_shape(self):
        raise NotImplementedError("sample_ids_shape has not been implemented")

    @property
    def sample_ids_dtype(self):
        raise NotImplementedError("sample_ids_dtype has not been implemented")

    def initialize(self, name=None):
        """``(initial_finished, initial_inputs)``."""
        raise NotImplementedError

    def sample(self, time, outputs, state, name=None):
        """The ``sample_ids`` of one step."""
        raise NotImplementedError

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        """``(finished, next_inputs, next_state)``."""
        raise NotImplementedError


class _TokenHelper(Helper):
    """A helper whose sample ids are one int32 token per row."""

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return TensorShape([])

    @property
    def sample_ids_dtype(self):
        return dtypes.int32


class CustomHelper(Helper):
    """A helper made of three user functions (``initialize_fn``, ``sample_fn``,
    ``next_inputs_fn``)."""

    def __init__(self, initialize_fn, sample_fn, next_inputs_fn, sample_ids_shape=None,
                 sample_ids_dtype=None):
        self._initialize_fn = initialize_fn
        self._sample_fn = sample_fn
        self._next_inputs_fn = next_inputs_fn
        self._batch_size = None
        self._sample_ids_shape = TensorShape(sample_ids_shape or [])
        self._sample_ids_dtype = dtypes.as_dtype(sample_ids_dtype or dtypes.int32)

    @property
    def batch_size(self):
        if self._batch_size is None:
            raise ValueError("batch_size accessed before initialize was called")
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_ids_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_ids_dtype

    def initialize(self, name=None):
        with name_scope(name or f"{type(self).__name__}Initialize"):
            finished, next_inputs = self._initialize_fn()
            if self._batch_size is None:
                self._batch_size = array_ops.size(finished)
        return finished, next_inputs

    def sample(self, time, outputs, state, name=None):
        with name_scope(name or f"{type(self).__name__}Sample"):
            return self._sample_fn(time=time, outputs=outputs, state=state)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with name_scope(name or f"{type(self).__name__}NextInputs"):
            return self._next_inputs_fn(time=time, outputs=outputs, state=state,
                                        sample_ids=sample_ids)


class TrainingHelper(_TokenHelper):
    """Teacher forcing: step ``t`` reads ``inputs[:, t]``; row ``b`` finishes after
    ``sequence_length[b]`` steps. Its sample ids are the argmax of the outputs."""

    def __init__(self, inputs, sequence_length, time_major=False, name=None):
        with name_scope(name or "TrainingHelper"):
            inputs = nest.map_structure(lambda t: convert_to_tensor(t, name="inputs"), inputs)
            self._inputs = inputs
            if not time_major:
                inputs = nest.map_structure(_transpose_batch_time, inputs)
            self._input_tas = nest.map_structure(_unstack_ta, inputs)
            self._sequence_length = convert_to_tensor(sequence_length, name="sequence_length")
            if self._sequence_length.shape.ndims != 1:
                raise ValueError(f"Expected sequence_length to be a vector, but received "
                                 f"shape: {self._sequence_length.shape}")
            self._zero_inputs = nest.map_structure(
                lambda t: array_ops.zeros_like(t[0, :]), inputs)
            self._batch_size = array_ops.size(self._sequence_length)

    @property
    def inputs(self):
        return self._inputs

    @property
    def sequence_length(self):
        return self._sequence_length

    def _read_or_zeros(self, finished, index):
        return cond(math_ops.reduce_all(finished), lambda: self._zero_inputs,
                    lambda: nest.map_structure(lambda ta: ta.read(index), self._input_tas))

    def initialize(self, name=None):
        with name_scope(name or "TrainingHelperInitialize"):
            finished = math_ops.equal(0, self._sequence_length)
            return finished, self._read_or_zeros(finished, 0)

    def sample(self, time, outputs, state, name=None):
        with name_scope(name or "TrainingHelperSample"):
            return math_ops.cast(math_ops.argmax(outputs, axis=-1), dtypes.int32)

    def next_inputs(self, time, outputs, state, name=None, **unused_kwargs):
        with name_scope(name or "TrainingHelperNextInputs"):
            next_time = time + 1
            finished = math_ops.greater_equal(next_time, self._sequence_length)
            return finished, self._read_or_zeros(finished, next_time), state


class ScheduledEmbeddingTrainingHelper(TrainingHelper):
    """Teacher forcing where each row, with ``sampling_probability``, is fed the embedding
    of an id sampled from its own outputs instead (scheduled sampling); rows not sampled
    have sample id -1."""

    def __init__(self, inputs, sequence_length, embedding, sampling_probability,
                 time_major=False, seed=None, scheduling_seed=None, name=None):
        with name_scope(name or "ScheduledEmbeddingSamplingWrapper"):
            self._embedding_fn = _embedding_fn(embedding)
            self._sampling_probability = _sampling_probability(sampling_probability)
            self._seed = seed
            self._scheduling_seed = scheduling_seed
        super().__init__(inputs=inputs, sequence_length=sequence_length,
                         time_major=time_major, name=name)

    def initialize(self, name=None):
        return super().initialize(name=name or "ScheduledEmbeddingTrainingHelperInitialize")

    def sample(self, time, outputs, state, name=None):
        with name_scope(name or "ScheduledEmbeddingTrainingHelperSample"):
            select = _rows_chosen(self.batch_size, self._sampling_probability,
                                  self._scheduling_seed)
            sampled = _sample_categorical(outputs, self._seed)
            return array_ops.where(select, sampled, array_ops.fill([self.batch_size], -1))

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with name_scope(name or "ScheduledEmbeddingTrainingHelperNextInputs"):
            finished, base_next_inputs, state = super().next_inputs(
                time=time, outputs=outputs, state=state, sample_ids=sample_ids, name=name)

            def maybe_sample():
                sampling = math_ops.greater(sample_ids, -1)
                embedded = self._embedding_fn(math_ops.maximum(sample_ids, 0))
                return array_ops.where(sampling, embedded, base_next_inputs)

            next_inputs = cond(math_ops.reduce_all(finished), lambda: base_next_inputs,
                               maybe_sample)
            return finished, next_inputs, state


class ScheduledOutputTrainingHelper(TrainingHelper):
    """Teacher forcing where each row, with ``sampling_probability``, is fed the step's
    own outputs (optionally concatenated with ``auxiliary_inputs``) instead."""

    def __init__(self, inputs, sequence_length, sampling_probability, time_major=False,
                 seed=None, next_inputs_fn=None, auxiliary_inputs=None, name=None):
        with name_scope(name or "ScheduledOutputTrainingHelper"):
            self._sampling_probability = _sampling_probability(sampling_probability)
            if auxiliary_inputs is None:
                maybe_concatenated = inputs
            else:
                inputs = convert_to_tensor(inputs, name="inputs")
                auxiliary_inputs = convert_to_tensor(auxiliary_inputs, name="auxiliary_inputs")
                maybe_concatenated = array_ops.concat([inputs, auxiliary_inputs], -1)
                if not time_major:
                    auxiliary_inputs = _transpose_batch_time(auxiliary_inputs)
            self._auxiliary_input_tas = (
                None if auxiliary_inputs is None else _unstack_ta(auxiliary_inputs))
            self._seed = seed
            self._next_inputs_fn = next_inputs_fn
        super().__init__(inputs=maybe_concatenated, sequence_length=sequence_length,
                         time_major=time_major, name=name)

    def initialize(self, name=None):
        return super().initialize(name=name or "ScheduledOutputTrainingHelperInitialize")

    def sample(self, time, outputs, state, name=None):
        with name_scope(name or "ScheduledOutputTrainingHelperSample"):
            return _rows_chosen(self.batch_size, self._sampling_probability, self._seed)

    @property
    def sample_ids_dtype(self):
        return dtypes.bool

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        with name_scope(name or "ScheduledOutputTrainingHelperNextInputs"):
            finished, base_next_inputs, state = super().next_inputs(
                time=time, outputs=outputs, state=state, sample_ids=sample_ids, name=name)
            sample_ids = math_ops.cast(sample_ids, dtypes.bool)

            def maybe_sample():
                produced = outputs
                if self._next_inputs_fn is not None:
                    produced = self._next_inputs_fn(outputs)
                if self._auxiliary_input_tas is not None:
                    auxiliary = self._auxiliary_input_tas.read(time + 1)
                    produced = array_ops.concat([produced, auxiliary], -1)
                return array_ops.where(sample_ids, produced, base_next_inputs)

            next_inputs = cond(math_ops.reduce_all(finished), lambda: base_next_inputs,
                               maybe_sample)
            return finished, next_inputs, state


class GreedyEmbeddingHelper(_TokenHelper):
    """Inference: feed the embedding of each step's argmax; a row finishes when it emits
    ``end_token``."""

    def __init__(self, embedding, start_tokens, end_token):
        self._embedding_fn = _embedding_fn(embedding)
        self._start_tokens = convert_to_tensor(start_tokens, dtype=dtypes.int32,
                                               name="start_tokens")
        self._end_token = convert_to_tensor(end_token, dtype=dtypes.int32, name="end_token")
        if self._start_tokens.shape.ndims != 1:
            raise ValueError("start_tokens must be a vector")
        if self._end_token.shape.ndims != 0:
            raise ValueError("end_token must be a scalar")
        static_batch = self._start_tokens.shape.as_list()[0]
        self._batch_size = (static_batch if static_batch is not None
                            else array_ops.size(self._start_tokens))
        self._start_inputs = self._embedding_fn(self._start_tokens)

    def initialize(self, name=None):
        finished = array_ops.tile([False], array_ops.reshape(self._batch_size, [1]))
        return finished, self._start_inputs

    def sample(self, time, outputs, state, name=None):
        if not isinstance(outputs, Tensor):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        return math_ops.argmax(outputs, axis=-1, output_type=dtypes.int32)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        finished = math_ops.equal(sample_ids, self._end_token)
        next_inputs = cond(math_ops.reduce_all(finished), lambda: self._start_inputs,
                           lambda: self._embedding_fn(sample_ids))
        return finished, next_inputs, state


class SampleEmbeddingHelper(GreedyEmbeddingHelper):
    """As ``GreedyEmbeddingHelper``, but ids are drawn from ``softmax(outputs /
    softmax_temperature)`` instead of taking the argmax."""

    def __init__(self, embedding, start_tokens, end_token, softmax_temperature=None,
                 seed=None):
        super().__init__(embedding, start_tokens, end_token)
        self._softmax_temperature = softmax_temperature
        self._seed = seed

    def sample(self, time, outputs, state, name=None):
        if not isinstance(outputs, Tensor):
            raise TypeError(f"Expected outputs to be a single Tensor, got: {type(outputs)}")
        logits = outputs
        if self._softmax_temperature is not None:
            logits = outputs / self._softmax_temperature
        return _sample_categorical(logits, self._seed)


class InferenceHelper(Helper):
    """Inference without embeddings: ``sample_fn`` turns outputs into samples, which are the
    next inputs (or ``next_inputs_fn(samples)``); ``end_fn(samples)`` says which rows end."""

    def __init__(self, sample_fn, sample_shape, sample_dtype, start_inputs, end_fn,
                 next_inputs_fn=None):
        self._sample_fn = sample_fn
        self._end_fn = end_fn
        self._sample_shape = TensorShape(sample_shape)
        self._sample_dtype = dtypes.as_dtype(sample_dtype)
        self._next_inputs_fn = next_inputs_fn
        self._start_inputs = convert_to_tensor(start_inputs, name="start_inputs")
        static_batch = (self._start_inputs.shape.as_list()[0]
                        if self._start_inputs.shape.ndims else None)
        self._batch_size = (static_batch if static_batch is not None
                            else array_ops.shape(self._start_inputs)[0])

    @property
    def batch_size(self):
        return self._batch_size

    @property
    def sample_ids_shape(self):
        return self._sample_shape

    @property
    def sample_ids_dtype(self):
        return self._sample_dtype

    def initialize(self, name=None):
        finished = array_ops.tile([False], array_ops.reshape(self._batch_size, [1]))
        return finished, self._start_inputs

    def sample(self, time, outputs, state, name=None):
        return self._sample_fn(outputs)

    def next_inputs(self, time, outputs, state, sample_ids, name=None):
        next_inputs = (sample_ids if self._next_inputs_fn is None
                       else self._next_inputs_fn(sample_ids))
        return self._end_fn(sample_ids), next_inputs, state


__all__ = ["CustomHelper", "GreedyEmbeddingHelper", "Helper", "InferenceHelper",
           "SampleEmbeddingHelper", "ScheduledEmbeddingTrainingHelper",
           "ScheduledOutputTrainingHelper", "TrainingHelper"]
