"""``slim.dataset.Dataset``: the description of a dataset on disk (its files, the reader and
decoder of a record, its size) that a ``DatasetDataProvider`` reads."""

__all__ = ["Dataset"]


class Dataset:
    """A plain record of ``data_sources``, ``reader``, ``decoder``, ``num_samples``,
    ``items_to_descriptions`` and any further keyword (``num_classes``,
    ``labels_to_names``, ...) as attributes."""

    def __init__(self, data_sources, reader, decoder, num_samples, items_to_descriptions,
                 **kwargs):
        kwargs["data_sources"] = data_sources
        kwargs["reader"] = reader
        kwargs["decoder"] = decoder
        kwargs["num_samples"] = num_samples
        kwargs["items_to_descriptions"] = items_to_descriptions
        self.__dict__.update(kwargs)
