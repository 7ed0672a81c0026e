"""``tf.contrib.legacy_seq2seq``: the list-of-timesteps sequence models of TF1's early
tutorials and books: the decoders (``rnn_decoder``, ``embedding_rnn_decoder``,
``attention_decoder``, ``embedding_attention_decoder``), the models built on them
(``basic_rnn_seq2seq``, ``tied_rnn_seq2seq``, ``embedding_rnn_seq2seq``,
``embedding_tied_rnn_seq2seq``, ``embedding_attention_seq2seq``, ``one2many_rnn_seq2seq``),
the losses ``sequence_loss_by_example`` and ``sequence_loss``, and ``model_with_buckets``.

Inputs are Python lists with one tensor per time step, as in TF1: ``[batch, depth]`` floats,
or ``[batch]`` integer symbols for the embedding variants. Variable scopes and names are
TensorFlow's (``embedding_rnn_seq2seq/rnn/embedding_wrapper/embedding``,
``.../embedding_rnn_decoder/rnn_decoder/output_projection_wrapper/kernel``, ...), so
checkpoints line up. ``feed_previous`` may be a bool or a scalar bool tensor (both decoders
are built, sharing variables, and a ``cond`` picks one).
"""

import copy

from .. import add_n, cast, dtypes, init_ops, reduce_sum, reshape, shape
from ..graph import convert_to_tensor, name_scope
from ..nest import flatten, is_sequence, pack_sequence_as
from ..ops import array_ops, math_ops, nn_ops
from ..ops.constant_op import stop_gradient
from ..ops.control_flow_ops import cond
from ..ops.nn_extra_ops import embedding_lookup
from ..rnn import static_rnn
from ..rnn_cell_impl import OutputProjectionWrapper, RNNCell
from ..variable_scope import get_variable, get_variable_scope, variable_scope
from ._missing import missing_attribute
from .rnn import EmbeddingWrapper

__all__ = ["attention_decoder", "basic_rnn_seq2seq", "embedding_attention_decoder",
           "embedding_attention_seq2seq", "embedding_rnn_decoder", "embedding_rnn_seq2seq",
           "embedding_tied_rnn_seq2seq", "model_with_buckets", "one2many_rnn_seq2seq",
           "rnn_decoder", "sequence_loss", "sequence_loss_by_example", "tied_rnn_seq2seq"]


def _extract_argmax_and_embed(embedding, output_projection=None, update_embedding=True):
    """A loop function feeding back the embedding of the previous output's argmax (after
    ``output_projection``); without ``update_embedding`` no gradient reaches the rows."""

    def loop_function(prev, _):
        if output_projection is not None:
            prev = nn_ops.xw_plus_b(prev, output_projection[0], output_projection[1])
        prev_symbol = math_ops.argmax(prev, 1)
        emb_prev = embedding_lookup(embedding, prev_symbol)
        if not update_embedding:
            emb_prev = stop_gradient(emb_prev)
        return emb_prev

    return loop_function


def _check_projection(output_projection, num_symbols, dtype):
    if output_projection is None:
        return
    weights = convert_to_tensor(output_projection[0], dtype=dtype)
    weights.shape.assert_is_compatible_with([None, num_symbols])
    biases = convert_to_tensor(output_projection[1], dtype=dtype)
    biases.shape.assert_is_compatible_with([num_symbols])


def _linear(args, output_size, bias):
    """``concat(args, 1) @ kernel + bias`` with ``kernel``/``bias`` in the current scope
    (the bias starts at zero), as the legacy decoders' ``linear`` helper."""
    if not is_sequence(args):
        args = [args]
    total = 0
    for arg in args:
        dims = arg.shape.as_list()
        if dims is None or len(dims) != 2:
            raise ValueError(f"linear is expecting 2D arguments: {[a.shape for a in args]}")
        if dims[1] is None:
            raise ValueError(f"linear expects shape[1] to be provided for shape {arg.shape}, "
                             f"but saw None")
        total += dims[1]
    dtype = args[0].dtype
    kernel = get_variable("kernel", [total, output_size], dtype=dtype)
    joined = args[0] if len(args) == 1 else array_ops.concat(args, 1)
    result = math_ops.matmul(joined, kernel)
    if not bias:
        return result
    biases = get_variable("bias", [output_size], dtype=dtype,
                          initializer=init_ops.constant_initializer(0.0))
    return nn_ops.bias_add(result, biases)


