"""``slim.data_provider``: the base of data providers, which hand out the tensors of named
items (``provider.get(['image', 'label'])``)."""

import abc

__all__ = ["DataProvider"]


class DataProvider(abc.ABC):  # noqa: B024 - abstract by intent, like TF-Slim's base class
    """Tensors by item name, and the number of samples of the data behind them."""

    def __init__(self, items_to_tensors, num_samples):
        self._items_to_tensors = items_to_tensors
        self._num_samples = num_samples

    def get(self, items):
        """The tensors of ``items``, a list or tuple of item names, in that order."""
        self._validate_items(items)
        return [self._items_to_tensors[item] for item in items]

    def list_items(self):
        return self._items_to_tensors.keys()

    def num_samples(self):
        return self._num_samples

    def _validate_items(self, items):
        if not isinstance(items, list | tuple):
            raise ValueError("items must be a list or tuple")
        valid_items = self.list_items()
        for item in items:
            if item not in valid_items:
                raise ValueError(f"Item [{item}] is invalid. Valid entries include: "
                                 f"{valid_items}")
