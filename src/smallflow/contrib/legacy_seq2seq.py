"""``tf.contrib.legacy_seq2seq``: the list-of-timesteps sequence models of TF1's early
tutorials: ``rnn_decoder``, ``basic_rnn_seq2seq``, ``tied_rnn_seq2seq`` and the losses
``sequence_loss_by_example`` and ``sequence_loss``.

Inputs are Python lists with one ``[batch, depth]`` tensor per time step, as in TF1. The
embedding and attention variants are not provided (an AttributeError names them).
"""

import copy

from .. import add_n, cast, dtypes, reduce_sum, reshape, shape
from ..graph import name_scope
from ..ops import nn_ops
from ..rnn import static_rnn
from ..variable_scope import get_variable_scope, variable_scope
from ._missing import missing_attribute

__all__ = ["basic_rnn_seq2seq", "rnn_decoder", "sequence_loss", "sequence_loss_by_example",
           "tied_rnn_seq2seq"]


def rnn_decoder(decoder_inputs, initial_state, cell, loop_function=None, scope=None):
    """Run ``cell`` over ``decoder_inputs`` from ``initial_state``: (outputs, final state).

    With ``loop_function``, each input after the first is ``loop_function(prev_output, i)``
    (built in a ``loop_function`` scope that reuses variables), as for sampling.
    """
    with variable_scope(scope or "rnn_decoder"):
        state = initial_state
        outputs = []
        prev = None
        for i, inp in enumerate(decoder_inputs):
            if loop_function is not None and prev is not None:
                with variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            if i > 0:
                get_variable_scope().reuse_variables()
            output, state = cell(inp, state)
            outputs.append(output)
            if loop_function is not None:
                prev = output
    return outputs, state


def basic_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, dtype=dtypes.float32, scope=None):
    """Encode with a copy of ``cell`` (its own weights), decode from its final state."""
    with variable_scope(scope or "basic_rnn_seq2seq"):
        encoder_cell = copy.deepcopy(cell)
        _, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        return rnn_decoder(decoder_inputs, encoder_state, cell)


def tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, loop_function=None,
                     dtype=dtypes.float32, scope=None):
    """Encoder and decoder share ``cell``'s weights (one scope, reused)."""
    with variable_scope("combined_tied_rnn_seq2seq"):
        scope = scope or "tied_rnn_seq2seq"
        _, encoder_state = static_rnn(cell, encoder_inputs, dtype=dtype, scope=scope)
        get_variable_scope().reuse_variables()
        return rnn_decoder(decoder_inputs, encoder_state, cell, loop_function=loop_function,
                           scope=scope)


def sequence_loss_by_example(logits, targets, weights, average_across_timesteps=True,
                             softmax_loss_function=None, name=None):
    """Per-example weighted cross entropy summed over the time steps ([batch]); divided by
    the summed weights (plus 1e-12) when ``average_across_timesteps``."""
    if len(targets) != len(logits) or len(weights) != len(logits):
        raise ValueError(f"Lengths of logits, weights, and targets must be the same "
                         f"{len(logits)}, {len(weights)}, {len(targets)}.")
    with name_scope(name or "sequence_loss_by_example"):
        terms = []
        for logit, target, weight in zip(logits, targets, weights):
            if softmax_loss_function is None:
                target = reshape(target, [-1])
                crossent = nn_ops.sparse_softmax_cross_entropy_with_logits(labels=target,
                                                                           logits=logit)
            else:
                crossent = softmax_loss_function(labels=target, logits=logit)
            terms.append(crossent * weight)
        log_perps = add_n(terms)
        if average_across_timesteps:
            total_size = add_n(list(weights)) + 1e-12
            log_perps = log_perps / total_size
    return log_perps


def sequence_loss(logits, targets, weights, average_across_timesteps=True,
                  average_across_batch=True, softmax_loss_function=None, name=None):
    """The sum of ``sequence_loss_by_example`` over the batch, divided by the batch size
    when ``average_across_batch`` (a scalar)."""
    with name_scope(name or "sequence_loss"):
        cost = reduce_sum(sequence_loss_by_example(
            logits, targets, weights, average_across_timesteps=average_across_timesteps,
            softmax_loss_function=softmax_loss_function))
        if average_across_batch:
            batch_size = shape(targets[0])[0]
            return cost / cast(batch_size, cost.dtype)
        return cost


__getattr__ = missing_attribute(__name__, "tf.contrib.legacy_seq2seq")
