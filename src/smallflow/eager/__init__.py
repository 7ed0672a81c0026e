"""Eager execution (TF 1.5-1.15's ``tf.enable_eager_execution``): ops run as they are made.

``context`` switches the mode, ``execute`` runs one op at once (``EagerGraph.create_op``),
``tensor`` is the value-holding ``EagerTensor``, ``tape`` records ops for ``GradientTape``,
``variables`` holds ``tf.Variable`` values outside any session, ``iterator`` walks
``tf.data`` pipelines in Python loops, ``api`` is ``tf.contrib.eager``. See
docs/architecture.md "Eager execution".
"""
