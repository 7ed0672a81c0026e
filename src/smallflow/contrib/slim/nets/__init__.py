"""``tf.contrib.slim.nets``: the network definitions TF-Slim ships."""
