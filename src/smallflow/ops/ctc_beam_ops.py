"""``tf.nn.ctc_beam_search_decoder``: CTC decoding by beam search over label prefixes.

The ``CTCBeamSearchDecoder`` op follows TensorFlow 1.x's decoder step by step, so beams,
their order and their scores are TensorFlow's:

- Each time step's logits have their maximum subtracted (no softmax: the scores are sums of
  such shifted logits, log-probabilities only when the inputs are log-probabilities).
- A beam is a prefix of labels with two log scores, ending in a blank or in its last label.
  At each step every beam kept so far is extended by a blank or by repeating its last label
  (staying the same prefix) and, while it is still good enough, by each non-blank label
  (a child prefix). A child's score counts the path through the parent's blank-ending score
  only when the child repeats the parent's last label.
- At most ``beam_width`` beams are kept: a new child enters only when the beam is not full or
  its score beats the lowest kept one, which is then dropped.
- ``merge_repeated`` (TF 1.x's default True) also merges equal neighbouring labels of the
  returned prefixes, as TensorFlow's decoder does (``ctc_beam_search_decoder_v2``: False).

Scores are kept in the input's dtype (float32 arithmetic for float32 inputs), as there.
"""

import heapq

import numpy as np

from .. import dtypes
from ..errors import InvalidArgumentError
from ..graph import convert_to_tensor
from ..op_signature import signature
from ..registry import NotDifferentiable, register_op
from ..tensor_shape import TensorShape
from .common import make_op
from .sparse_tensor import SparseTensor

__all__ = ["ctc_beam_search_decoder", "ctc_beam_search_decoder_v2"]

_NEG_INF = -np.inf


class _Score:
    __slots__ = ("total", "blank", "label")

    def __init__(self, zero):
        self.total = self.blank = self.label = zero

    def copy_from(self, other):
        self.total, self.blank, self.label = other.total, other.blank, other.label


class _Beam:
    """A label prefix: a node of the prefix tree, with its scores at t-1 and t."""

    __slots__ = ("parent", "label", "children", "old", "new")

    def __init__(self, parent, label, zero):
        self.parent = parent
        self.label = label
        self.children = {}
        self.old = _Score(zero)
        self.new = _Score(zero)

    def active(self):
        return self.new.total != _NEG_INF

    def labels(self, merge_repeated):
        out = []
        node, previous = self, None
        while node.parent is not None:
            if not (merge_repeated and node.label == previous):
                out.append(node.label)
            previous = node.label
            node = node.parent
        return out[::-1]


def _exp(x, dtype):
    # exp and log as C's expf/logf give them for float32: computed in double and rounded
    # once (numpy's own float32 loops may differ by an ulp, enough to reorder close beams).
    return np.exp(np.asarray(x, np.float64)).astype(dtype)


def _log_sum_exp(a, b):
    """log(exp(a) + exp(b)) as TensorFlow's decoder forms it: the larger plus
    log1p(exp(smaller - larger)), each function rounded to the scores' dtype."""
    if a == _NEG_INF:
        return b
    if b == _NEG_INF:
        return a
    dtype = type(a)
    big, small = (a, b) if a > b else (b, a)
    return big + dtype(np.log1p(np.float64(dtype(np.exp(np.float64(small - big))))))


class _Beams:
    """The kept beams (at most ``width``) in a heap keyed by score, the lowest on top.

    A kept beam's score changes only when it is dropped, so the heap stays valid. Equal
    scores are ordered by arrival (TensorFlow's order among exact ties is its sort's)."""

    def __init__(self, width, zero):
        self.width = width
        self.zero = zero
        self.heap = []
        self.count = 0

    def __len__(self):
        return len(self.heap)

    def full(self):
        return len(self.heap) == self.width

    def lowest(self):
        return self.heap[0][0]

    def push(self, beam):
        self.count += 1
        heapq.heappush(self.heap, (float(beam.new.total), self.count, beam))

    def drop_lowest(self):
        """Drop the lowest beam; its scores are cleared (it is no longer searched)."""
        _, _, beam = heapq.heappop(self.heap)
        beam.new = _Score(self.zero)

    def take_sorted(self):
        """Every kept beam, best first, leaving none kept."""
        ordered = [entry[2] for entry in sorted(self.heap, key=lambda e: (-e[0], e[1]))]
        self.heap = []
        return ordered


def _decode_one(logits, width, dtype):
    """The beams after running the steps of ``logits [time, classes]``, best first."""
    zero = dtype.type(_NEG_INF)
    blank = logits.shape[1] - 1
    root = _Beam(None, -1, zero)
    root.new.total = root.new.blank = dtype.type(0)
    beams = _Beams(width, zero)
    beams.push(root)

    def enters(total):
        return total > _NEG_INF and (not beams.full() or total > beams.lowest())

    for raw in logits:
        # TensorFlow's normalizer: max + log(sum(exp(raw - max))), summed in order.
        peak = raw.max()
        offset = peak + dtype.type(np.log(np.float64(np.cumsum(_exp(raw - peak, dtype))[-1])))
        branches = beams.take_sorted()
        for beam in branches:
            beam.old.copy_from(beam.new)
        # The kept prefixes, extended by a blank or by repeating their last label.
        for beam in branches:
            if beam.parent is not None:
                parent = beam.parent
                if parent.active():
                    previous = parent.old.blank if beam.label == parent.label else \
                        parent.old.total
                    beam.new.label = _log_sum_exp(beam.new.label, previous)
                beam.new.label = beam.new.label + (raw[beam.label] - offset)
            beam.new.blank = beam.old.total + raw[blank] - offset
            beam.new.total = _log_sum_exp(beam.new.blank, beam.new.label)
            beams.push(beam)
        # New prefixes: each kept one (still good enough) extended by a non-blank label.
        for beam in branches:
            if not enters(beam.old.total):
                continue
            previous = np.full(blank, beam.old.total, dtype)
            if 0 <= beam.label < blank:
                previous[beam.label] = beam.old.blank
            scores = (raw[:blank] - offset) + previous
            floor = beams.lowest() if beams.full() else _NEG_INF
            # Labels that may enter (the lowest kept score only rises within a step) and the
            # existing children: one that does not enter has its scores cleared, which
            # matters when it is itself a beam expanded later in this step.
            labels = set(np.flatnonzero(scores > floor).tolist()) | set(beam.children)
            for label in sorted(labels):
                child = beam.children.get(label)
                if child is not None and child.active():
                    continue  # already kept: scored with the kept prefixes above
                score = scores[label]
                if not enters(score):
                    if child is not None:
                        child.old = _Score(zero)
                        child.new = _Score(zero)
                    continue
                if child is None:
                    child = beam.children[label] = _Beam(beam, label, zero)
                child.new.blank = zero
                child.new.label = child.new.total = score
                if beams.full():
                    beams.drop_lowest()
                beams.push(child)
    return beams.take_sorted()


