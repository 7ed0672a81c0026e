"""``register_session_run_conversion_functions``: objects of other types fetched and fed in
``Session.run``, as TensorFlow 1.x's ``tensorflow.python.client.session`` allows.

A library registers its type (Edward's ``RandomVariable``, say) with a fetch function
``fetch -> (fetches, contraction)``, where ``contraction(values of fetches)`` builds the
result, and optionally a feed function ``(key, value) -> [(tensor, value), ...]``.
"""

_EXPANSIONS = []  # (type, fetch_function, feed_function, feed_function_for_partial_run)


def register_session_run_conversion_functions(tensor_type, fetch_function,
                                              feed_function=None,
                                              feed_function_for_partial_run=None):
    """Let ``Session.run`` fetch (and feed) objects of ``tensor_type``.

    Raises ValueError when ``tensor_type`` (or a base class of it) is registered already."""
    for registered in _EXPANSIONS:
        if issubclass(tensor_type, registered[0]):
            raise ValueError(f"{tensor_type} has already been registered so ignore it.")
    _EXPANSIONS.insert(0, (tensor_type, fetch_function, feed_function,
                           feed_function_for_partial_run))


def fetch_expansion(fetch):
    """``(fetches, contraction)`` for a fetch of a registered type; None for other fetches."""
    for tensor_type, fetch_function, _, _ in _EXPANSIONS:
        if isinstance(fetch, tensor_type):
            return fetch_function(fetch)
    return None


def expand_feeds(keys, values):
    """Feeds whose key is of a registered type with a feed function, replaced by the
    ``(tensor, value)`` pairs that function gives."""
    if not _EXPANSIONS:
        return keys, values
    out_keys, out_values = [], []
    for key, value in zip(keys, values, strict=True):
        pairs = None
        for tensor_type, _, feed_function, _ in _EXPANSIONS:
            if isinstance(key, tensor_type) and feed_function is not None:
                pairs = feed_function(key, value)
                break
        if pairs is None:
            out_keys.append(key)
            out_values.append(value)
            continue
        for tensor, tensor_value in pairs:
            out_keys.append(tensor)
            out_values.append(tensor_value)
    return tuple(out_keys), tuple(out_values)
