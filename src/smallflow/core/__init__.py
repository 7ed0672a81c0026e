"""``tensorflow.core``: the paths of TensorFlow's protocol buffer modules
(``from tensorflow.core.framework import summary_pb2``). Each module answers with the message
classes of TensorBoard's module of the same name, loaded on first use (the ``tensorboard``
extra), so importing the path costs nothing and needs no extra."""


def proto_getattr(module_name, proto_module):
    """A module ``__getattr__`` reading names from TensorBoard's ``proto_module``."""

    def __getattr__(name):
        if name.startswith("__"):
            raise AttributeError(f"module '{module_name}' has no attribute '{name}'")
        from .. import tb_protos

        return getattr(getattr(tb_protos.load(), proto_module), name)

    return __getattr__