def _both_decoders(feed_previous, build, structure, outputs_len):
    """Build the decoder twice (``build(True)`` creates the variables, ``build(False)``
    reuses them) and pick one with ``cond(feed_previous)``: (outputs, state)."""

    def decoder(feed_previous_bool):
        reuse = None if feed_previous_bool else True
        with variable_scope(get_variable_scope(), reuse=reuse):
            outputs, state = build(feed_previous_bool)
            return list(outputs) + flatten(state)

    outputs_and_state = cond(feed_previous, lambda: decoder(True), lambda: decoder(False))
    state_list = outputs_and_state[outputs_len:]
    state = state_list[0]
    if is_sequence(structure):
        state = pack_sequence_as(structure, state_list)
    return outputs_and_state[:outputs_len], state


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


def embedding_rnn_decoder(decoder_inputs, initial_state, cell, num_symbols, embedding_size,
                          output_projection=None, feed_previous=False,
                          update_embedding_for_previous=True, scope=None):
    """``rnn_decoder`` over the embeddings (variable ``embedding``) of integer symbols; with
    ``feed_previous`` only the first symbol (GO) is read and each later input is the
    embedding of the previous output's argmax (greedy decoding)."""
    with variable_scope(scope or "embedding_rnn_decoder") as vscope:
        _check_projection(output_projection, num_symbols, vscope.dtype)
        embedding = get_variable("embedding", [num_symbols, embedding_size])
        loop_function = (_extract_argmax_and_embed(embedding, output_projection,
                                                   update_embedding_for_previous)
                         if feed_previous else None)
        emb_inp = [embedding_lookup(embedding, i) for i in decoder_inputs]
        return rnn_decoder(emb_inp, initial_state, cell, loop_function=loop_function)


def embedding_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                          num_decoder_symbols, embedding_size, output_projection=None,
                          feed_previous=False, dtype=None, scope=None):
    """Embed and encode ``encoder_inputs`` with a copy of ``cell`` (``EmbeddingWrapper``),
    then decode with ``embedding_rnn_decoder`` from the encoder's final state. Without
    ``output_projection`` the decoder's outputs are projected to ``num_decoder_symbols``
    logits (``OutputProjectionWrapper``)."""
    with variable_scope(scope or "embedding_rnn_seq2seq", dtype=dtype) as vscope:
        dtype = vscope.dtype
        encoder_cell = EmbeddingWrapper(copy.deepcopy(cell), embedding_classes=num_encoder_symbols,
                                        embedding_size=embedding_size)
        _, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)

        def build(feed, update=True):
            return embedding_rnn_decoder(decoder_inputs, encoder_state, cell,
                                         num_decoder_symbols, embedding_size,
                                         output_projection=output_projection,
                                         feed_previous=feed,
                                         update_embedding_for_previous=update)

        if isinstance(feed_previous, bool):
            return build(feed_previous)
        return _both_decoders(feed_previous, lambda feed: build(feed, False), encoder_state,
                              len(decoder_inputs))


