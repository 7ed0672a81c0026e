"""TensorBoard logs for ``smallflow train --logdir DIR``: curves, histograms, weight pictures.

``TrainingSummaries`` adds summary ops to a model's graph and writes two runs under the
log directory, as TF1 programs do: ``train/`` (the graph, the batch loss and accuracy,
a histogram of every model variable and, for models whose first layer sees whole images,
its weights as pictures) and ``validation/`` (the validation accuracy each time the
training loop measures it). Open them with ``tensorboard --logdir DIR``.
"""

import os

import smallflow as tf

IMAGE_SIDE = 28
MAX_WEIGHT_PICTURES = 10


class TrainingSummaries:
    """Summaries of one training run; ``every`` steps the training writer gets a record."""

    def __init__(self, logdir, model_graph, every=10):
        self._model = model_graph
        self._every = max(int(every), 1)
        with model_graph.graph.as_default(), tf.name_scope("summaries"):
            summaries = [
                tf.summary.scalar("loss", model_graph.loss, collections=[]),
                tf.summary.scalar("accuracy", model_graph.accuracy, collections=[]),
            ]
            for variable in model_graph.model_variables:
                tag = variable.op.name.replace("/", "_")
                summaries.append(tf.summary.histogram(tag, variable, collections=[]))
            pictures = _weight_pictures(model_graph.model_variables)
            if pictures is not None:
                summaries.append(tf.summary.image("first_layer_weights", pictures,
                                                  max_outputs=MAX_WEIGHT_PICTURES,
                                                  collections=[]))
            self._merged = tf.summary.merge(summaries, collections=[])
        self._train = tf.summary.FileWriter(os.path.join(logdir, "train"), model_graph.graph)
        self._validation = tf.summary.FileWriter(os.path.join(logdir, "validation"))

    @property
    def logdir(self):
        return os.path.dirname(self._train.get_logdir())

    def after_step(self, sess, step, feed):
        """Record the step's summaries (on the step's own batch) every ``every`` steps."""
        if step % self._every and step != 1:
            return
        self._train.add_summary(sess.run(self._merged, feed_dict=feed), step)

    def validation_accuracy(self, step, accuracy):
        value = tf.Summary.Value(tag="summaries/accuracy", simple_value=float(accuracy))
        self._validation.add_summary(tf.Summary(value=[value]), step)

    def close(self):
        self._train.close()
        self._validation.close()


def _weight_pictures(variables):
    """``[units, 28, 28, 1]`` pictures of the first layer's weights, when it sees pixels."""
    for variable in variables:
        dims = variable.shape.as_list()
        if len(dims) == 2 and dims[0] == IMAGE_SIDE * IMAGE_SIDE:
            columns = tf.transpose(variable.value())[:MAX_WEIGHT_PICTURES]
            return tf.reshape(columns, [-1, IMAGE_SIDE, IMAGE_SIDE, 1])
        if len(dims) == 4 and dims[2] == 1:  # convolution filters: [h, w, 1, out]
            filters = tf.transpose(variable.value(), [3, 0, 1, 2])[:MAX_WEIGHT_PICTURES]
            return filters
    return None
