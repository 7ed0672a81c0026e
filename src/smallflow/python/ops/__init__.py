"""``tensorflow.python.ops``: the op modules TF1 programs import (``math_ops``,
``array_ops``, ``nn_ops``, ...), each answering with the public function of the same name."""