def embedding_tied_rnn_seq2seq(encoder_inputs, decoder_inputs, cell, num_symbols,
                               embedding_size, num_decoder_symbols=None,
                               output_projection=None, feed_previous=False, dtype=None,
                               scope=None):
    """``tied_rnn_seq2seq`` over one shared ``embedding`` of encoder and decoder symbols;
    outputs are over ``num_decoder_symbols`` (default ``num_symbols``) symbols."""
    with variable_scope(scope or "embedding_tied_rnn_seq2seq", dtype=dtype) as vscope:
        dtype = vscope.dtype
        _check_projection(output_projection, num_symbols, dtype)
        embedding = get_variable("embedding", [num_symbols, embedding_size], dtype=dtype)
        emb_encoder_inputs = [embedding_lookup(embedding, x) for x in encoder_inputs]
        emb_decoder_inputs = [embedding_lookup(embedding, x) for x in decoder_inputs]
        output_symbols = num_symbols if num_decoder_symbols is None else num_decoder_symbols
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, output_symbols)

        def build(feed, update=True):
            loop_function = (_extract_argmax_and_embed(embedding, output_projection, update)
                             if feed else None)
            return tied_rnn_seq2seq(emb_encoder_inputs, emb_decoder_inputs, cell,
                                    loop_function=loop_function, dtype=dtype)

        if isinstance(feed_previous, bool):
            return build(feed_previous)
        batch_size = encoder_inputs[0].shape.as_list()[0]
        if batch_size is None:
            batch_size = array_ops.shape(encoder_inputs[0])[0]
        structure = cell.zero_state(batch_size, dtype)
        return _both_decoders(feed_previous, lambda feed: build(feed, False), structure,
                              len(decoder_inputs))


def attention_decoder(decoder_inputs, initial_state, attention_states, cell, output_size=None,
                      num_heads=1, loop_function=None, dtype=None, scope=None,
                      initial_state_attention=False):
    """RNN decoder reading ``attention_states`` ([batch, length, size]) at every step.

    Each step runs ``cell`` on ``linear([input] + previous reads)``, then every head reads
    ``softmax(v . tanh(W h + U state))``-weighted sums of the attention states, and the
    output is ``linear([cell output] + reads)`` of ``output_size`` (default: the cell's).
    Reads start at zero, or from ``initial_state`` with ``initial_state_attention``.
    """
    if not decoder_inputs:
        raise ValueError("Must provide at least 1 input to attention decoder.")
    if num_heads < 1:
        raise ValueError("With less than 1 heads, use a non-attention decoder.")
    dims = attention_states.shape.as_list()
    if dims is None or len(dims) < 3 or dims[2] is None:
        raise ValueError(f"Shape[2] of attention_states must be known: "
                         f"{attention_states.shape}")
    if output_size is None:
        output_size = cell.output_size
    with variable_scope(scope or "attention_decoder", dtype=dtype) as vscope:
        dtype = vscope.dtype
        batch_size = array_ops.shape(decoder_inputs[0])[0]
        attn_length = dims[1] if dims[1] is not None else array_ops.shape(attention_states)[1]
        attn_size = dims[2]
        # W h for every position at once, as a 1x1 convolution over [batch, length, 1, size].
        hidden = array_ops.reshape(attention_states, [-1, attn_length, 1, attn_size])
        hidden_features, v = [], []
        for a in range(num_heads):
            k = get_variable(f"AttnW_{a}", [1, 1, attn_size, attn_size])
            hidden_features.append(nn_ops.conv2d(hidden, k, [1, 1, 1, 1], "SAME"))
            v.append(get_variable(f"AttnV_{a}", [attn_size]))

        def attention(query):
            if is_sequence(query):
                query = array_ops.concat(flatten(query), 1)
            reads = []
            for a in range(num_heads):
                with variable_scope(f"Attention_{a}"):
                    y = array_ops.reshape(_linear(query, attn_size, True),
                                          [-1, 1, 1, attn_size])
                    s = math_ops.reduce_sum(v[a] * math_ops.tanh(hidden_features[a] + y),
                                            [2, 3])
                    weights = nn_ops.softmax(s)
                    d = math_ops.reduce_sum(
                        array_ops.reshape(weights, [-1, attn_length, 1, 1]) * hidden, [1, 2])
                    reads.append(array_ops.reshape(d, [-1, attn_size]))
            return reads

        outputs = []
        prev = None
        batch_attn_size = array_ops.stack([batch_size, attn_size])
        attns = [array_ops.zeros(batch_attn_size, dtype=dtype) for _ in range(num_heads)]
        for a in attns:
            a.set_shape([None, attn_size])
        state = initial_state
        if initial_state_attention:
            attns = attention(initial_state)
        for i, inp in enumerate(decoder_inputs):
            if i > 0:
                get_variable_scope().reuse_variables()
            if loop_function is not None and prev is not None:
                with variable_scope("loop_function", reuse=True):
                    inp = loop_function(prev, i)
            dims = inp.shape.as_list()
            if dims is None or len(dims) != 2 or dims[1] is None:
                raise ValueError(f"Could not infer input size from input: {inp.name}")
            x = _linear([inp] + attns, dims[1], True)
            cell_output, state = cell(x, state)
            if i == 0 and initial_state_attention:
                with variable_scope(get_variable_scope(), reuse=True):
                    attns = attention(state)
            else:
                attns = attention(state)
            with variable_scope("AttnOutputProjection"):
                output = _linear([cell_output] + attns, output_size, True)
            if loop_function is not None:
                prev = output
            outputs.append(output)
    return outputs, state


