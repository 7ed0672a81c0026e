"""``slim.dataset_data_provider.DatasetDataProvider``: records of a ``slim.dataset.Dataset``
read by parallel readers into a (shuffling) common queue, each decoded into its items."""

from . import data_provider, parallel_reader

__all__ = ["DatasetDataProvider"]


class DatasetDataProvider(data_provider.DataProvider):
    """The items of one record at a time; ``record_key`` is the item of the record's key
    (``b"<file>:<index>"``)."""

    def __init__(self, dataset, num_readers=1, reader_kwargs=None, shuffle=True,
                 num_epochs=None, common_queue_capacity=256, common_queue_min=128,
                 record_key="record_key", seed=None, scope=None):
        key, data = parallel_reader.parallel_read(
            dataset.data_sources, reader_class=dataset.reader, num_epochs=num_epochs,
            num_readers=num_readers, reader_kwargs=reader_kwargs, shuffle=shuffle,
            capacity=common_queue_capacity, min_after_dequeue=common_queue_min, seed=seed,
            scope=scope)
        items = list(dataset.decoder.list_items())
        tensors = dataset.decoder.decode(data, items)
        items_to_tensors = dict(zip(items, tensors, strict=True))
        if record_key in items_to_tensors:
            raise ValueError(f"The item name used for `record_key` cannot also be used for a "
                             f"dataset item: {record_key}")
        items_to_tensors[record_key] = key
        super().__init__(items_to_tensors=items_to_tensors, num_samples=dataset.num_samples)
