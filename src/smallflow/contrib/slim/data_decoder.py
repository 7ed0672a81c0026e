"""``slim.data_decoder``: the interface of a decoder that turns one serialized record into
named items (``TFExampleDecoder`` implements it)."""

import abc

__all__ = ["DataDecoder"]


class DataDecoder(abc.ABC):
    """Decodes ``data`` into the tensors of the items it knows (``list_items``)."""

    @abc.abstractmethod
    def decode(self, data, items):
        """The tensors of ``items`` (a list of item names) decoded from ``data``."""

    @abc.abstractmethod
    def list_items(self):
        """The names of the items this decoder can produce."""
