"""The ``tf.data`` input pipeline ``smallflow train`` feeds a model with augmentation from.

The TF1 pattern: the training images and labels enter through placeholders fed once, to
the iterator's initializer (so no 170 MB constant sits in the graph); the dataset is
shuffled with the run's seed (a fresh order every epoch), repeated, batched, augmented by
the model's ``augment_batch`` map function and prefetched, so the next batch is augmented
in a background thread while the current training step runs. Each step fetches the next
batch and feeds it to the model's ``images``/``labels`` placeholders, which leaves the
training loop, its summaries and its evaluation exactly as for fed batches.

The map runs in the one prefetch thread (no ``num_parallel_calls``): the augmentation's
random draws then come in a fixed order, so a run is reproducible from its seed.
"""

import smallflow as tf

__all__ = ["PREFETCH_BATCHES", "training_batches"]

PREFETCH_BATCHES = 2


def training_batches(sess, model_graph, train, batch_size, seed, augment):
    """A function returning the next ``(images, labels)`` batch of ``train`` (a DataSet),
    each batch mapped through ``augment`` (flat images -> flat images) in the pipeline.

    The pipeline is built in ``model_graph``'s graph and its iterator started in ``sess``.
    """
    with model_graph.graph.as_default(), tf.name_scope("input_pipeline"):
        images = tf.placeholder(tf.float32, [None, 784], name="train_images")
        labels = tf.placeholder(tf.float32, [None, 10], name="train_labels")
        dataset = tf.data.Dataset.from_tensor_slices((images, labels))
        dataset = dataset.shuffle(max(train.num_examples, 1), seed=seed)
        dataset = dataset.repeat().batch(batch_size)
        dataset = dataset.map(lambda x, y: (augment(x), y))
        dataset = dataset.prefetch(PREFETCH_BATCHES)
        iterator = dataset.make_initializable_iterator()
        next_batch = iterator.get_next()
    sess.run(iterator.initializer, {images: train.images, labels: train.labels})

    def next_training_batch():
        return sess.run(next_batch)

    return next_training_batch