def _beam_search_kernel(attrs):
    width = attrs["beam_width"]
    paths = attrs["top_paths"]
    merge = attrs["merge_repeated"]

    def decode(inputs, sequence_length):
        if inputs.ndim != 3:
            raise InvalidArgumentError(None, None, "inputs is not a 3-Tensor")
        if sequence_length.ndim != 1:
            raise InvalidArgumentError(None, None, "sequence_length is not a vector")
        steps, batch, _ = inputs.shape
        if sequence_length.shape[0] != batch:
            raise InvalidArgumentError(
                None, None, f"len(sequence_length) != batch_size.  len(sequence_length):  "
                f"{sequence_length.shape[0]} batch_size: {batch}")
        decoded = [[] for _ in range(paths)]
        scores = np.zeros((batch, paths), inputs.dtype)
        for b in range(batch):
            length = int(sequence_length[b])
            if not 0 <= length <= steps:
                raise InvalidArgumentError(
                    None, None, f"sequence_length({b}) <= {steps}")
            best = _decode_one(inputs[:length, b], width, inputs.dtype)
            if paths > len(best):
                raise InvalidArgumentError(
                    None, None, "Less leaves in the beam search than requested.")
            for p in range(paths):
                decoded[p].append(best[p].labels(merge))
                scores[b, p] = best[p].new.total
        outputs = []
        for rank in decoded:
            indices = [[b, i] for b, labels in enumerate(rank) for i in range(len(labels))]
            values = [label for labels in rank for label in labels]
            longest = max((len(labels) for labels in rank), default=0)
            outputs.append((np.array(indices, np.int64).reshape(-1, 2),
                            np.array(values, np.int64),
                            np.array([batch, longest], np.int64)))
        return (*(o[0] for o in outputs), *(o[1] for o in outputs),
                *(o[2] for o in outputs), scores)

    return decode


def _beam_search_shapes(op):
    paths = op.attrs["top_paths"]
    shape = op.inputs[0].shape
    batch = shape.as_list()[1] if shape.ndims == 3 else None
    return ([TensorShape([None, 2])] * paths + [TensorShape([None])] * paths
            + [TensorShape([2])] * paths + [TensorShape([batch, paths])])


register_op("CTCBeamSearchDecoder", _beam_search_kernel, _beam_search_shapes,
            signature=signature(
                "inputs: T, sequence_length: int32 -> decoded_indices: top_paths * int64, "
                "decoded_values: top_paths * int64, decoded_shape: top_paths * int64, "
                "log_probability: T", T=(dtypes.float32, dtypes.float64)))
NotDifferentiable("CTCBeamSearchDecoder")


def ctc_beam_search_decoder(inputs, sequence_length, beam_width=100, top_paths=1,
                            merge_repeated=True):
    """``(decoded, log_probabilities)``: the ``top_paths`` best label sequences of each batch
    entry as SparseTensors (``decoded[j]`` holds every entry's j-th best), and their scores
    ``[batch, top_paths]``. ``inputs`` are logits ``[max_time, batch, num_classes]``, the
    last class being the blank."""
    beam_width, top_paths = int(beam_width), int(top_paths)
    if beam_width < 1:
        raise ValueError(f"beam_width must be >= 1, got {beam_width}")
    if top_paths < 1:
        raise ValueError(f"top_paths must be >= 1, got {top_paths}")
    if top_paths > beam_width:
        raise InvalidArgumentError(None, None, "top_paths must be <= beam_width")
    inputs = convert_to_tensor(inputs, name="inputs")
    sequence_length = convert_to_tensor(sequence_length, dtype=dtypes.int32,
                                        name="sequence_length")
    attrs = {"beam_width": beam_width, "top_paths": top_paths,
             "merge_repeated": bool(merge_repeated)}
    op = make_op("CTCBeamSearchDecoder", [inputs, sequence_length],
                 [dtypes.int64] * (3 * top_paths) + [inputs.dtype], attrs)
    outputs = op.outputs
    decoded = [SparseTensor(outputs[p], outputs[top_paths + p], outputs[2 * top_paths + p])
               for p in range(top_paths)]
    return decoded, outputs[-1]


def ctc_beam_search_decoder_v2(inputs, sequence_length, beam_width=100, top_paths=1):
    """TF 2's signature: the same decoder with ``merge_repeated=False``."""
    return ctc_beam_search_decoder(inputs, sequence_length, beam_width, top_paths,
                                   merge_repeated=False)