def embedding_attention_decoder(decoder_inputs, initial_state, attention_states, cell,
                                num_symbols, embedding_size, num_heads=1, output_size=None,
                                output_projection=None, feed_previous=False,
                                update_embedding_for_previous=True, dtype=None, scope=None,
                                initial_state_attention=False):
    """``attention_decoder`` over the embeddings of integer symbols (``feed_previous`` as
    in ``embedding_rnn_decoder``)."""
    if output_size is None:
        output_size = cell.output_size
    if output_projection is not None:
        biases = convert_to_tensor(output_projection[1], dtype=dtype)
        biases.shape.assert_is_compatible_with([num_symbols])
    with variable_scope(scope or "embedding_attention_decoder", dtype=dtype):
        embedding = get_variable("embedding", [num_symbols, embedding_size])
        loop_function = (_extract_argmax_and_embed(embedding, output_projection,
                                                   update_embedding_for_previous)
                         if feed_previous else None)
        emb_inp = [embedding_lookup(embedding, i) for i in decoder_inputs]
        return attention_decoder(emb_inp, initial_state, attention_states, cell,
                                 output_size=output_size, num_heads=num_heads,
                                 loop_function=loop_function,
                                 initial_state_attention=initial_state_attention)


def embedding_attention_seq2seq(encoder_inputs, decoder_inputs, cell, num_encoder_symbols,
                                num_decoder_symbols, embedding_size, encoder_cell=None,
                                num_heads=1, output_projection=None, feed_previous=False,
                                dtype=None, scope=None, initial_state_attention=False):
    """Encode as ``embedding_rnn_seq2seq`` does (``encoder_cell``, default a copy of
    ``cell``), keep every encoder output as the attention states, and decode with
    ``embedding_attention_decoder`` (outputs of ``num_decoder_symbols`` logits unless an
    ``output_projection`` is given)."""
    with variable_scope(scope or "embedding_attention_seq2seq", dtype=dtype) as vscope:
        dtype = vscope.dtype
        if encoder_cell is None:
            encoder_cell = copy.deepcopy(cell)
        encoder_cell = EmbeddingWrapper(encoder_cell, embedding_classes=num_encoder_symbols,
                                        embedding_size=embedding_size)
        encoder_outputs, encoder_state = static_rnn(encoder_cell, encoder_inputs, dtype=dtype)
        top_states = [array_ops.reshape(e, [-1, 1, cell.output_size])
                      for e in encoder_outputs]
        attention_states = array_ops.concat(top_states, 1)
        output_size = None
        if output_projection is None:
            cell = OutputProjectionWrapper(cell, num_decoder_symbols)
            output_size = num_decoder_symbols

        def build(feed, update=True):
            return embedding_attention_decoder(
                decoder_inputs, encoder_state, attention_states, cell, num_decoder_symbols,
                embedding_size, num_heads=num_heads, output_size=output_size,
                output_projection=output_projection, feed_previous=feed,
                update_embedding_for_previous=update,
                initial_state_attention=initial_state_attention)

        if isinstance(feed_previous, bool):
            return build(feed_previous)
        return _both_decoders(feed_previous, lambda feed: build(feed, False), encoder_state,
                              len(decoder_inputs))


