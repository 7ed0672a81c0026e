"""``tensorflow.python.layers``: ``utils`` (``smart_cond``, ``constant_value``) and ``core``
(``Dense``...)."""
