"""``tensorflow.python.tf2``: whether TensorFlow 2 behaviour is on (never, in smallflow)."""


def enabled():
    return False


def enable():
    raise NotImplementedError("smallflow runs TensorFlow 1.x programs: TensorFlow 2 behaviour "
                              "cannot be switched on")


def disable():
    """TensorFlow 1.x behaviour: always on here."""