def one2many_rnn_seq2seq(encoder_inputs, decoder_inputs_dict, enc_cell, dec_cells_dict,
                         num_encoder_symbols, num_decoder_symbols_dict, embedding_size,
                         feed_previous=False, dtype=None, scope=None):
    """One embedded encoder, one ``embedding_rnn_decoder`` per named task (scope
    ``one2many_decoder_<name>``): ``(outputs_dict, state_dict)``."""
    if not isinstance(enc_cell, RNNCell):
        raise TypeError(f"enc_cell is not an RNNCell: {type(enc_cell)}")
    if set(dec_cells_dict) != set(decoder_inputs_dict):
        raise ValueError("keys of dec_cells_dict != keys of decodre_inputs_dict")
    for dec_cell in dec_cells_dict.values():
        if not isinstance(dec_cell, RNNCell):
            raise TypeError(f"dec_cell is not an RNNCell: {type(dec_cell)}")
    outputs_dict, state_dict = {}, {}
    with variable_scope(scope or "one2many_rnn_seq2seq", dtype=dtype) as vscope:
        dtype = vscope.dtype
        enc_cell = EmbeddingWrapper(enc_cell, embedding_classes=num_encoder_symbols,
                                    embedding_size=embedding_size)
        _, encoder_state = static_rnn(enc_cell, encoder_inputs, dtype=dtype)
        for name, decoder_inputs in decoder_inputs_dict.items():
            num_decoder_symbols = num_decoder_symbols_dict[name]
            with variable_scope("one2many_decoder_" + str(name)):
                dec_cell = OutputProjectionWrapper(dec_cells_dict[name], num_decoder_symbols)

                def build(feed, inputs=decoder_inputs, cell=dec_cell, n=num_decoder_symbols):
                    return embedding_rnn_decoder(inputs, encoder_state, cell, n,
                                                 embedding_size, feed_previous=feed)

                if isinstance(feed_previous, bool):
                    outputs, state = build(feed_previous)
                else:
                    outputs, state = _both_decoders(feed_previous, build, encoder_state,
                                                    len(decoder_inputs))
            outputs_dict[name] = outputs
            state_dict[name] = state
    return outputs_dict, state_dict


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


def model_with_buckets(encoder_inputs, decoder_inputs, targets, weights, buckets, seq2seq,
                       softmax_loss_function=None, per_example_loss=False, name=None):
    """One ``seq2seq(encoder_inputs[:n], decoder_inputs[:m])`` model per bucket ``(n, m)``,
    all sharing variables, each with its ``sequence_loss`` (per example with
    ``per_example_loss``): ``(outputs per bucket, losses per bucket)``."""
    if len(encoder_inputs) < buckets[-1][0]:
        raise ValueError(f"Length of encoder_inputs ({len(encoder_inputs)}) must be at least "
                         f"that of last bucket ({buckets[-1][0]}).")
    if len(targets) < buckets[-1][1]:
        raise ValueError(f"Length of targets ({len(targets)}) must be at least that of last "
                         f"bucket ({buckets[-1][1]}).")
    if len(weights) < buckets[-1][1]:
        raise ValueError(f"Length of weights ({len(weights)}) must be at least that of last "
                         f"bucket ({buckets[-1][1]}).")
    losses, outputs = [], []
    with name_scope(name or "model_with_buckets"):
        for j, bucket in enumerate(buckets):
            with variable_scope(get_variable_scope(), reuse=True if j > 0 else None):
                bucket_outputs, _ = seq2seq(encoder_inputs[:bucket[0]],
                                            decoder_inputs[:bucket[1]])
                outputs.append(bucket_outputs)
                loss = sequence_loss_by_example if per_example_loss else sequence_loss
                losses.append(loss(outputs[-1], targets[:bucket[1]], weights[:bucket[1]],
                                   softmax_loss_function=softmax_loss_function))
    return outputs, losses


__getattr__ = missing_attribute(__name__, "tf.contrib.legacy_seq2seq")
